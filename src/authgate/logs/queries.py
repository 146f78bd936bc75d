"""Reading the tenant log (reference §2.1 "Logs", §2.2 ``/logs``; Auth0, "Retrieve Log Events
Using the Management API").

Auth0's two ways to read, and the per-user list:

- by search criteria: ``q`` (``search``), ``sort``, offset paging; only the first 1,000 results
  are reachable, and the count stops at 1,000;
- by checkpoint: the events whose ``log_id`` follows ``from``, in ``log_id`` order, ``take`` at
  a time, without limit; without ``from``, the ``take`` most recent events, still in ``log_id``
  order, so that the last one is where the next page starts;
- ``GET /users/{id}/logs``: the search, restricted to one user's events.
"""

from __future__ import annotations

import re

from sqlalchemy.ext.asyncio import AsyncSession

from authgate.core.errors import Invalid, NotFound
from authgate.logs import repository, search
from authgate.logs.models import LogEvent
from authgate.users.service import UserService

MAX_RESULTS = 1000
"""Search results reachable by offset paging (Auth0: "paginate through up to 1,000")."""

MAX_TAKE = 100
DEFAULT_TAKE = 50
_LOG_ID = re.compile(r"[0-9a-f]{1,64}")


def _invalid(message: str) -> Invalid:
    return Invalid(f"Query validation error: {message}", error_code="invalid_query_string")


class LogQueries:
    def __init__(self, users: UserService) -> None:
        self._users = users

    async def get(self, session: AsyncSession, tenant_id: str, log_id: str) -> LogEvent:
        event = await repository.get(session, tenant_id, log_id)
        if event is None:
            raise NotFound("The log does not exist.", error_code="inexistent_log")
        return event

    async def search(
        self,
        session: AsyncSession,
        tenant_id: str,
        *,
        q: str | None,
        sort: str | None,
        offset: int,
        limit: int,
        count: bool,
    ) -> tuple[list[LogEvent], int | None]:
        """Events matching ``q`` in ``sort`` order (newest first by default); with ``count``,
        how many match, up to 1,000."""
        _within_reach(offset, limit)
        try:
            clause = search.search_clause(q)
            order = search.order_by(sort)
        except search.SearchSyntaxError as exc:
            raise _invalid(str(exc)) from exc
        return await repository.search(
            session,
            tenant_id,
            where=[] if clause is None else [clause],
            order_by=order,
            offset=offset,
            limit=limit,
            count=count,
        )

    async def of_user(
        self,
        session: AsyncSession,
        tenant_id: str,
        user_id: str,
        *,
        sort: str | None,
        offset: int,
        limit: int,
        count: bool,
    ) -> tuple[list[LogEvent], int | None]:
        """The events of one user (who must exist), as ``search`` pages them."""
        _within_reach(offset, limit)
        await self._users.get(session, tenant_id, user_id)
        try:
            order = search.order_by(sort)
        except search.SearchSyntaxError as exc:
            raise _invalid(str(exc)) from exc
        return await repository.search(
            session,
            tenant_id,
            where=[LogEvent.user_id == user_id],
            order_by=order,
            offset=offset,
            limit=limit,
            count=count,
        )

    async def checkpoint(
        self, session: AsyncSession, tenant_id: str, *, after: str | None, take: int
    ) -> list[LogEvent]:
        """Up to ``take`` events after the log_id ``after`` in ``log_id`` order; without
        ``after``, the ``take`` most recent, oldest of them first."""
        if not 1 <= take <= MAX_TAKE:
            raise _invalid(f"take must be between 1 and {MAX_TAKE}")
        if after is not None:
            if not _LOG_ID.fullmatch(after):
                raise _invalid("'from' must be a log_id (digits and the letters a to f)")
            return await repository.after(session, tenant_id, after_id=after, limit=take)
        newest, _ = await repository.search(
            session,
            tenant_id,
            where=[],
            order_by=[LogEvent.log_id.desc()],
            offset=0,
            limit=take,
            count=False,
        )
        return newest[::-1]


def _within_reach(offset: int, limit: int) -> None:
    if offset + limit > MAX_RESULTS:
        raise _invalid(
            f"You can only page through the first {MAX_RESULTS} results; narrow the query "
            "or read the log by checkpoint (from, take)."
        )
