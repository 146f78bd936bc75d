"""SQL for login blocks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Integer, bindparam, delete, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from authgate.blocks.models import LoginBlock
from authgate.core.sqlite_fast import fetch, is_sqlite, sqlite_datetime
from authgate.db import UTCDateTime


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


_COUNT = text(
    """
    INSERT INTO login_blocks
        (tenant_id, identifier, ip, connection, failures, blocked_at, last_failure_at)
    VALUES (:tenant_id, :identifier, :ip, :connection, 1, :first_block, :now)
    ON CONFLICT (tenant_id, identifier, ip) DO UPDATE SET
        failures = CASE WHEN login_blocks.last_failure_at < :since THEN 1
                        ELSE login_blocks.failures + 1 END,
        last_failure_at = :now,
        connection = excluded.connection,
        blocked_at = CASE
            WHEN (CASE WHEN login_blocks.last_failure_at < :since THEN 1
                       ELSE login_blocks.failures + 1 END) < :max_attempts THEN NULL
            ELSE COALESCE(login_blocks.blocked_at, :now) END
    RETURNING failures
    """
).bindparams(
    bindparam("now", type_=UTCDateTime()),
    bindparam("since", type_=UTCDateTime()),
    bindparam("first_block", type_=UTCDateTime()),
    bindparam("max_attempts", type_=Integer()),
)


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
    count reaches ``max_attempts``. (Plain SQL, valid on SQLite and PostgreSQL, prepared once:
    this runs on every password login.)"""
    params: dict[str, Any] = {
        "tenant_id": tenant_id,
        "identifier": identifier,
        "ip": ip,
        "connection": connection,
        "first_block": now if max_attempts <= 1 else None,
        "now": now,
        "since": since,
        "max_attempts": max_attempts,
    }
    if is_sqlite(session):
        for name in ("first_block", "now", "since"):
            params[name] = sqlite_datetime(params[name])
        return int((await fetch(session, _COUNT.text, params))[0][0])
    return int((await session.execute(_COUNT, params)).scalar_one())


async def clear(session: AsyncSession, tenant_id: str, identifier: str, ip: str | None) -> None:
    """Forget the attempts of ``identifier`` (from ``ip``, or from everywhere when None)."""
    if ip is None:
        await session.execute(_CLEAR_ALL, {"tenant_id": tenant_id, "identifier": identifier})
        return
    params = {"tenant_id": tenant_id, "identifier": identifier, "ip": ip}
    if is_sqlite(session):
        await fetch(session, _CLEAR.text, params)
        return
    await session.execute(_CLEAR, params)


_CLEAR = text(
    "DELETE FROM login_blocks WHERE tenant_id = :tenant_id AND identifier = :identifier"
    " AND ip = :ip"
)
_CLEAR_ALL = text(
    "DELETE FROM login_blocks WHERE tenant_id = :tenant_id AND identifier = :identifier"
)


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
