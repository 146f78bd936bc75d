"""User search: the ``q`` parser, and which users each query returns on SQLite and PostgreSQL.

Auth0, "User Search Query Syntax" (search engine v3) and "Sort Search Results".
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import event, select, text
from sqlalchemy.engine import make_url

from authgate.connections.models import Connection
from authgate.db import Database
from authgate.search.tree import (
    MAX_DEPTH,
    MAX_TERMS,
    And,
    Bound,
    Equals,
    Exists,
    Like,
    MatchAll,
    Not,
    Or,
    Period,
    Range,
    Wild,
)
from authgate.tenants.models import Tenant
from authgate.users import repository
from authgate.users.models import User
from authgate.users.search import (
    SearchSyntaxError,
    order_by,
    parse,
    search_filter,
    where,
)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def nick(value: str) -> Equals:
    return Equals("nickname", value)


# -- parser: the tree ---------------------------------------------------------------------


def test_field_value_and_quoted_phrase() -> None:
    assert parse("email:jane@example.com") == Equals("email", "jane@example.com")
    assert parse('name:"jane smith"') == Equals("name", "jane smith")
    assert parse('name:"jo*"') == Equals("name", "jo*")  # no wildcard inside quotes


def test_bare_term_searches_the_default_fields_never_metadata() -> None:
    query = parse("jane")
    assert isinstance(query, Or)
    assert {child.field for child in query.children if isinstance(child, Equals)} == {
        "user_id",
        "email",
        "username",
        "name",
        "given_name",
        "family_name",
        "nickname",
        "phone_number",
    }


def test_side_by_side_terms_are_ored() -> None:
    assert parse("nickname:a nickname:b") == Or((nick("a"), nick("b")))


def test_and_binds_tighter_than_or() -> None:
    assert parse("nickname:a OR nickname:b AND nickname:c") == Or(
        (nick("a"), And((nick("b"), nick("c"))))
    )
    assert parse("nickname:a AND nickname:b OR nickname:c") == Or(
        (And((nick("a"), nick("b"))), nick("c"))
    )


def test_not_binds_tightest() -> None:
    assert parse("NOT nickname:a AND nickname:b") == And((Not(nick("a")), nick("b")))
    assert parse("nickname:a OR NOT nickname:b") == Or((nick("a"), Not(nick("b"))))


def test_parentheses_group() -> None:
    assert parse("(nickname:a OR nickname:b) AND nickname:c") == And(
        (Or((nick("a"), nick("b"))), nick("c"))
    )


def test_prohibited_and_required_clauses_follow_lucene() -> None:
    assert parse("nickname:a -nickname:b") == And((nick("a"), Not(nick("b"))))
    assert parse("nickname:a NOT nickname:b") == And((nick("a"), Not(nick("b"))))
    assert parse("nickname:a nickname:c -nickname:b") == And(
        (Or((nick("a"), nick("c"))), Not(nick("b")))
    )
    assert parse("+nickname:a nickname:b") == nick("a")
    assert parse("-nickname:a") == Not(nick("a"))


def test_symbol_operators() -> None:
    assert parse("nickname:a || nickname:b && !nickname:c") == Or(
        (nick("a"), And((nick("b"), Not(nick("c")))))
    )


def test_operators_must_be_capitalized() -> None:
    query = parse("nickname:a and nickname:b")
    assert isinstance(query, Or)
    assert Equals("user_id", "and") in query.children


def test_field_group() -> None:
    assert parse("nickname:(a OR b)") == Or((nick("a"), nick("b")))
    assert parse("nickname:(a email:b)") == Or((nick("a"), Equals("email", "b")))


def test_backslash_escapes() -> None:
    assert parse(r"name:John\ Doe") == Equals("name", "John Doe")
    assert parse(r"name:a\*") == Equals("name", "a*")
    assert parse(r"email:a\:b") == Equals("email", "a:b")
    assert parse(r'name:"say \"hi\""') == Equals("name", 'say "hi"')
    assert parse(r"name:\AND") == Equals("name", "AND")
    assert parse("user_id:auth0|abc") == Equals("user_id", "auth0|abc")


def test_signs_right_after_a_colon_belong_to_the_value() -> None:
    assert parse("phone_number:+15550001") == Equals("phone_number", "+15550001")
    assert parse("logins_count:-1") == Equals("logins_count", -1)


def test_parse_wildcards() -> None:
    assert parse("name:jo*") == Like("name", ("jo", Wild.ANY))
    assert parse("name:*usa") == Like("name", (Wild.ANY, "usa"))
    assert parse("name:j?n**") == Like("name", ("j", Wild.ONE, "n", Wild.ANY))
    assert parse("name:*") == Exists("name")
    assert parse("*") == MatchAll()
    assert parse("*:*") == MatchAll()


def test_typed_values() -> None:
    assert parse("blocked:true") == Equals("blocked", True)
    assert parse("logins_count:7") == Equals("logins_count", 7)
    assert parse("created_at:2018-01") == Equals(
        "created_at", Period(at("2018-01-01"), at("2018-02-01"))
    )
    assert parse('last_login:"2018-01-15T10:00:00+02:00"') == Equals(
        "last_login", Period(at("2018-01-15T08:00:00"), at("2018-01-15T08:00:01"))
    )
    assert parse("app_metadata.plan:gold") == Equals("app_metadata.plan", "gold")


def test_parse_number_ranges() -> None:
    assert parse("logins_count:[1 TO 5}") == Range(
        "logins_count", Bound(1, inclusive=True), Bound(5, inclusive=False)
    )
    assert parse("logins_count:{100 TO *]") == Range(
        "logins_count", Bound(100, inclusive=False), None
    )
    assert parse("logins_count:[* TO *]") == Exists("logins_count")


def test_partial_dates_in_ranges_cover_their_whole_period() -> None:
    assert parse("last_login:[* TO 2017-12]") == Range(
        "last_login", None, Bound(at("2018-01-01"), inclusive=False)
    )
    assert parse("last_login:{2017-12 TO *]") == Range(
        "last_login", Bound(at("2018-01-01"), inclusive=True), None
    )
    assert parse("created_at:[2018-01-15T10:30:00Z TO 2018-01-15T10:30:00Z}") == Range(
        "created_at", Bound(at("2018-01-15T10:30"), True), Bound(at("2018-01-15T10:30"), False)
    )


def test_parse_exists() -> None:
    assert parse("_exists_:last_login") == Exists("last_login")
    assert parse("_exists_:user_metadata.preferences.fontSize") == Exists(
        "user_metadata.preferences.fontSize"
    )


def test_nesting_depth_limit() -> None:
    assert parse("(" * MAX_DEPTH + "nickname:a" + ")" * MAX_DEPTH) == nick("a")
    with pytest.raises(SearchSyntaxError, match="nested more than"):
        parse("(" * (MAX_DEPTH + 1) + "nickname:a" + ")" * (MAX_DEPTH + 1))
    with pytest.raises(SearchSyntaxError, match="nested more than"):
        parse("NOT " * (MAX_DEPTH + 1) + "nickname:a")


def test_length_and_term_limits() -> None:
    with pytest.raises(SearchSyntaxError, match="longer than 4096"):
        parse("nickname:" + "a" * 4096)
    parse(" ".join(["nickname:a"] * MAX_TERMS))
    with pytest.raises(SearchSyntaxError, match=f"more than {MAX_TERMS} terms"):
        parse(" ".join(["nickname:a"] * (MAX_TERMS + 1)))


@pytest.mark.parametrize(
    ("q", "message"),
    [
        ("", "empty query"),
        ("   ", "empty query"),
        ("email:", "expected a value after 'email:'"),
        ("(email:a", r"missing '\)'"),
        ("email:a)", r"unexpected '\)'"),
        ("()", "empty parentheses"),
        ('name:"abc', "unterminated quoted phrase"),
        ("name:abc\\", "backslash at the end"),
        ("AND email:a", "expected a term, found AND"),
        ("email:a AND", "expected a term, found the end of the query"),
        ("NOT", "expected a term"),
        ("email:a:b", "expected a term, found ':'"),
        ("foo:bar", "'foo' is not a searchable field"),
        ("organization_id:org_1", "not a searchable field"),
        ("na*me:x", "field names cannot hold wildcards"),
        ("blocked:yes", "true or false"),
        ("logins_count:many", "whole number"),
        ("logins_count:99999999999", "whole number"),
        ("created_at:yesterday", "ISO 8601"),
        ("created_at:2018-02-30", "not a valid date"),
        ("created_at:[2018 TO", "unterminated range"),
        ("logins_count:[1 5]", "expected 'TO'"),
        ("logins_count:[1 TO ]", "two bounds"),
        ("logins_count:[1 TO 5", "close the range"),
        ("logins_count:[1* TO 5]", "cannot hold wildcards"),
        ("[1 TO 2]", "a range needs a field"),
        ("name:[a TO b]", "range queries are supported on"),
        ("app_metadata.tier:[1 TO 2]", "not supported on metadata"),
        ("app_metadata.plan:go*", "wildcards are not supported on metadata"),
        ("logins_count:1*", "wildcards are not supported on logins_count"),
        ("created_at:2018*", "wildcards are not supported on created_at"),
        ("name:*sa", "at least 3 literal"),
        ("name:?ob", "at least 3 literal"),
        ("*sa", "at least 3 literal"),
        ("name:jo~", "fuzzy"),
        ("name:jo~2", "fuzzy"),
        ("name:jo^2", "boosting"),
        ("name:/jo.*/", "regular expressions"),
        ("app_metadata:gold", "name a key of app_metadata"),
        ("app_metadata.a$b:x", "letters, digits"),
        ("app_metadata.a..b:x", "letters, digits"),
        ("user_metadata." + ".".join("k" * 11) + ":x", "limited to 10 keys"),
        ("_exists_:", "_exists_ takes a field name"),
        ("_exists_:foo", "not a searchable field"),
        ("email:a\x00", "NUL"),
    ],
)
def test_refused(q: str, message: str) -> None:
    with pytest.raises(SearchSyntaxError, match=message):
        parse(q)


def test_error_messages_give_the_position() -> None:
    with pytest.raises(SearchSyntaxError, match=r"unexpected '\)' \(at position 8\)"):
        parse("email:a ) b")


@pytest.mark.parametrize(
    ("sort", "message"),
    [
        ("created_at", "field:1"),
        ("created_at:2", "field:1"),
        ("created_at:1,name:1", "field:1"),
        ("app_metadata.plan:1", "app_metadata or user_metadata is not supported"),
        ("password_hash:1", "cannot sort by 'password_hash'"),
    ],
)
def test_sort_refused(sort: str, message: str) -> None:
    with pytest.raises(SearchSyntaxError, match=message):
        order_by(sort)


def test_nothing_to_filter_on() -> None:
    assert search_filter(None).where() == []
    assert search_filter("  ").where() == []
    assert search_filter("*").where() == []
    assert search_filter("blocked:true").query == Equals("blocked", True)


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
        "name:",
        "email:",
        "logins_count:",
        "created_at:",
        "2020-01",
        "5",
        "true",
        "app_metadata.x:",
        "_exists_:",
        "user_metadata.a.b:",
        "identities.connection:",
        "\u3000",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, min_size=1, max_size=14).map("".join))
def test_any_input_is_parsed_or_refused_cleanly(q: str) -> None:
    try:
        tree = parse(q)
    except SearchSyntaxError:
        return
    statement = select(User.id).where(where(tree))
    for dialect in DIALECTS:
        statement.compile(dialect=dialect)


@pytest.mark.parametrize(
    "q",
    [
        'name:"o\'brien; DROP TABLE users"',
        "user_id:o'brien*",
        "identities.connection:o'brien",
        'app_metadata.plan:"o\'brien\\" || @ == 1"',
    ],
)
def test_values_are_bound_parameters(q: str) -> None:
    statement = select(User.id).where(where(parse(q)))
    for dialect in DIALECTS:
        compiled = statement.compile(dialect=dialect)
        assert "o'brien" not in str(compiled)
        assert any("o'brien" in str(value) for value in compiled.params.values())


# -- queries against a real database -----------------------------------------------------


@dataclass
class World:
    db: Database
    tenant: str
    labels: dict[str, str]  # User.id -> label

    async def found(self, q: str) -> set[str]:
        stmt = select(User.id).where(User.tenant_id == self.tenant, where(parse(q)))
        async with self.db.unit_of_work(write=False) as session:
            return {self.labels[pk] for pk in (await session.execute(stmt)).scalars()}

    async def ordered(self, sort: str) -> list[str]:
        stmt = select(User.id).where(User.tenant_id == self.tenant).order_by(*order_by(sort))
        async with self.db.unit_of_work(write=False) as session:
            return [self.labels[pk] for pk in (await session.execute(stmt)).scalars()]


def _connection(tenant: str, name: str, strategy: str) -> Connection:
    now = at("2023-01-01")
    return Connection(
        id=f"con_{uuid.uuid4().hex[:16]}",
        tenant_id=tenant,
        name=name,
        strategy=strategy,
        options={},
        realms=[],
        connection_metadata={},
        created_at=now,
        updated_at=now,
    )


def _user(connection: Connection, user_id: str, **fields: Any) -> User:
    created = fields.pop("created_at", at("2024-01-01"))
    email, username = fields.get("email"), fields.get("username")
    values: dict[str, Any] = {
        "email_verified": False,
        "phone_verified": False,
        "blocked": False,
        "logins_count": 0,
        "user_metadata": {},
        "app_metadata": {},
        "updated_at": created,
        **fields,
    }
    return User(
        id=uuid.uuid4().hex,
        tenant_id=connection.tenant_id,
        connection_id=connection.id,
        user_id=user_id,
        email_key=email.lower() if email else None,
        email_domain=email.lower().rpartition("@")[2] if email else None,
        username_key=username.lower() if username else None,
        created_at=created,
        **values,
    )


def _users(members: Connection, google: Connection) -> dict[str, User]:
    return {
        "alice": _user(
            members,
            "auth0|a11ce0000000000000000001",
            email="Alice@Example.com",
            email_verified=True,
            username="Alice_W",
            name="Alice Wonder",
            given_name="Alice",
            family_name="Wonder",
            nickname="alice",
            phone_number="+15550001",
            logins_count=5,
            last_login=at("2024-03-10T12:00:00"),
            last_ip="2001:db8::1",
            created_at=at("2023-01-15T08:00:00"),
            app_metadata={"plan": "gold", "tier": 3, "beta": True, "subscription": {"plan": "pro"}},
            user_metadata={
                "favorite_color": "blue",
                "ville_préférée": "Paris",
                "preferences": {"fontSize": 13},
                "addresses": [{"city": "Paris"}, {"city": "Lyon"}],
            },
        ),
        "bob": _user(
            members,
            "auth0|b0b000000000000000000002",
            email="bob@example.org",
            name="Bob Builder",
            nickname="bob",
            blocked=True,
            created_at=at("2023-06-01T10:00:00"),
            app_metadata={"plan": "silver", "tier": "3"},
            user_metadata={"addresses": {"city": ["Seattle", "Paris"]}, "approved": False},
        ),
        "carol": _user(
            google,
            "google-oauth2|108000000000000000333",
            email="carol%_x@example.com",
            email_verified=True,
            name="Carol Jones",
            nickname="carol",
            logins_count=100,
            last_login=at("2024-12-31T23:59:59"),
            created_at=at("2024-01-01T00:00:00"),
            app_metadata={"plan": "Gold"},
            user_metadata={"preferences": {"fontSize": "13"}},
        ),
        "dave": _user(
            members,
            "auth0|da0e00000000000000000004",
            email="dave@sample.net",
            username="dave",
            name="100% Dave",
            nickname="dave",
            logins_count=200,
            last_login=at("2024-06-30T00:00:00"),
            created_at=at("2024-06-30T00:00:00"),
            user_metadata={"plan": "gold"},
        ),
        "erin": _user(
            members,
            "auth0|e0100000000000000000005",
            email="erin@example.com",
            name="Erin",
            nickname="erin",
            logins_count=1,
            created_at=at("2024-07-01T00:00:00"),
            app_metadata={"plan": None},
            user_metadata={"preferences": {}, "tags": []},
        ),
        "frank": _user(
            members,
            "auth0|f0a0c0000000000000000006",
            email="carolxyx@example.com",
            name="100x Dave",
            nickname="frank",
            created_at=at("2024-08-01T00:00:00"),
        ),
    }


@pytest.fixture
async def world(database_url: str) -> AsyncIterator[World]:
    db = Database(database_url)
    async with db.unit_of_work(write=True) as session:
        tenant = (
            await session.execute(text("SELECT id FROM tenants WHERE is_default"))
        ).scalar_one()
        other = Tenant(
            id=uuid.uuid4().hex,
            name="other",
            issuer="http://other.test/",
            is_default=False,
            settings={},
            created_at=at("2023-01-01"),
            updated_at=at("2023-01-01"),
        )
        session.add(other)
        await session.flush()
        members = _connection(tenant, "Members-DB", "auth0")
        google = _connection(tenant, "Partners-Google", "google-oauth2")
        foreign = _connection(other.id, "Members-DB", "auth0")
        session.add_all([members, google, foreign])
        await session.flush()
        users = _users(members, google)
        # the same person in another tenant: never found from the first one
        users["mallory"] = _user(
            foreign,
            "auth0|a11ce0000000000000000001",
            email="alice@example.com",
            name="Alice Wonder",
            nickname="alice",
            app_metadata={"plan": "gold"},
        )
        session.add_all(users.values())
    try:
        yield World(db, tenant, {user.id: label for label, user in users.items()})
    finally:
        await db.dispose()


EVERYONE = {"alice", "bob", "carol", "dave", "erin", "frank"}


async def test_email_exact_match_is_case_insensitive(world: World) -> None:
    assert await world.found("email:ALICE@example.COM") == {"alice"}
    assert await world.found('email:"bob@EXAMPLE.org"') == {"bob"}
    assert await world.found("email:alice") == set()
    assert await world.found("Alice@Example.com") == {"alice"}  # a bare term
    assert await world.found("email.domain:EXAMPLE.com") == {"alice", "carol", "erin", "frank"}


async def test_text_fields_match_the_whole_value(world: World) -> None:
    assert await world.found('name:"alice WONDER"') == {"alice"}
    assert await world.found(r"name:Alice\ Wonder") == {"alice"}
    assert await world.found("name:alice") == set()
    assert await world.found("username:ALICE_W") == {"alice"}
    assert await world.found("given_name:ALICE family_name:wonder") == {"alice"}
    assert await world.found("nickname:(bob OR carol)") == {"bob", "carol"}
    assert await world.found("user_id:auth0|b0b000000000000000000002") == {"bob"}
    assert await world.found(r'last_ip:"2001:db8::1"') == {"alice"}


async def test_case_sensitive_fields(world: World) -> None:
    assert await world.found("user_id:AUTH0|b0b000000000000000000002") == set()
    assert await world.found("user_id:AUTH0*") == set()
    assert await world.found("identities.connection:members-db") == set()


async def test_wildcards(world: World) -> None:
    assert await world.found("name:ALI*") == {"alice"}
    assert await world.found("name:*der") == {"alice", "bob"}
    assert await world.found("name:*ond*") == {"alice"}
    assert await world.found("nickname:b?b") == {"bob"}
    assert await world.found("user_id:auth0*") == EVERYONE - {"carol"}
    assert await world.found("user_id:google-oauth2|*") == {"carol"}
    assert await world.found("email:CAROL*") == {"carol", "frank"}
    assert await world.found("car*") == {"carol", "frank"}  # bare: nickname, email
    assert await world.found(r"name:100\**") == set()  # an escaped * is a literal star


async def test_percent_and_underscore_in_values_are_literal(world: World) -> None:
    assert await world.found("email:carol%_*") == {"carol"}
    assert await world.found("name:100%*") == {"dave"}
    assert await world.found("email:carol%_x@example.com") == {"carol"}
    assert await world.found("user_id:auth0|b0b_*") == set()
    assert await world.found("identities.connection:Members_DB") == set()


async def test_and_or_not_precedence(world: World) -> None:
    assert await world.found("nickname:alice nickname:bob") == {"alice", "bob"}
    assert await world.found("blocked:true OR logins_count:5 AND email_verified:true") == {
        "alice",
        "bob",
    }
    assert await world.found("(blocked:true OR logins_count:5) AND email_verified:true") == {
        "alice",
    }
    assert await world.found("NOT blocked:true AND logins_count:0") == {"frank"}
    assert await world.found("logins_count:0 -blocked:true") == {"frank"}
    assert await world.found("-blocked:true") == EVERYONE - {"bob"}
    assert await world.found("+nickname:alice nickname:bob") == {"alice"}
    assert await world.found("nickname:alice || nickname:carol && blocked:true") == {"alice"}


async def test_not_includes_users_without_the_field(world: World) -> None:
    assert await world.found("-username:dave") == EVERYONE - {"dave"}
    assert await world.found("NOT last_login:[2024-01-01 TO *]") == {"bob", "erin", "frank"}


async def test_date_ranges(world: World) -> None:
    assert await world.found("created_at:[2023-01-01 TO 2023-12-31]") == {"alice", "bob"}
    assert await world.found("created_at:[* TO 2023-06]") == {"alice", "bob"}
    assert await world.found("created_at:[* TO 2023-06}") == {"alice"}
    assert await world.found("last_login:{2024-03-10 TO *]") == {"carol", "dave"}
    assert await world.found("last_login:2024-03-10") == {"alice"}
    assert await world.found('last_login:"2024-03-10T12:00:00Z"') == {"alice"}
    assert await world.found("last_login:[2024-12-31T23:59:59Z TO *]") == {"carol"}
    assert await world.found("created_at:[2024-01-01T00:00:00Z TO 2024-01-01T00:00:00Z]") == {
        "carol"
    }
    assert await world.found('created_at:"2024-01-01T01:00:00+01:00"') == {"carol"}
    assert await world.found("updated_at:[2024-07 TO 2024-08]") == {"erin", "frank"}


async def test_number_ranges(world: World) -> None:
    assert await world.found("logins_count:[1 TO 100]") == {"alice", "carol", "erin"}
    assert await world.found("logins_count:{1 TO 100}") == {"alice"}
    assert await world.found("logins_count:{100 TO *]") == {"dave"}
    assert await world.found("logins_count:[* TO 0]") == {"bob", "frank"}
    assert await world.found("logins_count:0") == {"bob", "frank"}


async def test_exists(world: World) -> None:
    assert await world.found("_exists_:last_login") == {"alice", "carol", "dave"}
    assert await world.found("last_login:*") == {"alice", "carol", "dave"}
    assert await world.found("NOT _exists_:username") == EVERYONE - {"alice", "dave"}
    assert await world.found("_exists_:logins_count") == EVERYONE


async def test_booleans(world: World) -> None:
    assert await world.found("blocked:true") == {"bob"}
    assert await world.found("email_verified:true") == {"alice", "carol"}
    assert await world.found("phone_verified:false") == EVERYONE


async def test_identities(world: World) -> None:
    assert await world.found("identities.connection:Partners-Google") == {"carol"}
    assert await world.found('identities.connection:"Members-DB"') == EVERYONE - {"carol"}
    assert await world.found("identities.connection:Partners*") == {"carol"}
    assert await world.found("identities.provider:auth0") == EVERYONE - {"carol"}
    assert await world.found("identities.provider:google-oauth2") == {"carol"}
    assert await world.found("identities.provider:goo*") == {"carol"}
    assert await world.found("identities.user_id:108000000000000000333") == {"carol"}
    assert await world.found("identities.user_id:a11ce*") == {"alice"}


async def test_metadata_strings_are_exact_and_case_sensitive(world: World) -> None:
    assert await world.found("app_metadata.plan:gold") == {"alice"}
    assert await world.found('app_metadata.plan:"Gold"') == {"carol"}
    assert await world.found("user_metadata.plan:gold") == {"dave"}
    assert await world.found("user_metadata.favorite_color:blue") == {"alice"}
    assert await world.found("user_metadata.ville_préférée:Paris") == {"alice"}
    assert await world.found('user_metadata.favorite_color:"Blue"') == set()
    assert await world.found(r'app_metadata.plan:"x\" || @ != \"x"') == set()  # one string


async def test_metadata_numbers_and_booleans(world: World) -> None:
    assert await world.found("app_metadata.tier:3") == {"alice", "bob"}  # 3 and "3"
    assert await world.found("user_metadata.preferences.fontSize:13") == {"alice", "carol"}
    assert await world.found("user_metadata.preferences.fontSize:13.0") == {"alice"}
    assert await world.found("app_metadata.beta:true") == {"alice"}
    assert await world.found("user_metadata.approved:false") == {"bob"}
    assert await world.found("app_metadata.beta:false") == set()


async def test_metadata_nested_keys_and_arrays(world: World) -> None:
    assert await world.found("app_metadata.subscription.plan:pro") == {"alice"}
    assert await world.found("app_metadata.subscription:pro") == set()
    assert await world.found("user_metadata.addresses.city:Paris") == {"alice", "bob"}
    assert await world.found("user_metadata.addresses.city:Lyon") == {"alice"}
    assert await world.found("user_metadata.addresses.city:Seattle") == {"bob"}


async def test_metadata_exists(world: World) -> None:
    assert await world.found("_exists_:app_metadata.plan") == {"alice", "bob", "carol"}
    assert await world.found("_exists_:user_metadata.preferences") == {"alice", "carol"}
    assert await world.found("user_metadata.preferences.fontSize:*") == {"alice", "carol"}
    assert await world.found("_exists_:user_metadata.tags") == set()
    assert await world.found("_exists_:user_metadata.addresses.city") == {"alice", "bob"}


async def test_tenant_isolation(world: World) -> None:
    assert await world.found("email:alice@example.com") == {"alice"}
    assert await world.found("user_id:auth0|a11ce0000000000000000001") == {"alice"}
    assert await world.found("app_metadata.plan:gold") == {"alice"}
    assert await world.found("identities.connection:Members-DB") == EVERYONE - {"carol"}
    assert await world.found("*:*") == EVERYONE


async def test_sort(world: World) -> None:
    by_logins = await world.ordered("logins_count:-1")
    assert by_logins[:4] == ["dave", "carol", "alice", "erin"]
    assert set(by_logins[4:]) == {"bob", "frank"}
    assert await world.ordered("last_login:1") == [
        "alice",
        "dave",
        "carol",
        *sorted(
            ["bob", "erin", "frank"],
            key=lambda label: next(pk for pk, name in world.labels.items() if name == label),
        ),
    ]
    assert (await world.ordered("last_login:-1"))[:3] == ["carol", "dave", "alice"]
    assert await world.ordered("email:1") == ["alice", "bob", "carol", "frank", "dave", "erin"]
    assert await world.ordered(" created_at : -1 ") == [
        "frank",
        "erin",
        "dave",
        "carol",
        "bob",
        "alice",
    ]


async def test_sort_ties_break_on_id(world: World) -> None:
    ids = {label: pk for pk, label in world.labels.items()}
    zero = sorted(["bob", "frank"], key=lambda label: ids[label])
    assert (await world.ordered("logins_count:1"))[:2] == zero
    assert (await world.ordered("logins_count:-1"))[4:] == zero[::-1]


# -- paging broad integer and date tests on SQLite ------------------------------------------

RANGED = [
    "logins_count:[1 TO 200]",
    "logins_count:0",
    "NOT logins_count:[1 TO 5]",
    "created_at:[2023-06 TO 2024-07]",
    "last_login:[* TO 2024-12-31]",
    "_exists_:last_login",
    "updated_at:2024-07 OR nickname:alice",
]
RANGED_FIELD = dict(
    zip(
        RANGED,
        [q.removeprefix("NOT ").removeprefix("_exists_:").split(":")[0] for q in RANGED],
        strict=True,
    )
)


async def _page(world: World, q: str, sort: str | None) -> tuple[list[str], int | None]:
    async with world.db.unit_of_work(write=False) as session:
        users, total = await repository.search(
            session,
            world.tenant,
            matching=search_filter(q).sorted_by(sort),
            order_by=order_by(sort),
            offset=1,
            limit=2,
            count_up_to=3,
        )
    return [world.labels[user.id] for user in users], total


@pytest.mark.parametrize("sort", [None, "logins_count:-1", "last_login:1"])
@pytest.mark.parametrize("q", RANGED)
async def test_broad_integer_and_date_tests_page_alike_off_their_indexes(
    world: World, monkeypatch: pytest.MonkeyPatch, backend: str, q: str, sort: str | None
) -> None:
    """Matching ``SQLITE_BROAD`` users or more, such tests are kept off their indexes on SQLite
    (``+column``), so that the page is read along the index of the sort order: the same users
    in the same order, and the same total, as through the indexes. A test on the sort field
    itself stays on its index, which serves the range and the order at once."""
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(world.db.engine.sync_engine, "before_cursor_execute", record)
    found = await world.found(q)
    expected = [label for label in await world.ordered(sort or "created_at:1") if label in found]
    narrow = await _page(world, q, sort)  # six users: under SQLITE_BROAD
    assert not any("+ users." in statement for statement in statements)
    monkeypatch.setattr(repository, "SQLITE_BROAD", 1)
    broad = await _page(world, q, sort)
    event.remove(world.db.engine.sync_engine, "before_cursor_execute", record)
    assert narrow == broad == (expected[1:3], min(len(found), 3))
    unindexed = any("+ users." in statement for statement in statements)
    tested = RANGED_FIELD[q]
    on_sort_field = tested == (sort or "created_at:1").partition(":")[0]
    assert unindexed is (backend == "sqlite" and not on_sort_field)
