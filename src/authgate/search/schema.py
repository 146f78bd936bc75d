"""What a search can ask about one kind of record: its fields, their kinds and their columns.

A ``Schema`` maps each field name of the query language to how it is stored:

- ``TextField``: matched whole, with wildcards, through a ``Text`` (an expression, how values
  are folded, the column that may be NULL; ``FoldedText`` for a column stored as written and
  compared ignoring case); ``bare=True`` makes it one of the fields a term without a field
  name is matched against;
- ``ScalarField``: a boolean, integer or date column (dates and integers take ranges);
- ``JsonField``: a JSON object searched by path (``app_metadata.plan``, ``details.request.ip``).

The parser asks the schema for kinds only; the compiler reads the columns. A field is named in
one place, with everything both need to know about it.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

from sqlalchemy import ColumnElement, SQLColumnExpression, and_, true

from authgate.search import sql
from authgate.search.tree import Pattern, SearchSyntaxError, Wild


class Kind(enum.Enum):
    TEXT = "text"  # exact match is case-sensitive
    FOLDED = "folded text"  # exact match is case-insensitive
    BOOLEAN = "boolean"
    INTEGER = "integer"
    DATE = "date"
    METADATA = "metadata"  # a JSON object searched by path


RANGED = (Kind.INTEGER, Kind.DATE)
MAX_JSON_KEYS = 10
_KEY = re.compile(r"[\w-]+")  # letters, digits, "_" and "-"


class Text:
    """A text field: the expression compared, how values are folded (None: case-sensitive)
    and the column that may be NULL."""

    def __init__(
        self,
        expr: SQLColumnExpression[Any],
        *,
        fold: Callable[[str], str] | None = None,
        nullable: SQLColumnExpression[Any] | None = None,
    ) -> None:
        self.expr, self.fold, self.nullable = expr, fold, nullable

    def _guard(self, condition: ColumnElement[bool]) -> ColumnElement[bool]:
        return condition if self.nullable is None else and_(self.nullable.is_not(None), condition)

    def equals(self, text: str) -> ColumnElement[bool]:
        return self._guard(self.expr == (self.fold(text) if self.fold else text))

    def like(self, pattern: Pattern) -> ColumnElement[bool]:
        fold = self.fold
        if fold is not None:
            pattern = tuple(part if isinstance(part, Wild) else fold(part) for part in pattern)
        return self._guard(sql.like(self.expr, pattern, case_sensitive=fold is None))

    def exists(self) -> ColumnElement[bool]:
        return true() if self.nullable is None else self.nullable.is_not(None)


class FoldedText(Text):
    """A column stored as written and compared ignoring case, the value lower-cased (an index
    per engine serves exact values and prefixes: see ``sql.folded_equals``)."""

    def __init__(self, column: SQLColumnExpression[Any]) -> None:
        super().__init__(column, fold=str.lower, nullable=column)

    def equals(self, text: str) -> ColumnElement[bool]:
        return self._guard(sql.folded_equals(self.expr, text.lower()))

    def like(self, pattern: Pattern) -> ColumnElement[bool]:
        folded = tuple(part if isinstance(part, Wild) else part.lower() for part in pattern)
        return self._guard(sql.folded_like(self.expr, folded))


def column_text(column: SQLColumnExpression[Any], *, nullable: bool = True) -> Text:
    """A case-sensitive text column compared as stored."""
    return Text(column, nullable=column if nullable else None)


@dataclass(frozen=True)
class TextField:
    text: Text
    bare: bool = False

    @property
    def kind(self) -> Kind:
        return Kind.TEXT if self.text.fold is None else Kind.FOLDED


@dataclass(frozen=True)
class ScalarField:
    kind: Kind  # BOOLEAN, INTEGER or DATE
    column: SQLColumnExpression[Any]
    nullable: bool = False

    def guard(self, condition: ColumnElement[bool]) -> ColumnElement[bool]:
        """``condition``, FALSE where the column is NULL (so that ``NOT`` includes those)."""
        return and_(self.column.is_not(None), condition) if self.nullable else condition

    def unindexed(self) -> ScalarField:
        """The field with its column kept off its indexes on SQLite (``sql.unindexed``)."""
        return replace(self, column=sql.unindexed(self.column))


@dataclass(frozen=True)
class JsonField:
    """A JSON object (jsonb on PostgreSQL) searched by path below the field's name."""

    column: SQLColumnExpression[Any]
    kind = Kind.METADATA


Field = TextField | ScalarField | JsonField


@dataclass(frozen=True, eq=False)
class Schema:
    """The searchable fields of one kind of record, in the order error messages list them.

    ``single_wildcard``: whether ``?`` stands for one character (Auth0's log search has no
    such wildcard and says so).
    """

    fields: Mapping[str, Field]
    single_wildcard: bool = True

    @cached_property
    def default_fields(self) -> tuple[str, ...]:
        """What a term without a field name is matched against (never JSON fields)."""
        return tuple(name for name, f in self.fields.items() if isinstance(f, TextField) and f.bare)

    @cached_property
    def ranged(self) -> tuple[str, ...]:
        return tuple(name for name, f in self.fields.items() if f.kind in RANGED)

    def kind_of(self, name: str) -> Kind:
        """The kind of a searchable field; JSON paths are checked key by key."""
        return self.field(name).kind

    def field(self, name: str) -> Field:
        found = self.fields.get(name)
        if found is not None and not isinstance(found, JsonField):
            return found
        root, _, path = name.partition(".")
        json = self.fields.get(root)
        if isinstance(json, JsonField):
            json_keys(root, path)
            return json
        raise SearchSyntaxError(f"'{name}' is not a searchable field; use one of {self._names()}")

    def text(self, name: str) -> Text:
        found = self.fields[name]
        assert isinstance(found, TextField), name
        return found.text

    def scalar(self, name: str) -> ScalarField:
        found = self.fields[name]
        assert isinstance(found, ScalarField), name
        return found

    def json_path(self, name: str) -> tuple[SQLColumnExpression[Any], tuple[str, ...]]:
        """``app_metadata.a.b`` as the ``app_metadata`` column and ``("a", "b")``."""
        root, _, path = name.partition(".")
        found = self.fields[root]
        assert isinstance(found, JsonField), name
        return found.column, json_keys(root, path)

    def _names(self) -> str:
        names = [n for n, f in self.fields.items() if not isinstance(f, JsonField)]
        names += [f"{n}.<key>" for n, f in self.fields.items() if isinstance(f, JsonField)]
        return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def json_keys(root: str, path: str) -> tuple[str, ...]:
    if not path:
        raise SearchSyntaxError(f"name a key of {root}, for example {root}.<key>:value")
    keys = tuple(path.split("."))
    if len(keys) > MAX_JSON_KEYS:
        raise SearchSyntaxError(f"metadata paths are limited to {MAX_JSON_KEYS} keys")
    for key in keys:
        if not _KEY.fullmatch(key):
            raise SearchSyntaxError(
                f"'{root}.{path}': metadata keys may hold only letters, digits, '_' and '-'"
            )
    return keys
