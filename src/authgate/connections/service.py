"""Connections: creation with strategy-checked options, the applications they are enabled for,
and the default database connection of a tenant."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from authgate.config.cache import ConfigCache
from authgate.connections import repository
from authgate.connections.models import Connection
from authgate.connections.schemas import (
    ConnectionClientChange,
    ConnectionCreate,
    ConnectionUpdate,
)
from authgate.connections.strategies import STRATEGIES, Strategy
from authgate.core.clock import Clock
from authgate.core.errors import Conflict, Invalid, NotFound
from authgate.core.fields import describe_validation_error
from authgate.core.randomness import prefixed_id

DEFAULT_DATABASE = "Username-Password-Authentication"


@dataclass(frozen=True)
class ConnectionRecord:
    """A cached view of a connection for login and signup paths."""

    id: str
    name: str
    strategy: Strategy
    options: BaseModel


def connection_to_wire(
    connection: Connection, enabled_clients: list[str], *, with_options: bool
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": connection.id,
        "name": connection.name,
        "strategy": connection.strategy,
        "enabled_clients": enabled_clients,
        "realms": connection.realms,
        "metadata": connection.connection_metadata,
        "is_domain_connection": connection.is_domain_connection,
        "show_as_button": connection.show_as_button,
    }
    if connection.display_name is not None:
        body["display_name"] = connection.display_name
    if with_options:
        body["options"] = connection.options
    return body


def _strategy(name: str) -> Strategy:
    strategy = STRATEGIES.get(name)
    if strategy is None:
        raise Invalid(
            f"Payload validation error: the strategy {name!r} is not supported on property "
            "strategy.",
        )
    return strategy


def _options(strategy: Strategy, options: dict[str, Any]) -> dict[str, Any]:
    try:
        return strategy.options_model.model_validate(options).model_dump(mode="json")
    except ValidationError as exc:
        raise Invalid(describe_validation_error(exc, prefix="options")) from exc


class ConnectionService:
    def __init__(self, cache: ConfigCache, clock: Clock) -> None:
        self._cache = cache
        self._clock = clock

    async def record(self, tenant_id: str, name: str) -> ConnectionRecord | None:
        async def load(session: AsyncSession) -> ConnectionRecord | None:
            connection = await repository.by_name(session, tenant_id, name)
            return self.to_record(connection) if connection is not None else None

        return await self._cache.get(("connection", tenant_id, name), load)

    @staticmethod
    def to_record(connection: Connection) -> ConnectionRecord:
        strategy = STRATEGIES[connection.strategy]
        return ConnectionRecord(
            id=connection.id,
            name=connection.name,
            strategy=strategy,
            options=strategy.options_model.model_validate(connection.options),
        )

    async def create(
        self, session: AsyncSession, tenant_id: str, body: ConnectionCreate
    ) -> Connection:
        strategy = _strategy(body.strategy)
        if await repository.by_name(session, tenant_id, body.name) is not None:
            raise Conflict("A connection with the same name already exists.")
        now = self._clock.now()
        connection = Connection(
            id=prefixed_id("con"),
            tenant_id=tenant_id,
            name=body.name,
            display_name=body.display_name,
            strategy=strategy.name,
            options=_options(strategy, body.options),
            realms=body.realms or [body.name],
            connection_metadata=body.metadata,
            is_domain_connection=body.is_domain_connection,
            show_as_button=body.show_as_button,
            created_at=now,
            updated_at=now,
        )
        try:
            await repository.add(session, connection)
        except IntegrityError as exc:
            raise Conflict("A connection with the same name already exists.") from exc
        if body.enabled_clients:
            await self._enable(session, tenant_id, connection.id, body.enabled_clients)
        await self._cache.changed(session)
        return connection

    async def get(self, session: AsyncSession, tenant_id: str, connection_id: str) -> Connection:
        connection = await repository.get(session, tenant_id, connection_id)
        if connection is None:
            raise NotFound("The connection does not exist.", error_code="inexistent_connection")
        return connection

    async def by_name(self, session: AsyncSession, tenant_id: str, name: str) -> Connection:
        connection = await repository.by_name(session, tenant_id, name)
        if connection is None:
            raise NotFound("The connection does not exist.", error_code="inexistent_connection")
        return connection

    async def enabled_clients(self, session: AsyncSession, connection_id: str) -> list[str]:
        return await repository.enabled_client_ids(session, connection_id)

    async def enabled_clients_after(
        self, session: AsyncSession, connection_id: str, *, after_id: str | None, limit: int
    ) -> list[str]:
        return await repository.enabled_clients_after(
            session, connection_id, after_id=after_id, limit=limit
        )

    async def after(
        self,
        session: AsyncSession,
        tenant_id: str,
        *,
        after_id: str | None,
        limit: int,
        strategy: list[str] | None,
        name: str | None,
    ) -> list[Connection]:
        return await repository.after(
            session, tenant_id, after_id=after_id, limit=limit, strategy=strategy, name=name
        )

    async def page(
        self,
        session: AsyncSession,
        tenant_id: str,
        *,
        offset: int,
        limit: int,
        strategy: list[str] | None,
        name: str | None,
    ) -> tuple[list[Connection], int]:
        return await repository.page(
            session, tenant_id, offset=offset, limit=limit, strategy=strategy, name=name
        )

    async def update(
        self, session: AsyncSession, tenant_id: str, connection_id: str, body: ConnectionUpdate
    ) -> Connection:
        """PATCH; as in Auth0, ``options`` replaces the whole options object."""
        connection = await self.get(session, tenant_id, connection_id)
        changes = body.model_dump(exclude_unset=True)
        for name, value in changes.items():
            if value is None and name != "display_name":
                raise Invalid(f"Payload validation error: {name} cannot be null.")
        if "options" in changes:
            strategy = STRATEGIES[connection.strategy]
            connection.options = _options(strategy, changes.pop("options"))
        if "metadata" in changes:
            connection.connection_metadata = changes.pop("metadata")
        enabled = changes.pop("enabled_clients", None)
        for name, value in changes.items():
            setattr(connection, name, value)
        if enabled is not None:
            current = await repository.enabled_client_ids(session, connection.id)
            await repository.disable(
                session, connection.id, [c for c in current if c not in enabled]
            )
            await self._enable(session, tenant_id, connection.id, enabled)
        connection.updated_at = self._clock.now()
        await session.flush()
        await self._cache.changed(session)
        return connection

    async def change_clients(
        self,
        session: AsyncSession,
        tenant_id: str,
        connection_id: str,
        changes: list[ConnectionClientChange],
    ) -> None:
        connection = await self.get(session, tenant_id, connection_id)
        await self._enable(
            session, tenant_id, connection.id, [c.client_id for c in changes if c.status]
        )
        await repository.disable(
            session, connection.id, [c.client_id for c in changes if not c.status]
        )
        await self._cache.changed(session)

    async def delete(self, session: AsyncSession, tenant_id: str, connection_id: str) -> None:
        """Delete the connection and, as in Auth0, its users."""
        connection = await self.get(session, tenant_id, connection_id)
        await repository.delete_connection(session, connection)
        await self._cache.changed(session)

    async def is_enabled(self, session: AsyncSession, connection_id: str, client_id: str) -> bool:
        return await repository.is_enabled(session, connection_id, client_id)

    async def enabled(self, connection_id: str, client_id: str) -> bool:
        """``is_enabled`` from the configuration cache (login paths)."""

        async def load(session: AsyncSession) -> bool:
            return await repository.is_enabled(session, connection_id, client_id)

        return await self._cache.get(("connection-enabled", connection_id, client_id), load)

    async def database_for(self, tenant_id: str, client_id: str) -> str | None:
        """``database_for_client`` from the configuration cache."""

        async def load(session: AsyncSession) -> str | None:
            return await self.database_for_client(session, tenant_id, client_id)

        return await self._cache.get(("client-database", tenant_id, client_id), load)

    async def database_for_client(
        self, session: AsyncSession, tenant_id: str, client_id: str
    ) -> str | None:
        """The database connection a hosted login page uses for a client that names none:
        the first (oldest) database connection enabled for it."""
        for connection in await repository.all_for_tenant(session, tenant_id):
            record = self.to_record(connection)
            if record.strategy.is_database and await repository.is_enabled(
                session, connection.id, client_id
            ):
                return connection.name
        return None

    async def enable_all_for_client(
        self, session: AsyncSession, tenant_id: str, client_id: str
    ) -> None:
        """A new application gets every connection (tenant flag ``enable_client_connections``)."""
        for connection in await repository.all_for_tenant(session, tenant_id):
            await repository.enable(session, connection.id, [client_id])

    async def ensure_default_database(
        self, session: AsyncSession, tenant_id: str, client_ids: list[str]
    ) -> bool:
        if await repository.by_name(session, tenant_id, DEFAULT_DATABASE) is not None:
            return False
        await self.create(
            session,
            tenant_id,
            ConnectionCreate(name=DEFAULT_DATABASE, strategy="auth0", enabled_clients=client_ids),
        )
        return True

    async def _enable(
        self, session: AsyncSession, tenant_id: str, connection_id: str, client_ids: list[str]
    ) -> None:
        known = await repository.tenant_client_ids(session, tenant_id, client_ids)
        unknown = [client_id for client_id in client_ids if client_id not in known]
        if unknown:
            raise Invalid(
                f"Payload validation error: the client {unknown[0]!r} does not exist on "
                "property enabled_clients."
            )
        await repository.enable(session, connection_id, list(dict.fromkeys(client_ids)))
