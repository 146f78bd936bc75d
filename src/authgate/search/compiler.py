"""A query tree as a SQLAlchemy condition over the columns a ``Schema`` names; ``sort`` syntax.

The condition is ANDed with the caller's ``tenant_id == ...``; schemas only name columns of the
searched row (or correlated subqueries on it), so it never reaches another tenant by itself.

Every leaf is TRUE or FALSE, never NULL (nullable columns are tested with IS NOT NULL first),
so ``NOT`` keeps Lucene's meaning: ``-name:x`` includes records without a name.

``where(..., indexed=False)`` builds the same condition with its tests on integer and date
columns kept off their indexes on SQLite (``sql.unindexed``): for a query that matches many
rows, walking the index of the sort order and stopping at the page's end is far cheaper than
reading every match through a range index and sorting them, and SQLite's planner, without
statistics on ranges, cannot tell the two cases apart. ``tests_ranged`` says whether the two
conditions differ at all.
"""

from __future__ import annotations

import re
from typing import assert_never

from sqlalchemy import ColumnElement, and_, not_, or_, true

from authgate.search import sql
from authgate.search.schema import RANGED, JsonField, ScalarField, Schema, TextField
from authgate.search.tree import (
    And,
    Equals,
    Exists,
    Like,
    MatchAll,
    Not,
    Or,
    Period,
    Query,
    Range,
    SearchSyntaxError,
)


def where(
    query: Query, schema: Schema, *, indexed: bool = True, keep: frozenset[str] = frozenset()
) -> ColumnElement[bool]:
    """The condition that ``query`` (parsed with ``schema``) describes; with ``indexed=False``,
    its integer and date tests kept off their indexes on SQLite, except on the fields in
    ``keep`` (the sort field, whose index serves the range and the order at once)."""

    def off(name: str) -> bool:  # a test kept off its index
        return not indexed and name not in keep

    def each(child: Query) -> ColumnElement[bool]:
        return where(child, schema, indexed=indexed, keep=keep)

    match query:
        case Equals(field, value):
            return _equals(schema, field, value, off(field))
        case Like(field, pattern):
            return schema.text(field).like(pattern)
        case Range():
            scalar = schema.scalar(query.field)
            return _range(_scalar(scalar, off(query.field)), query)
        case Exists(field):
            return _exists(schema, field, off(field))
        case Not(child):
            return not_(each(child))
        case And(children):
            return and_(*(each(child) for child in children))
        case Or(children):
            return or_(*(each(child) for child in children))
        case MatchAll():
            return true()
        case _:
            assert_never(query)


def tests_ranged(query: Query, schema: Schema, keep: frozenset[str]) -> bool:
    """Whether ``query`` tests an integer or date field outside ``keep`` (``indexed`` changes
    its condition)."""
    match query:
        case Equals(field) | Range(field) | Exists(field):
            return field not in keep and schema.kind_of(field) in RANGED
        case Not(child):
            return tests_ranged(child, schema, keep)
        case And(children) | Or(children):
            return any(tests_ranged(child, schema, keep) for child in children)
        case Like() | MatchAll():
            return False
        case _:
            assert_never(query)


def _scalar(field: ScalarField, unindexed: bool) -> ScalarField:
    return field.unindexed() if unindexed and field.kind in RANGED else field


def _equals(
    schema: Schema, name: str, value: str | int | bool | Period, unindexed: bool
) -> ColumnElement[bool]:
    field = schema.field(name)
    if isinstance(field, TextField):
        return field.text.equals(str(value))
    if isinstance(field, ScalarField):
        field = _scalar(field, unindexed)
        column = field.column
        if isinstance(value, Period):
            return field.guard(and_(column >= value.start, column < value.end))
        return field.guard(column == value)
    return sql.metadata_equals(*schema.json_path(name), str(value))


def _range(field: ScalarField, query: Range) -> ColumnElement[bool]:
    column = field.column
    tests: list[ColumnElement[bool]] = []
    if query.lower is not None:
        value = query.lower.value
        tests.append(column >= value if query.lower.inclusive else column > value)
    if query.upper is not None:
        value = query.upper.value
        tests.append(column <= value if query.upper.inclusive else column < value)
    return field.guard(and_(*tests))


def _exists(schema: Schema, name: str, unindexed: bool) -> ColumnElement[bool]:
    field = schema.field(name)
    if isinstance(field, TextField):
        return field.text.exists()
    if isinstance(field, ScalarField):
        field = _scalar(field, unindexed)
        return field.column.is_not(None) if field.nullable else true()
    assert isinstance(field, JsonField)
    return sql.metadata_exists(*schema.json_path(name))


# -- sort -----------------------------------------------------------------------------------

_SORT = re.compile(r"\s*([\w.]+)\s*:\s*(-?1)\s*")


def sort_key(sort: str) -> tuple[str, bool]:
    """``field:1`` (ascending) or ``field:-1`` (descending) as ``(field, descending)``."""
    match = _SORT.fullmatch(sort)
    if match is None:
        raise SearchSyntaxError("sort takes field:1 (ascending) or field:-1 (descending)")
    return match.group(1), match.group(2) == "-1"
