"""SQL for client grants."""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Select

from authgate.client_grants.models import ClientGrant


async def get(session: AsyncSession, tenant_id: str, grant_id: str) -> ClientGrant | None:
    grant = await session.get(ClientGrant, grant_id)
    return grant if grant is not None and grant.tenant_id == tenant_id else None


async def for_client_and_audience(
    session: AsyncSession, tenant_id: str, client_id: str, audience: str
) -> ClientGrant | None:
    stmt = select(ClientGrant).where(
        ClientGrant.tenant_id == tenant_id,
        ClientGrant.client_id == client_id,
        ClientGrant.audience == audience,
    )
    return (await session.execute(stmt)).scalar_one_or_none()


def _filtered(
    stmt: Select[ClientGrant], tenant_id: str, audience: str | None, client_id: str | None
) -> Select[ClientGrant]:
    stmt = stmt.where(ClientGrant.tenant_id == tenant_id)
    if audience is not None:
        stmt = stmt.where(ClientGrant.audience == audience)
    if client_id is not None:
        stmt = stmt.where(ClientGrant.client_id == client_id)
    return stmt


async def after(
    session: AsyncSession,
    tenant_id: str,
    *,
    after_id: str | None,
    limit: int,
    audience: str | None,
    client_id: str | None,
) -> list[ClientGrant]:
    """Keyset page ordered by id: the grants whose id sorts after ``after_id``."""
    stmt = _filtered(select(ClientGrant), tenant_id, audience, client_id)
    if after_id is not None:
        stmt = stmt.where(ClientGrant.id > after_id)
    stmt = stmt.order_by(ClientGrant.id).limit(limit)
    return list((await session.execute(stmt)).scalars())


async def page(
    session: AsyncSession,
    tenant_id: str,
    *,
    offset: int,
    limit: int,
    audience: str | None,
    client_id: str | None,
) -> list[ClientGrant]:
    stmt = _filtered(select(ClientGrant), tenant_id, audience, client_id)
    stmt = stmt.order_by(ClientGrant.id).offset(offset).limit(limit)
    return list((await session.execute(stmt)).scalars())


async def count(
    session: AsyncSession, tenant_id: str, *, audience: str | None, client_id: str | None
) -> int:
    stmt = select(func.count()).select_from(ClientGrant).where(ClientGrant.tenant_id == tenant_id)
    if audience is not None:
        stmt = stmt.where(ClientGrant.audience == audience)
    if client_id is not None:
        stmt = stmt.where(ClientGrant.client_id == client_id)
    return int(await session.scalar(stmt) or 0)


async def add(session: AsyncSession, grant: ClientGrant) -> None:
    session.add(grant)
    await session.flush()


async def delete(session: AsyncSession, grant: ClientGrant) -> None:
    await session.delete(grant)
    await session.flush()


async def retarget(session: AsyncSession, resource_server_id: str, audience: str) -> None:
    """Follow an API whose identifier changed (only the system API's can, with the issuer)."""
    await session.execute(
        update(ClientGrant)
        .where(ClientGrant.resource_server_id == resource_server_id)
        .values(audience=audience)
    )
