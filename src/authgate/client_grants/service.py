"""Client grants: one per client and API, listing scopes the API defines."""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from authgate.apis import repository as apis
from authgate.apis.models import ResourceServer
from authgate.client_grants import repository
from authgate.client_grants.models import ClientGrant
from authgate.client_grants.schemas import ClientGrantCreate, ClientGrantUpdate
from authgate.clients import repository as clients
from authgate.config.cache import ConfigCache
from authgate.core.clock import Clock
from authgate.core.errors import Conflict, Invalid, NotFound
from authgate.core.randomness import prefixed_id
from authgate.protocol.ports import ClientGrantRecord


def grant_to_wire(grant: ClientGrant) -> dict[str, Any]:
    return {
        "id": grant.id,
        "client_id": grant.client_id,
        "audience": grant.audience,
        "scope": grant.scope,
        "is_system": False,
        "subject_type": "client",
    }


def _undefined_scopes(scopes: list[str], api: ResourceServer) -> list[str]:
    defined = {scope["value"] for scope in api.scopes}
    return [scope for scope in scopes if scope not in defined]


def _unique(scopes: list[str]) -> list[str]:
    return list(dict.fromkeys(scopes))


class ClientGrantService:
    def __init__(self, cache: ConfigCache, clock: Clock) -> None:
        self._cache = cache
        self._clock = clock

    async def record(
        self, tenant_id: str, client_id: str, audience: str
    ) -> ClientGrantRecord | None:
        async def load(session: AsyncSession) -> ClientGrantRecord | None:
            grant = await repository.for_client_and_audience(
                session, tenant_id, client_id, audience
            )
            if grant is None:
                return None
            return ClientGrantRecord(
                client_id=grant.client_id, audience=grant.audience, scopes=frozenset(grant.scope)
            )

        return await self._cache.get(("client-grant", tenant_id, client_id, audience), load)

    async def create(
        self, session: AsyncSession, tenant_id: str, body: ClientGrantCreate
    ) -> ClientGrant:
        if await clients.get(session, tenant_id, body.client_id) is None:
            raise NotFound("The client does not exist.", error_code="inexistent_client")
        api = await apis.by_identifier(session, tenant_id, body.audience)
        if api is None:
            raise NotFound(
                "No resource server found by specified identifier.",
                error_code="inexistent_resource_server",
            )
        self._check_scopes(body.scope, api)
        if await repository.for_client_and_audience(
            session, tenant_id, body.client_id, body.audience
        ):
            raise Conflict("A client grant for this client and audience already exists.")
        now = self._clock.now()
        grant = ClientGrant(
            id=prefixed_id("cgr"),
            tenant_id=tenant_id,
            client_id=body.client_id,
            resource_server_id=api.id,
            audience=api.identifier,
            scope=_unique(body.scope),
            created_at=now,
            updated_at=now,
        )
        try:
            await repository.add(session, grant)
        except IntegrityError as exc:
            raise Conflict("A client grant for this client and audience already exists.") from exc
        await self._cache.changed(session)
        return grant

    async def get(self, session: AsyncSession, tenant_id: str, grant_id: str) -> ClientGrant:
        grant = await repository.get(session, tenant_id, grant_id)
        if grant is None:
            raise NotFound("The client grant does not exist.", error_code="inexistent_client_grant")
        return grant

    async def update(
        self, session: AsyncSession, tenant_id: str, grant_id: str, body: ClientGrantUpdate
    ) -> ClientGrant:
        grant = await self.get(session, tenant_id, grant_id)
        if body.scope is not None:
            api = await apis.by_id(session, tenant_id, grant.resource_server_id)
            if api is None:
                raise NotFound("The API of this grant no longer exists.")
            self._check_scopes(body.scope, api)
            grant.scope = _unique(body.scope)
        elif "scope" in body.model_fields_set:
            raise Invalid("Payload validation error: scope cannot be null.")
        grant.updated_at = self._clock.now()
        await session.flush()
        await self._cache.changed(session)
        return grant

    async def delete(self, session: AsyncSession, tenant_id: str, grant_id: str) -> None:
        grant = await self.get(session, tenant_id, grant_id)
        await repository.delete(session, grant)
        await self._cache.changed(session)

    async def after(
        self,
        session: AsyncSession,
        tenant_id: str,
        *,
        after_id: str | None,
        limit: int,
        audience: str | None,
        client_id: str | None,
    ) -> list[ClientGrant]:
        return await repository.after(
            session,
            tenant_id,
            after_id=after_id,
            limit=limit,
            audience=audience,
            client_id=client_id,
        )

    async def page(
        self,
        session: AsyncSession,
        tenant_id: str,
        *,
        offset: int,
        limit: int,
        audience: str | None,
        client_id: str | None,
    ) -> tuple[list[ClientGrant], int]:
        items = await repository.page(
            session, tenant_id, offset=offset, limit=limit, audience=audience, client_id=client_id
        )
        total = await repository.count(session, tenant_id, audience=audience, client_id=client_id)
        return items, total

    @staticmethod
    def _check_scopes(scopes: list[str], api: ResourceServer) -> None:
        undefined = _undefined_scopes(scopes, api)
        if undefined:
            raise Invalid(
                "Payload validation error: the API does not define the scope "
                f"{undefined[0]!r} on property scope."
            )
