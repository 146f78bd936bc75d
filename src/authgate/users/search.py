"""User search: ``GET /api/v2/users?q=...&search_engine=v3&sort=...``.

Auth0, "User Search Query Syntax" and "Sort Search Results" (search engine v3): ``q`` is read by
the shared Lucene-subset parser (``authgate.search``) against the ``USERS`` schema
(``search_fields``: the fields, their kinds, columns and case rules) and compiled to a
SQLAlchemy condition on ``User``. The caller always adds ``User.tenant_id == ...``::

    stmt = select(User).where(User.tenant_id == tenant_id, where(parse(q))).order_by(*order_by(s))

``search_filter(q)`` keeps the parsed query as a ``UserFilter``, which the repository compiles
as it needs: as is, or with its integer and date tests kept off their indexes on SQLite
(``authgate.search.compiler``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, SQLColumnExpression, UnaryExpression

from authgate.search import compiler, parser
from authgate.search.schema import JsonField
from authgate.search.tree import MatchAll, Query, SearchSyntaxError
from authgate.users.models import User
from authgate.users.search_fields import USERS

__all__ = [
    "Query",
    "SearchSyntaxError",
    "UserFilter",
    "order_by",
    "parse",
    "search_filter",
    "where",
]


def parse(q: str) -> Query:
    """The query tree of a user search ``q``; raises ``SearchSyntaxError``."""
    return parser.parse(q, USERS)


def where(
    query: Query, *, indexed: bool = True, keep: frozenset[str] = frozenset()
) -> ColumnElement[bool]:
    """The condition on ``User`` (and its connection) that ``query`` describes."""
    return compiler.where(query, USERS, indexed=indexed, keep=keep)


@dataclass(frozen=True)
class UserFilter:
    """Which users a search keeps: those ``query`` matches (all without one) that pass every
    one of ``extra`` (``connection=``)."""

    query: Query | None = None
    extra: tuple[ColumnElement[bool], ...] = ()
    sort_field: str = "created_at"
    """Tests on the sort field stay on their index: it serves the range and the order."""

    def where(self, *, indexed: bool = True) -> list[ColumnElement[bool]]:
        """The conditions; ``indexed=False`` keeps the integer and date tests of ``query`` off
        their indexes on SQLite."""
        keep = frozenset({self.sort_field})
        found = [] if self.query is None else [where(self.query, indexed=indexed, keep=keep)]
        return [*found, *self.extra]

    @property
    def tests_ranged(self) -> bool:
        """Whether ``query`` tests an integer or date field (``indexed`` makes a difference)."""
        keep = frozenset({self.sort_field})
        return self.query is not None and compiler.tests_ranged(self.query, USERS, keep)

    def narrowed(self, condition: ColumnElement[bool]) -> UserFilter:
        return UserFilter(self.query, (*self.extra, condition), self.sort_field)

    def sorted_by(self, sort: str | None) -> UserFilter:
        field = compiler.sort_key(sort)[0] if sort and sort.strip() else "created_at"
        return UserFilter(self.query, self.extra, field)


def search_filter(q: str | None) -> UserFilter:
    """The filter for ``q``, without a query when there is nothing to filter on (no ``q``, a
    blank one, or ``*``). Raises ``SearchSyntaxError``."""
    if q is None or not q.strip():
        return UserFilter()
    query = parse(q)
    return UserFilter(None if isinstance(query, MatchAll) else query)


_SORTABLE: dict[str, SQLColumnExpression[Any]] = {
    "user_id": User.user_id,
    "email": User.email_key,
    "username": User.username_key,
    "name": User.name,
    "given_name": User.given_name,
    "family_name": User.family_name,
    "nickname": User.nickname,
    "phone_number": User.phone_number,
    "last_ip": User.last_ip,
    "email_verified": User.email_verified,
    "phone_verified": User.phone_verified,
    "blocked": User.blocked,
    "logins_count": User.logins_count,
    "created_at": User.created_at,
    "updated_at": User.updated_at,
    "last_login": User.last_login,
}
_NOT_NULL = {
    "user_id",
    "email_verified",
    "phone_verified",
    "blocked",
    "logins_count",
    "created_at",
    "updated_at",
}


def order_by(sort: str | None) -> list[UnaryExpression[Any]]:
    """``sort=field:1`` (ascending) or ``field:-1`` (descending), then ``id`` the same way so
    that pages are stable. Users without the value come last either way. Without ``sort``:
    oldest first (``created_at:1``)."""
    if sort is None or not sort.strip():
        return [User.created_at.asc(), User.id.asc()]
    field, descending = compiler.sort_key(sort)
    if isinstance(USERS.fields.get(field.partition(".")[0]), JsonField):
        raise SearchSyntaxError("sorting by app_metadata or user_metadata is not supported")
    column = _SORTABLE.get(field)
    if column is None:
        raise SearchSyntaxError(f"cannot sort by '{field}'; sort by one of {', '.join(_SORTABLE)}")
    key = column.desc() if descending else column.asc()
    tie = User.id.desc() if descending else User.id.asc()
    return [key if field in _NOT_NULL else key.nulls_last(), tie]
