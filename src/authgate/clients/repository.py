"""SQL for applications."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Select

from authgate.clients.models import Client

T = TypeVar("T")


async def get(session: AsyncSession, tenant_id: str, client_id: str) -> Client | None:
    client = await session.get(Client, client_id)
    return client if client is not None and client.tenant_id == tenant_id else None


async def exists(session: AsyncSession, client_id: str) -> bool:
    return await session.get(Client, client_id) is not None


def _filtered(
    stmt: Select[T],
    tenant_id: str,
    app_types: list[str] | None,
    is_first_party: bool | None,
) -> Select[T]:
    stmt = stmt.where(Client.tenant_id == tenant_id)
    if app_types:
        stmt = stmt.where(Client.app_type.in_(app_types))
    if is_first_party is not None:
        stmt = stmt.where(Client.is_first_party.is_(is_first_party))
    return stmt


async def page(
    session: AsyncSession,
    tenant_id: str,
    *,
    offset: int,
    limit: int,
    app_types: list[str] | None = None,
    is_first_party: bool | None = None,
) -> list[Client]:
    stmt = _filtered(select(Client), tenant_id, app_types, is_first_party)
    stmt = stmt.order_by(Client.created_at, Client.client_id).offset(offset).limit(limit)
    return list((await session.execute(stmt)).scalars())


async def count(
    session: AsyncSession,
    tenant_id: str,
    *,
    app_types: list[str] | None = None,
    is_first_party: bool | None = None,
) -> int:
    stmt = _filtered(select(func.count()).select_from(Client), tenant_id, app_types, is_first_party)
    return int(await session.scalar(stmt) or 0)


async def web_origins(session: AsyncSession, tenant_id: str) -> set[str]:
    """Every origin an application of the tenant lists in ``web_origins`` or ``allowed_origins``."""
    stmt = select(Client.web_origins, Client.allowed_origins).where(Client.tenant_id == tenant_id)
    found: set[str] = set()
    for web, allowed in await session.execute(stmt):
        found.update(web or ())
        found.update(allowed or ())
    return found


async def add(session: AsyncSession, client: Client) -> None:
    session.add(client)
    await session.flush()


async def delete(session: AsyncSession, client: Client) -> None:
    await session.delete(client)
    await session.flush()
