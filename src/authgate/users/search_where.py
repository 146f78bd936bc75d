"""The user search query tree as a SQLAlchemy condition over ``User``; the ``sort`` order.

The condition is ANDed with the caller's ``User.tenant_id == ...`` and never reaches another
tenant by itself: ``identities.connection`` is a correlated EXISTS on the user's own
connection row, everything else reads the user row.

Every leaf is TRUE or FALSE, never NULL (nullable columns are tested with IS NOT NULL first),
so ``NOT`` keeps Lucene's meaning: ``-name:x`` includes users without a name.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Any, assert_never

from sqlalchemy import (
    ColumnElement,
    SQLColumnExpression,
    UnaryExpression,
    and_,
    exists,
    func,
    not_,
    or_,
    true,
)

from authgate.connections.models import Connection
from authgate.users import search_fields, search_sql
from authgate.users.models import User
from authgate.users.search_ast import (
    And,
    Equals,
    Exists,
    Like,
    MatchAll,
    Not,
    Or,
    Pattern,
    Period,
    Query,
    Range,
    SearchSyntaxError,
    Wild,
)


def _fold_email(text: str) -> str:
    return unicodedata.normalize("NFC", text).lower()  # as email_key is stored


class _Text:
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
        return self._guard(search_sql.like(self.expr, pattern, case_sensitive=fold is None))

    def exists(self) -> ColumnElement[bool]:
        return true() if self.nullable is None else self.nullable.is_not(None)


class _Provider(_Text):
    """``identities.provider``: ``user_id`` up to its first ``|`` (``auth0`` for database
    users). An exact value is a prefix test on the indexed ``user_id``."""

    def __init__(self) -> None:
        super().__init__(
            search_sql.PerDialect(
                sqlite=func.substr(User.user_id, 1, func.instr(User.user_id, "|") - 1),
                postgresql=func.split_part(User.user_id, "|", 1),
            )
        )

    def equals(self, text: str) -> ColumnElement[bool]:
        return search_sql.like(User.user_id, (f"{text}|", Wild.ANY), case_sensitive=True)


class _Connection(_Text):
    """``identities.connection``: the name of the user's connection (correlated EXISTS)."""

    def __init__(self) -> None:
        super().__init__(Connection.name)

    def equals(self, text: str) -> ColumnElement[bool]:
        return exists().where(Connection.id == User.connection_id, Connection.name == text)

    def like(self, pattern: Pattern) -> ColumnElement[bool]:
        matches = search_sql.like(Connection.name, pattern, case_sensitive=True)
        return exists().where(Connection.id == User.connection_id, matches)


class _EmailDomain(_Text):
    """``email.domain``: what follows the ``@`` of the email, case-insensitive."""

    def __init__(self) -> None:
        super().__init__(User.email_key, fold=_fold_email, nullable=User.email_key)

    def equals(self, text: str) -> ColumnElement[bool]:
        return self.like((text,))

    def like(self, pattern: Pattern) -> ColumnElement[bool]:
        return super().like((Wild.ANY, "@", *pattern))


def _lower(column: SQLColumnExpression[Any]) -> _Text:
    return _Text(func.lower(column), fold=str.lower, nullable=column)


_TEXT: dict[str, _Text] = {
    "user_id": _Text(User.user_id),
    "email": _Text(User.email_key, fold=_fold_email, nullable=User.email_key),
    "email.domain": _EmailDomain(),
    "username": _Text(User.username_key, fold=str.lower, nullable=User.username_key),
    "name": _lower(User.name),
    "given_name": _lower(User.given_name),
    "family_name": _lower(User.family_name),
    "nickname": _lower(User.nickname),
    "phone_number": _Text(User.phone_number, nullable=User.phone_number),
    "picture": _Text(User.picture, nullable=User.picture),
    "last_ip": _Text(User.last_ip, nullable=User.last_ip),
    "identities.connection": _Connection(),
    "identities.provider": _Provider(),
    "identities.user_id": _Text(
        search_sql.PerDialect(
            sqlite=func.substr(User.user_id, func.instr(User.user_id, "|") + 1),
            postgresql=func.substr(User.user_id, func.strpos(User.user_id, "|") + 1),
        )
    ),
}

