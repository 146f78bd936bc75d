"""Log search: ``GET /api/v2/logs?q=...&sort=...`` and ``GET /api/v2/users/{id}/logs``.

Auth0, "Log Search Query Syntax" (tenant log search v3): ``q`` is read by the shared
Lucene-subset parser (``authgate.search``) against the ``LOGS`` schema below and compiled to a
SQLAlchemy condition on ``LogEvent``; the caller adds ``LogEvent.tenant_id == ...``.

What differs from the user search, as Auth0 documents it:

- every field is case-sensitive;
- a term without a field name is matched against ``client_name``, ``connection``,
  ``description``, ``ip``, ``log_id``, ``type`` and ``user_name``;
- ``?`` is not a wildcard (refused; ``\\?`` matches a literal question mark);
- ``date`` is the only range field; partial dates stand for their whole period
  (``date:2018-12`` is all of December 2018, ``date:[* TO 2018-12-19}`` ends before that day);
- ``details.<path>`` searches the event's details object like user metadata
  (``details.request.method:POST``);
- ``sort`` is ``date:1`` or ``date:-1`` (the default), ties broken on ``log_id``.

``audience``, ``scope`` and ``isMobile`` are searchable too, though Auth0 does not list them;
``organization_id`` is not (Authgate has no organizations yet).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, SQLColumnExpression, UnaryExpression, cast
from sqlalchemy.dialects.postgresql import JSONB

from authgate.logs.models import LogEvent
from authgate.search import compiler, parser
from authgate.search.schema import (
    JsonField,
    Kind,
    ScalarField,
    Schema,
    TextField,
    column_text,
)
from authgate.search.sql import PerDialect
from authgate.search.tree import MatchAll, Query, SearchSyntaxError

__all__ = ["LOGS", "Query", "SearchSyntaxError", "order_by", "parse", "search_clause", "where"]


def _text(column: SQLColumnExpression[Any], *, bare: bool = False) -> TextField:
    return TextField(column_text(column), bare=bare)


LOGS = Schema(
    {
        "log_id": TextField(column_text(LogEvent.log_id, nullable=False), bare=True),
        "date": ScalarField(Kind.DATE, LogEvent.date),
        "type": TextField(column_text(LogEvent.type, nullable=False), bare=True),
        "description": _text(LogEvent.description, bare=True),
        "connection": _text(LogEvent.connection, bare=True),
        "connection_id": _text(LogEvent.connection_id),
        "client_id": _text(LogEvent.client_id),
        "client_name": _text(LogEvent.client_name, bare=True),
        "ip": _text(LogEvent.ip, bare=True),
        "hostname": _text(LogEvent.hostname),
        "user_id": _text(LogEvent.user_id),
        "user_name": _text(LogEvent.user_name, bare=True),
        "audience": _text(LogEvent.audience),
        "scope": _text(LogEvent.scope),
        "strategy": _text(LogEvent.strategy),
        "strategy_type": _text(LogEvent.strategy_type),
        "user_agent": _text(LogEvent.user_agent),
        "isMobile": ScalarField(Kind.BOOLEAN, LogEvent.is_mobile),
        # stored as json; jsonpath tests need jsonb on PostgreSQL
        "details": JsonField(
            PerDialect(sqlite=LogEvent.details.expression, postgresql=cast(LogEvent.details, JSONB))
        ),
    },
    single_wildcard=False,
)


def parse(q: str) -> Query:
    """The query tree of a log search ``q``; raises ``SearchSyntaxError``."""
    return parser.parse(q, LOGS)


def where(query: Query) -> ColumnElement[bool]:
    """The condition on ``LogEvent`` that ``query`` describes."""
    return compiler.where(query, LOGS)


def search_clause(q: str | None) -> ColumnElement[bool] | None:
    """The condition for ``q``; None when there is nothing to filter on. Raises
    ``SearchSyntaxError``."""
    if q is None or not q.strip():
        return None
    query = parse(q)
    return None if isinstance(query, MatchAll) else where(query)


_SORTABLE: dict[str, SQLColumnExpression[Any]] = {"date": LogEvent.date, "log_id": LogEvent.log_id}


def order_by(sort: str | None) -> list[UnaryExpression[Any]]:
    """``sort=date:1`` (oldest first) or ``date:-1`` (newest first, the default), then
    ``log_id`` the same way so that events of the same instant keep one order."""
    field, descending = "date", True
    if sort is not None and sort.strip():
        field, descending = compiler.sort_key(sort)
    column = _SORTABLE.get(field)
    if column is None:
        raise SearchSyntaxError(f"cannot sort by '{field}'; sort by one of {', '.join(_SORTABLE)}")
    keys = [column] if column is LogEvent.log_id else [column, LogEvent.log_id]
    return [key.desc() if descending else key.asc() for key in keys]
