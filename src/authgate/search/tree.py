"""The typed query tree of a search, and its one error.

``parser`` builds it from the ``q`` string, ``compiler`` turns it into SQL. Values are already
typed when a node is built (booleans, integers, date periods), so a tree that exists is one the
compiler can render without raising.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

MAX_QUERY_LENGTH = 4096
"""Longest ``q`` accepted, in characters."""

MAX_DEPTH = 16
"""Deepest nesting of parentheses and ``NOT``/``-``/``+`` prefixes."""

MAX_TERMS = 128
"""Most field or bare terms (each range and ``_exists_`` counts as one) in one query."""


class SearchSyntaxError(ValueError):
    """A ``q`` or ``sort`` that is malformed or asks for something unsupported.

    The message is safe to send to the client (Management API ``invalid_query_string``).
    """


class Wild(enum.Enum):
    """An unescaped wildcard inside a term."""

    ANY = "*"
    ONE = "?"


Pattern = tuple[str | Wild, ...]
"""Literal chunks and wildcards, in order: ``jo*n`` is ``("jo", Wild.ANY, "n")``."""


@dataclass(frozen=True)
class Period:
    """What a possibly partial ISO 8601 date denotes: ``2017-12`` is all of December 2017."""

    start: datetime
    end: datetime  # exclusive


@dataclass(frozen=True)
class Bound:
    value: int | datetime
    inclusive: bool


@dataclass(frozen=True)
class Equals:
    """``field:value`` or ``field:"phrase"``: the whole value matches (fields are not tokenized).

    ``value`` is ``bool`` for boolean fields, ``int`` for integer fields, a ``Period`` for dates
    and the text as written otherwise (case folding is the compiler's business).
    """

    field: str
    value: str | int | bool | Period


@dataclass(frozen=True)
class Like:
    """``field:jo*`` on a text field."""

    field: str
    pattern: Pattern


@dataclass(frozen=True)
class Range:
    """``field:[a TO b]`` on a number or date field; at least one bound is set."""

    field: str
    lower: Bound | None
    upper: Bound | None


@dataclass(frozen=True)
class Exists:
    """``_exists_:field`` or ``field:*``."""

    field: str


@dataclass(frozen=True)
class Not:
    child: Query


@dataclass(frozen=True)
class And:
    children: tuple[Query, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Query, ...]


@dataclass(frozen=True)
class MatchAll:
    """``*`` or ``*:*``."""


Query = Equals | Like | Range | Exists | Not | And | Or | MatchAll