_SCALAR: dict[str, SQLColumnExpression[Any]] = {
    "email_verified": User.email_verified,
    "phone_verified": User.phone_verified,
    "blocked": User.blocked,
    "logins_count": User.logins_count,
    "created_at": User.created_at,
    "updated_at": User.updated_at,
    "last_login": User.last_login,
}
_NULLABLE_SCALAR = {"last_login"}


def _scalar(field: str, condition: ColumnElement[bool]) -> ColumnElement[bool]:
    if field in _NULLABLE_SCALAR:
        return and_(_SCALAR[field].is_not(None), condition)
    return condition


def _metadata_column(field: str) -> tuple[SQLColumnExpression[Any], tuple[str, ...]]:
    root, keys = search_fields.metadata_path(field)
    return (User.app_metadata if root == "app_metadata" else User.user_metadata), keys


def _equals(field: str, value: str | int | bool | Period) -> ColumnElement[bool]:
    if field in _TEXT:
        return _TEXT[field].equals(str(value))
    if field in _SCALAR:
        column = _SCALAR[field]
        if isinstance(value, Period):
            return _scalar(field, and_(column >= value.start, column < value.end))
        return _scalar(field, column == value)
    return search_sql.metadata_equals(*_metadata_column(field), str(value))


def _range(query: Range) -> ColumnElement[bool]:
    column = _SCALAR[query.field]
    tests = []
    if query.lower is not None:
        value = query.lower.value
        tests.append(column >= value if query.lower.inclusive else column > value)
    if query.upper is not None:
        value = query.upper.value
        tests.append(column <= value if query.upper.inclusive else column < value)
    return _scalar(query.field, and_(*tests))


def _exists(field: str) -> ColumnElement[bool]:
    if field in _TEXT:
        return _TEXT[field].exists()
    if field in _SCALAR:
        return _SCALAR[field].is_not(None) if field in _NULLABLE_SCALAR else true()
    return search_sql.metadata_exists(*_metadata_column(field))


def where(query: Query) -> ColumnElement[bool]:
    """The condition on ``User`` (and its connection) that ``query`` describes."""
    match query:
        case Equals(field, value):
            return _equals(field, value)
        case Like(field, pattern):
            return _TEXT[field].like(pattern)
        case Range():
            return _range(query)
        case Exists(field):
            return _exists(field)
        case Not(child):
            return not_(where(child))
        case And(children):
            return and_(*(where(child) for child in children))
        case Or(children):
            return or_(*(where(child) for child in children))
        case MatchAll():
            return true()
        case _:
            assert_never(query)


# -- sort -----------------------------------------------------------------------------------

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
    **_SCALAR,
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
_SORT = re.compile(r"\s*([\w.]+)\s*:\s*(-?1)\s*")


def order_by(sort: str | None) -> list[UnaryExpression[Any]]:
    """``sort=field:1`` (ascending) or ``field:-1`` (descending), then ``id`` the same way so
    that pages are stable. Users without the value come last either way. Without ``sort``:
    oldest first (``created_at:1``)."""
    if sort is None or not sort.strip():
        return [User.created_at.asc(), User.id.asc()]
    match = _SORT.fullmatch(sort)
    if match is None:
        raise SearchSyntaxError("sort takes field:1 (ascending) or field:-1 (descending)")
    field, descending = match.group(1), match.group(2) == "-1"
    if field.partition(".")[0] in search_fields.METADATA_ROOTS:
        raise SearchSyntaxError("sorting by app_metadata or user_metadata is not supported")
    column = _SORTABLE.get(field)
    if column is None:
        raise SearchSyntaxError(f"cannot sort by '{field}'; sort by one of {', '.join(_SORTABLE)}")
    key = column.desc() if descending else column.asc()
    tie = User.id.desc() if descending else User.id.asc()
    return [key if field in _NOT_NULL else key.nulls_last(), tie]
