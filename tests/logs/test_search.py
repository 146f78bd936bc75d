"""The log search schema: what the shared parser makes of a log ``q`` (Auth0, "Log Search
Query Syntax"); which events each query returns is tested over HTTP in ``test_logs_api``."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.engine import make_url

from authgate.logs.models import LogEvent
from authgate.logs.search import LOGS, SearchSyntaxError, order_by, parse, search_clause, where
from authgate.search.schema import Kind
from authgate.search.tree import Equals, Exists, Like, Or, Wild


def test_bare_terms_search_the_fields_auth0_lists() -> None:
    query = parse("jane")
    assert isinstance(query, Or)
    assert {child.field for child in query.children if isinstance(child, Equals)} == {
        "client_name",
        "connection",
        "description",
        "ip",
        "log_id",
        "type",
        "user_name",
    }


def test_every_field_is_case_sensitive() -> None:
    assert all(field.kind is not Kind.FOLDED for field in LOGS.fields.values())


def test_trees() -> None:
    assert parse("type:fp") == Equals("type", "fp")
    assert parse("isMobile:true") == Equals("isMobile", True)
    assert parse("user_name:jane*smith") == Like("user_name", ("jane", Wild.ANY, "smith"))
    assert parse("type:\\?") == Equals("type", "?")
    assert parse("_exists_:details.request.ip") == Exists("details.request.ip")
    assert search_clause("*") is None
    assert search_clause(" ") is None


@pytest.mark.parametrize(
    ("q", "message"),
    [
        ("type:f?", r"\? wildcard is not supported"),
        ("f?", r"\? wildcard is not supported"),
        ("isMobile:yes", "true or false"),
        ("ip:[1 TO 2]", "range queries are supported on date only"),
        ("details.a.b:[1 TO 2]", "not supported on metadata"),
        ("details.a:x*", "wildcards are not supported on metadata"),
        ("details.a$b:x", "letters, digits"),
        ("[2018 TO 2019]", "as in date:"),
        ("email:x", "use one of log_id, date, type"),
    ],
)
def test_refused(q: str, message: str) -> None:
    with pytest.raises(SearchSyntaxError, match=message):
        parse(q)


def test_sort() -> None:
    newest = order_by(None)
    assert [str(key) for key in newest] == ["log_events.date DESC", "log_events.log_id DESC"]
    assert [str(key) for key in order_by("date:1")] == [
        "log_events.date ASC",
        "log_events.log_id ASC",
    ]
    assert [str(key) for key in order_by("log_id:-1")] == ["log_events.log_id DESC"]
    with pytest.raises(SearchSyntaxError, match="cannot sort by 'user_id'"):
        order_by("user_id:1")


DIALECTS = [
    make_url(url).get_dialect()() for url in ("sqlite+aiosqlite://", "postgresql+asyncpg://")
]
_PIECES = st.sampled_from(
    [
        *'ab* ?()[]{}:"\\-+!&|^~/é',
        "AND ",
        "OR ",
        "NOT ",
        " TO ",
        "type:",
        "user_name:",
        "date:",
        "isMobile:",
        "2020-01",
        "true",
        "details.x:",
        "details.request.ip:",
        "_exists_:",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, min_size=1, max_size=14).map("".join))
def test_any_input_is_parsed_or_refused_cleanly(q: str) -> None:
    try:
        tree = parse(q)
    except SearchSyntaxError:
        return
    statement = select(LogEvent.log_id).where(where(tree))
    for dialect in DIALECTS:
        statement.compile(dialect=dialect)


@pytest.mark.parametrize(
    "q", ['description:"o\'brien; DROP TABLE x"', "user_name:o'brien*", "details.a:o'brien"]
)
def test_values_are_bound_parameters(q: str) -> None:
    statement = select(LogEvent.log_id).where(where(parse(q)))
    for dialect in DIALECTS:
        compiled = statement.compile(dialect=dialect)
        assert "o'brien" not in str(compiled)
        assert any("o'brien" in str(value) for value in compiled.params.values())
