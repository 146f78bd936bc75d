"""SQL for login blocks."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from authgate.blocks.models import LoginBlock


async def blocking(
    session: AsyncSession, tenant_id: str, identifiers: list[str], since: datetime
) -> list[LoginBlock]:
    stmt = (
        select(LoginBlock)
        .where(
            LoginBlock.tenant_id == tenant_id,
            LoginBlock.identifier.in_(identifiers),
            LoginBlock.blocked_at.is_not(None),
            LoginBlock.last_failure_at >= since,
        )
        .order_by(LoginBlock.identifier, LoginBlock.ip)
    )
    return list((await session.execute(stmt)).scalars())


async def release(session: AsyncSession, tenant_id: str, identifiers: list[str]) -> int:
    result = await session.execute(
        delete(LoginBlock).where(
            LoginBlock.tenant_id == tenant_id, LoginBlock.identifier.in_(identifiers)
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)
