"""SQL building blocks of search that SQLite and PostgreSQL spell differently.

``PerDialect`` holds both spellings and the statement compiler picks one, so a condition can be
built before the engine is known:

- case-sensitive wildcards: ``GLOB`` on SQLite (its ``LIKE`` ignores ASCII case), ``LIKE`` on
  PostgreSQL;
- case-insensitive columns: ``lower(x) = v`` and ``lower(x) LIKE p`` on PostgreSQL, served by an
  index on ``lower(x)``; on SQLite ``x COLLATE NOCASE = v`` and ``x LIKE p``, served by an index
  on ``x COLLATE NOCASE``. SQLite's ``NOCASE``, ``LIKE`` and ``lower()`` all fold ASCII letters
  only, so these match exactly the rows ``lower(x)`` would (``v`` and ``p`` are lower-cased);
- a column kept off its indexes: ``+x`` on SQLite, for a plan that walks the index of the sort
  order instead (see ``unindexed``);
- JSON (metadata) values: on PostgreSQL a ``jsonb @? jsonpath`` test in lax mode, so arrays
  met along the path or at its end are searched through, as Auth0 does (a GIN index on the
  column can serve it); on SQLite a chain of ``json_each``, one key at a time, with the same
  meaning.

Every value is a bound parameter. LIKE patterns escape ``\\``, ``%`` and ``_``; GLOB patterns
escape ``*``, ``?`` and ``[``. The jsonpath text is built from ``json.dumps`` of keys and values
(keys are limited to letters, digits, ``_`` and ``-``) and bound as a parameter too; on SQLite
keys are compared to ``json_each``'s unescaped ``key`` column, never spliced into a path.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import (
    Boolean,
    ColumnElement,
    SQLColumnExpression,
    String,
    UnaryExpression,
    and_,
    case,
    cast,
    func,
    literal,
    not_,
    or_,
    select,
    true,
)
from sqlalchemy.dialects.postgresql import JSONPATH
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import coercions, operators, roles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.visitors import InternalTraversal

from authgate.search.tree import Pattern, Wild

_T = TypeVar("_T")
_JSON_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?")
_INT64 = 2**63
_BOOLEAN = Boolean()


class PerDialect(ColumnElement[_T]):
    """One expression written for PostgreSQL and for SQLite (the default)."""

    inherit_cache = True
    _traverse_internals = [
        ("sqlite", InternalTraversal.dp_clauseelement),
        ("postgresql", InternalTraversal.dp_clauseelement),
    ]

    def __init__(self, *, sqlite: ColumnElement[_T], postgresql: ColumnElement[_T]) -> None:
        self.sqlite = sqlite
        self.postgresql = postgresql
        self.type = sqlite.type
        self._is_implicitly_boolean = isinstance(self.type, Boolean)

    def _negate(self) -> ColumnElement[Any]:
        return PerDialect(sqlite=not_(self.sqlite), postgresql=not_(self.postgresql))


def _compile_default(element: PerDialect[Any], compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.sqlite, **kw)


def _compile_postgresql(element: PerDialect[Any], compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.postgresql, **kw)


compiles(PerDialect)(_compile_default)
compiles(PerDialect, "postgresql")(_compile_postgresql)


# -- wildcards ------------------------------------------------------------------------------


def like_pattern(pattern: Pattern) -> str:
    """``pattern`` for ``LIKE ... ESCAPE '\\'``."""
    return "".join(
        {Wild.ANY: "%", Wild.ONE: "_"}[part]
        if isinstance(part, Wild)
        else re.sub(r"([\\%_])", r"\\\1", part)
        for part in pattern
    )


def glob_pattern(pattern: Pattern) -> str:
    """``pattern`` for SQLite's ``GLOB``, which has no escape character but ``[x]`` sets."""
    return "".join(
        part.value if isinstance(part, Wild) else re.sub(r"([*?\[])", r"[\1]", part)
        for part in pattern
    )


def like(
    expr: SQLColumnExpression[Any], pattern: Pattern, *, case_sensitive: bool
) -> ColumnElement[bool]:
    """``expr`` matches ``pattern``; a literal prefix keeps the test index-friendly."""
    as_like = expr.like(like_pattern(pattern), escape="\\")
    if not case_sensitive:
        return as_like
    as_glob = expr.op("GLOB", is_comparison=True)(glob_pattern(pattern))
    return PerDialect(sqlite=as_glob, postgresql=as_like)


def folded_equals(column: SQLColumnExpression[Any], text: str) -> ColumnElement[bool]:
    """``column`` equals the lower-cased ``text`` whatever the case of ``column``."""
    return PerDialect(
        sqlite=column.collate("NOCASE") == text, postgresql=func.lower(column) == text
    )


def folded_like(column: SQLColumnExpression[Any], pattern: Pattern) -> ColumnElement[bool]:
    """``column`` matches the lower-cased ``pattern`` whatever the case of ``column``."""
    return PerDialect(
        sqlite=like(column, pattern, case_sensitive=False),
        postgresql=like(func.lower(column), pattern, case_sensitive=False),
    )


