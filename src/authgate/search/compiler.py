"""A query tree as a SQLAlchemy condition over the columns a ``Schema`` names; ``sort`` syntax.

The condition is ANDed with the caller's ``tenant_id == ...``; schemas only name columns of the
searched row (or correlated subqueries on it), so it never reaches another tenant by itself.

Every leaf is TRUE or FALSE, never NULL (nullable columns are tested with IS NOT NULL first),
so ``NOT`` keeps Lucene's meaning: ``-name:x`` includes records without a name.
"""

from __future__ import annotations

import re
from typing import assert_never

from sqlalchemy import ColumnElement, and_, not_, or_, true

from authgate.search import sql
from authgate.search.schema import JsonField, ScalarField, Schema, TextField
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


def where(query: Query, schema: Schema) -> ColumnElement[bool]:
    """The condition that ``query`` (parsed with ``schema``) describes."""
    match query:
        case Equals(field, value):
            return _equals(schema, field, value)
        case Like(field, pattern):
            return schema.text(field).like(pattern)
        case Range():
            return _range(schema.scalar(query.field), query)
        case Exists(field):
            return _exists(schema, field)
        case Not(child):
            return not_(where(child, schema))
        case And(children):
            return and_(*(where(child, schema) for child in children))
        case Or(children):
            return or_(*(where(child, schema) for child in children))
        case MatchAll():
            return true()
        case _:
            assert_never(query)


def _equals(schema: Schema, name: str, value: str | int | bool | Period) -> ColumnElement[bool]:
    field = schema.field(name)
    if isinstance(field, TextField):
        return field.text.equals(str(value))
    if isinstance(field, ScalarField):
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


def _exists(schema: Schema, name: str) -> ColumnElement[bool]:
    field = schema.field(name)
    if isinstance(field, TextField):
        return field.text.exists()
    if isinstance(field, ScalarField):
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
