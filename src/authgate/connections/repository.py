"""SQL for connections and the applications they are enabled for."""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from authgate.clients.models import Client
from authgate.connections.models import Connection, ConnectionClient


async def get(session: AsyncSession, tenant_id: str, connection_id: str) -> Connection | None:
    connection = await session.get(Connection, connection_id)
    return connection if connection is not None and connection.tenant_id == tenant_id else None


async def by_name(session: AsyncSession, tenant_id: str, name: str) -> Connection | None:
    stmt = select(Connection).where(Connection.tenant_id == tenant_id, Connection.name == name)
    return (await session.execute(stmt)).scalar_one_or_none()


async def after(
    session: AsyncSession,
    tenant_id: str,
    *,
    after_id: str | None,
    limit: int,
    strategy: list[str] | None,
    name: str | None,
) -> list[Connection]:
    stmt = select(Connection).where(Connection.tenant_id == tenant_id)
    if strategy:
        stmt = stmt.where(Connection.strategy.in_(strategy))
    if name is not None:
        stmt = stmt.where(Connection.name == name)
    if after_id is not None:
        stmt = stmt.where(Connection.id > after_id)
    stmt = stmt.order_by(Connection.id).limit(limit)
    return list((await session.execute(stmt)).scalars())


async def page(
    session: AsyncSession,
    tenant_id: str,
    *,
    offset: int,
    limit: int,
    strategy: list[str] | None,
    name: str | None,
) -> tuple[list[Connection], int]:
    base = select(Connection).where(Connection.tenant_id == tenant_id)
    if strategy:
        base = base.where(Connection.strategy.in_(strategy))
    if name is not None:
        base = base.where(Connection.name == name)
    items = list(
        (
            await session.execute(
                base.order_by(Connection.created_at, Connection.id).offset(offset).limit(limit)
            )
        ).scalars()
    )
    total = await session.scalar(select(func.count()).select_from(base.subquery()))
    return items, int(total or 0)


async def all_for_tenant(session: AsyncSession, tenant_id: str) -> list[Connection]:
    stmt = select(Connection).where(Connection.tenant_id == tenant_id).order_by(Connection.id)
    return list((await session.execute(stmt)).scalars())


async def add(session: AsyncSession, connection: Connection) -> None:
    session.add(connection)
    await session.flush()


async def delete_connection(session: AsyncSession, connection: Connection) -> None:
    await session.delete(connection)
    await session.flush()


async def enabled_client_ids(session: AsyncSession, connection_id: str) -> list[str]:
    stmt = (
        select(ConnectionClient.client_id)
        .where(ConnectionClient.connection_id == connection_id)
        .order_by(ConnectionClient.client_id)
    )
    return list((await session.execute(stmt)).scalars())


async def enabled_clients_after(
    session: AsyncSession, connection_id: str, *, after_id: str | None, limit: int
) -> list[str]:
    stmt = select(ConnectionClient.client_id).where(ConnectionClient.connection_id == connection_id)
    if after_id is not None:
        stmt = stmt.where(ConnectionClient.client_id > after_id)
    stmt = stmt.order_by(ConnectionClient.client_id).limit(limit)
    return list((await session.execute(stmt)).scalars())


async def tenant_client_ids(
    session: AsyncSession, tenant_id: str, client_ids: list[str]
) -> set[str]:
    stmt = select(Client.client_id).where(
        Client.tenant_id == tenant_id, Client.client_id.in_(client_ids)
    )
    return set((await session.execute(stmt)).scalars())


async def enable(session: AsyncSession, connection_id: str, client_ids: list[str]) -> None:
    present = set(await enabled_client_ids(session, connection_id))
    for client_id in client_ids:
        if client_id not in present:
            session.add(ConnectionClient(connection_id=connection_id, client_id=client_id))
    await session.flush()


async def disable(session: AsyncSession, connection_id: str, client_ids: list[str]) -> None:
    if client_ids:
        await session.execute(
            delete(ConnectionClient).where(
                ConnectionClient.connection_id == connection_id,
                ConnectionClient.client_id.in_(client_ids),
            )
        )


async def is_enabled(session: AsyncSession, connection_id: str, client_id: str) -> bool:
    return await session.get(ConnectionClient, (connection_id, client_id)) is not None
