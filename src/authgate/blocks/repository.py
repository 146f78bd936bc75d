"""SQL for login blocks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import case, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
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


def _insert(session: AsyncSession) -> Any:
    dialect = session.get_bind().dialect.name
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


async def count_attempt(
    session: AsyncSession,
    tenant_id: str,
    identifier: str,
    ip: str,
    *,
    connection: str | None,
    max_attempts: int,
    now: datetime,
    since: datetime,
) -> int:
    """Count one more attempt and answer the count, atomically (``INSERT ... ON CONFLICT DO
    UPDATE ... RETURNING``): of N concurrent attempts each sees a different count. A count
    whose last failure is older than ``since`` starts again. ``blocked_at`` is set when the
    count reaches ``max_attempts``."""
    table = LoginBlock.__table__
    count = case((table.c.last_failure_at < since, 1), else_=table.c.failures + 1)
    stmt = _insert(session)(LoginBlock).values(
        tenant_id=tenant_id,
        identifier=identifier,
        ip=ip,
        connection=connection,
        failures=1,
        blocked_at=now if max_attempts <= 1 else None,
        last_failure_at=now,
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=["tenant_id", "identifier", "ip"],
        set_={
            "failures": count,
            "last_failure_at": now,
            "connection": stmt.excluded.connection,
            "blocked_at": case(
                (count < max_attempts, None),
                else_=func.coalesce(table.c.blocked_at, now),
            ),
        },
    ).returning(LoginBlock.failures)
    return int((await session.execute(stmt)).scalar_one())


async def clear(session: AsyncSession, tenant_id: str, identifier: str, ip: str | None) -> None:
    """Forget the attempts of ``identifier`` (from ``ip``, or from everywhere when None)."""
    stmt = delete(LoginBlock).where(
        LoginBlock.tenant_id == tenant_id, LoginBlock.identifier == identifier
    )
    if ip is not None:
        stmt = stmt.where(LoginBlock.ip == ip)
    await session.execute(stmt)


async def counted(
    session: AsyncSession, tenant_id: str, identifiers: list[str], since: datetime
) -> list[LoginBlock]:
    stmt = (
        select(LoginBlock)
        .where(
            LoginBlock.tenant_id == tenant_id,
            LoginBlock.identifier.in_(identifiers),
            LoginBlock.last_failure_at >= since,
        )
        .order_by(LoginBlock.identifier, LoginBlock.ip)
    )
    return list((await session.execute(stmt)).scalars())
