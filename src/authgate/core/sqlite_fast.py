"""One statement on SQLite in one driver round trip, inside the session's own transaction.

SQLAlchemy's aiosqlite adapter hands each statement to the driver thread several times
(cursor, execute, fetch, close); a handful of statements on the login path (attack-protection
counters) run here instead with aiosqlite's ``execute_fetchall``: the same connection, the
same transaction, one hop. Parameters are named (``:name``) and must already be in the form
SQLAlchemy would store (``sqlite_datetime`` for ``UTCDateTime`` columns).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession


def is_sqlite(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "sqlite"


async def fetch(
    session: AsyncSession, sql: str, params: Mapping[str, Any]
) -> list[tuple[Any, ...]]:
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    rows = await raw.driver_connection.execute_fetchall(sql, dict(params))  # type: ignore[union-attr]
    return [tuple(row) for row in rows]


def sqlite_datetime(moment: datetime | None) -> str | None:
    """A UTC datetime as SQLAlchemy stores it in SQLite (``YYYY-MM-DD HH:MM:SS.ffffff``)."""
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
