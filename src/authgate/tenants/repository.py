"""SQL for tenants and their domains."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from authgate.tenants.models import Tenant, TenantDomain


async def by_domain(session: AsyncSession, domain: str) -> Tenant | None:
    stmt = (
        select(Tenant)
        .join(TenantDomain, TenantDomain.tenant_id == Tenant.id)
        .where(TenantDomain.domain == domain)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def by_id(session: AsyncSession, tenant_id: str) -> Tenant | None:
    return await session.get(Tenant, tenant_id)


async def by_name(session: AsyncSession, name: str) -> Tenant | None:
    return (await session.execute(select(Tenant).where(Tenant.name == name))).scalar_one_or_none()


async def default(session: AsyncSession) -> Tenant | None:
    stmt = select(Tenant).where(Tenant.is_default.is_(True))
    return (await session.execute(stmt)).scalar_one_or_none()


async def domain_owner(session: AsyncSession, domain: str) -> str | None:
    row = await session.get(TenantDomain, domain)
    return row.tenant_id if row is not None else None


async def domains_of(session: AsyncSession, tenant_id: str) -> list[str]:
    stmt = select(TenantDomain.domain).where(TenantDomain.tenant_id == tenant_id)
    return list((await session.execute(stmt)).scalars())


async def add(session: AsyncSession, tenant: Tenant) -> None:
    session.add(tenant)
    await session.flush()


async def add_domain(session: AsyncSession, tenant_id: str, domain: str) -> None:
    session.add(TenantDomain(domain=domain, tenant_id=tenant_id))
    await session.flush()


async def remove_domain(session: AsyncSession, domain: str) -> None:
    row = await session.get(TenantDomain, domain)
    if row is not None:
        await session.delete(row)
        await session.flush()


async def save_settings(
    session: AsyncSession, tenant: Tenant, settings: dict[str, Any], **values: Any
) -> None:
    await session.execute(
        update(Tenant).where(Tenant.id == tenant.id).values(settings=settings, **values)
    )
    await session.refresh(tenant)


async def list_all(session: AsyncSession) -> list[Tenant]:
    return list((await session.execute(select(Tenant).order_by(Tenant.created_at))).scalars())
