"""SQL for log events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from authgate.logs.models import LogEvent


async def get(session: AsyncSession, tenant_id: str, log_id: str) -> LogEvent | None:
    event = await session.get(LogEvent, log_id)
    return event if event is not None and event.tenant_id == tenant_id else None


async def search(
    session: AsyncSession,
    tenant_id: str,
    *,
    where: list[ColumnElement[bool]],
    order_by: list[Any],
    offset: int,
    limit: int,
    count: bool,
) -> tuple[list[LogEvent], int | None]:
    stmt = select(LogEvent).where(LogEvent.tenant_id == tenant_id, *where)
    items = list(
        (await session.execute(stmt.order_by(*order_by).offset(offset).limit(limit))).scalars()
    )
    total = None
    if count:
        subquery = stmt.with_only_columns(LogEvent.log_id).limit(1000).subquery()
        total = int(await session.scalar(select(func.count()).select_from(subquery)) or 0)
    return items, total


async def after(
    session: AsyncSession, tenant_id: str, *, after_id: str | None, limit: int
) -> list[LogEvent]:
    stmt = select(LogEvent).where(LogEvent.tenant_id == tenant_id)
    if after_id is not None:
        stmt = stmt.where(LogEvent.log_id > after_id)
    stmt = stmt.order_by(LogEvent.log_id).limit(limit)
    return list((await session.execute(stmt)).scalars())


async def purge_before(session: AsyncSession, cutoff: datetime) -> int:
    result = await session.execute(delete(LogEvent).where(LogEvent.date < cutoff))
    return int(getattr(result, "rowcount", 0) or 0)
