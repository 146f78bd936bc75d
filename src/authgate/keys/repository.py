"""SQL for signing keys."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from authgate.keys.models import SigningKey

PUBLISHED_STATES = ("current", "next", "previous")
_STATE_ORDER = {"current": 0, "next": 1, "previous": 2, "revoked": 3}


async def for_tenant(session: AsyncSession, tenant_id: str) -> list[SigningKey]:
    stmt = select(SigningKey).where(SigningKey.tenant_id == tenant_id)
    keys = list((await session.execute(stmt)).scalars())
    return sorted(keys, key=lambda k: (_STATE_ORDER.get(k.state, 9), -k.created_at.timestamp()))


async def for_tenant_locked(session: AsyncSession, tenant_id: str) -> list[SigningKey]:
    """The tenant's keys, locked for update where the engine supports row locks."""
    stmt = select(SigningKey).where(SigningKey.tenant_id == tenant_id).with_for_update()
    return list((await session.execute(stmt)).scalars())


async def get(session: AsyncSession, tenant_id: str, kid: str) -> SigningKey | None:
    key = await session.get(SigningKey, kid)
    return key if key is not None and key.tenant_id == tenant_id else None


async def add(session: AsyncSession, key: SigningKey) -> None:
    session.add(key)
    await session.flush()
