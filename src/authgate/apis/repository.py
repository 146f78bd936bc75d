"""SQL for APIs (resource servers)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from authgate.apis.models import ResourceServer


async def by_identifier(
    session: AsyncSession, tenant_id: str, identifier: str
) -> ResourceServer | None:
    stmt = select(ResourceServer).where(
        ResourceServer.tenant_id == tenant_id, ResourceServer.identifier == identifier
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def system_api(session: AsyncSession, tenant_id: str) -> ResourceServer | None:
    stmt = select(ResourceServer).where(
        ResourceServer.tenant_id == tenant_id, ResourceServer.is_system.is_(True)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def by_id(session: AsyncSession, tenant_id: str, api_id: str) -> ResourceServer | None:
    api = await session.get(ResourceServer, api_id)
    return api if api is not None and api.tenant_id == tenant_id else None


async def page(
    session: AsyncSession,
    tenant_id: str,
    *,
    offset: int,
    limit: int,
    identifiers: list[str] | None = None,
) -> list[ResourceServer]:
    stmt = select(ResourceServer).where(ResourceServer.tenant_id == tenant_id)
    if identifiers:
        stmt = stmt.where(ResourceServer.identifier.in_(identifiers))
    stmt = stmt.order_by(ResourceServer.created_at, ResourceServer.id).offset(offset).limit(limit)
    return list((await session.execute(stmt)).scalars())


async def count(session: AsyncSession, tenant_id: str, identifiers: list[str] | None = None) -> int:
    stmt = (
        select(func.count())
        .select_from(ResourceServer)
        .where(ResourceServer.tenant_id == tenant_id)
    )
    if identifiers:
        stmt = stmt.where(ResourceServer.identifier.in_(identifiers))
    return int(await session.scalar(stmt) or 0)


async def add(session: AsyncSession, api: ResourceServer) -> None:
    session.add(api)
    await session.flush()


async def delete(session: AsyncSession, api: ResourceServer) -> None:
    await session.delete(api)
    await session.flush()