# -- plans ----------------------------------------------------------------------------------


def unindexed(column: SQLColumnExpression[_T]) -> ColumnElement[_T]:
    """``column``, which SQLite will not look up in an index: ``+column`` (the value is the
    same). Without STAT4 statistics SQLite takes a range on an indexed column to be selective
    whatever its bounds; a condition built on this expression leaves it to walk the index of
    the sort order instead. PostgreSQL, which knows, gets the column itself."""
    expression = coercions.expect(roles.ExpressionElementRole, column)
    plus = UnaryExpression(expression, operator=operators.custom_op("+"), type_=expression.type)
    return PerDialect(sqlite=plus, postgresql=expression)


# -- metadata -------------------------------------------------------------------------------


def _candidates(text: str) -> list[str | int | float | bool]:
    """The JSON values ``text`` stands for: the string itself, and the number or boolean it
    spells (Elasticsearch coerces a query value to the field's type; metadata holds both)."""
    values: list[str | int | float | bool] = [text]
    if text in ("true", "false"):
        values.append(text == "true")
    elif _JSON_NUMBER.fullmatch(text):
        whole = re.fullmatch(r"-?\d+", text) is not None
        if whole and -_INT64 <= int(text) < _INT64:
            values.append(int(text))
        elif math.isfinite(float(text)):
            values.append(float(text))
    return values


def _jsonpath(keys: tuple[str, ...], condition: str) -> ColumnElement[Any]:
    path = "$" + "".join(f".{json.dumps(key, ensure_ascii=False)}" for key in keys)
    return cast(literal(f"{path} ? ({condition})", String), JSONPATH)


class _Leaf(NamedTuple):
    """The ``type``, ``atom`` and ``value`` of a JSON value, as SQLite's ``json_each`` has them."""

    type: ColumnElement[Any]
    atom: ColumnElement[Any]
    value: ColumnElement[Any]


def _sqlite_level(container: Any) -> tuple[Any, Any, _Leaf]:
    """The members of the object ``container`` (``json_each``) and, for a member that is an
    array, its elements (a second ``json_each``, to be outer-joined); with the value they
    stand for: the element when there is an array, the member otherwise."""
    member = func.json_each(container).table_valued("key", "value", "type", "atom")
    is_array = member.c.type == "array"
    items = func.json_each(case((is_array, member.c.value))).table_valued("value", "type", "atom")
    leaf = _Leaf(
        *(
            case((is_array, items.c[name]), else_=member.c[name])
            for name in ("type", "atom", "value")
        )
    )
    return member, items, leaf


def _sqlite_exists(
    column: SQLColumnExpression[Any],
    keys: tuple[str, ...],
    test: Callable[[_Leaf], ColumnElement[bool]],
) -> ColumnElement[bool]:
    """Some value at ``keys`` passes ``test``: one level per key, each member matched on its
    (unescaped) ``key``, arrays along the path and at its end searched through."""
    member, items, leaf = _sqlite_level(column)
    joined = member.outerjoin(items, true())
    first_key = member.c.key == keys[0]
    for key in keys[1:]:
        member, items, leaf = _sqlite_level(case((leaf.type == "object", leaf.value)))
        joined = joined.join(member, member.c.key == key).outerjoin(items, true())
    return select(literal(1)).select_from(joined).where(first_key, test(leaf)).exists()


def metadata_equals(
    column: SQLColumnExpression[Any], keys: tuple[str, ...], text: str
) -> ColumnElement[bool]:
    """The metadata value at ``keys`` (or an element of the array there) equals ``text`` as a
    string, or as the number or boolean ``text`` spells. Case-sensitive."""
    values = _candidates(text)
    condition = " || ".join(f"@ == {json.dumps(value, ensure_ascii=False)}" for value in values)
    postgresql = column.op("@?", return_type=_BOOLEAN)(_jsonpath(keys, condition))

    def test(leaf: _Leaf) -> ColumnElement[bool]:
        tests = []
        for value in values:
            if isinstance(value, bool):
                tests.append(leaf.type == ("true" if value else "false"))
            elif isinstance(value, str):
                tests.append(and_(leaf.type == "text", leaf.atom == value))
            else:
                tests.append(and_(leaf.type.in_(("integer", "real")), leaf.atom == value))
        return or_(*tests)

    sqlite = _sqlite_exists(column, keys, test)
    return PerDialect(sqlite=sqlite, postgresql=postgresql)


def metadata_exists(column: SQLColumnExpression[Any], keys: tuple[str, ...]) -> ColumnElement[bool]:
    """A value is at ``keys``: not null, not an empty array, not an empty object (Auth0 does
    not index those)."""
    condition = '@.type() != "null" && (@.type() != "object" || exists(@.*))'
    postgresql = column.op("@?", return_type=_BOOLEAN)(_jsonpath(keys, condition))
    sqlite = _sqlite_exists(
        column,
        keys,
        lambda leaf: and_(leaf.type != "null", or_(leaf.type != "object", leaf.value != "{}")),
    )
    return PerDialect(sqlite=sqlite, postgresql=postgresql)
