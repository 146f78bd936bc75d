"""APIs (resource servers), including the system Management API of each tenant.

An API's ``identifier`` is the ``audience`` of its access tokens and never changes. The
Management API (``{issuer}api/v2/``) is created with the tenant, is marked ``is_system`` and
cannot be deleted; only its token lifetimes can be changed.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from authgate.apis import repository
from authgate.apis.management_scopes import MANAGEMENT_SCOPES, describe
from authgate.apis.models import ResourceServer
from authgate.apis.schemas import (
    SYSTEM_API_UPDATABLE,
    ResourceServerCreate,
    ResourceServerUpdate,
)
from authgate.client_grants import repository as client_grants
from authgate.config.cache import ConfigCache
from authgate.core.clock import Clock
from authgate.core.errors import Conflict, Invalid, NotFound, OperationNotSupported
from authgate.core.randomness import random_hex, random_token
from authgate.core.secretbox import SecretBox
from authgate.protocol.ports import ApiRecord, TenantRecord

MANAGEMENT_API_NAME = "Auth0 Management API"
MANAGEMENT_TOKEN_LIFETIME = 86_400


def api_to_wire(api: ResourceServer, signing_secret: str | None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": api.id,
        "name": api.name,
        "identifier": api.identifier,
        "is_system": api.is_system,
        "scopes": api.scopes,
        "signing_alg": api.signing_alg,
        "allow_offline_access": api.allow_offline_access,
        "skip_consent_for_verifiable_first_party_clients": (
            api.skip_consent_for_verifiable_first_party_clients
        ),
        "token_lifetime": api.token_lifetime,
        "token_lifetime_for_web": api.token_lifetime_for_web,
        "enforce_policies": api.enforce_policies,
        "token_dialect": api.token_dialect,
    }
    if signing_secret is not None:
        body["signing_secret"] = signing_secret
    return body


class ApiService:
    def __init__(self, cache: ConfigCache, box: SecretBox, clock: Clock) -> None:
        self._cache = cache
        self._box = box
        self._clock = clock

    # -- hot path --------------------------------------------------------------------------

    async def record(self, tenant_id: str, identifier: str) -> ApiRecord | None:
        async def load(session: AsyncSession) -> ApiRecord | None:
            api = await repository.by_identifier(session, tenant_id, identifier)
            if api is None:
                return None
            secret = self.signing_secret(api)
            return ApiRecord(
                identifier=api.identifier,
                scopes=frozenset(scope["value"] for scope in api.scopes),
                signing_alg=api.signing_alg,
                token_lifetime=api.token_lifetime,
                token_dialect=api.token_dialect,
                is_system=api.is_system,
                signing_secret=secret.encode() if secret is not None else None,
                allow_offline_access=api.allow_offline_access,
                skip_consent_for_verifiable_first_party_clients=(
                    api.skip_consent_for_verifiable_first_party_clients
                ),
            )

        return await self._cache.get(("api", tenant_id, identifier), load)

    def signing_secret(self, api: ResourceServer) -> str | None:
        if api.signing_secret is None:
            return None
        return self._box.open(api.signing_secret, context=f"api-signing-secret:{api.id}").decode()

    # -- administration --------------------------------------------------------------------

    async def ensure_management_api(self, session: AsyncSession, tenant: TenantRecord) -> bool:
        """Create the tenant's Management API, or move it to the tenant's current issuer."""
        existing = await repository.system_api(session, tenant.id)
        if existing is not None:
            if existing.identifier == tenant.management_audience:
                return False
            existing.identifier = tenant.management_audience
            existing.updated_at = self._clock.now()
            await client_grants.retarget(session, existing.id, existing.identifier)
            await self._cache.changed(session)
            return True
        now = self._clock.now()
        await repository.add(
            session,
            ResourceServer(
                id=random_hex(12),
                tenant_id=tenant.id,
                identifier=tenant.management_audience,
                name=MANAGEMENT_API_NAME,
                is_system=True,
                scopes=[{"value": s, "description": describe(s)} for s in MANAGEMENT_SCOPES],
                signing_alg="RS256",
                allow_offline_access=False,
                skip_consent_for_verifiable_first_party_clients=False,
                token_lifetime=MANAGEMENT_TOKEN_LIFETIME,
                token_lifetime_for_web=7_200,
                enforce_policies=False,
                token_dialect="access_token",
                created_at=now,
                updated_at=now,
            ),
        )
        await self._cache.changed(session)
        return True

    async def create(
        self, session: AsyncSession, tenant: TenantRecord, body: ResourceServerCreate
    ) -> ResourceServer:
        if body.identifier == tenant.management_audience:
            raise Conflict("The identifier is reserved for the Management API.")
        if await repository.by_identifier(session, tenant.id, body.identifier):
            raise Conflict("A resource server with the same identifier already exists.")
        now = self._clock.now()
        api = ResourceServer(
            id=random_hex(12),
            tenant_id=tenant.id,
            identifier=body.identifier,
            name=body.name or body.identifier,
            is_system=False,
            scopes=[scope.model_dump() for scope in body.scopes],
            signing_alg=body.signing_alg,
            allow_offline_access=body.allow_offline_access,
            skip_consent_for_verifiable_first_party_clients=(
                body.skip_consent_for_verifiable_first_party_clients
            ),
            token_lifetime=body.token_lifetime,
            token_lifetime_for_web=body.token_lifetime_for_web,
            enforce_policies=body.enforce_policies,
            token_dialect=body.token_dialect,
            created_at=now,
            updated_at=now,
        )
        if body.signing_alg == "HS256" or body.signing_secret is not None:
            self._set_secret(api, body.signing_secret or random_token(32))
        try:
            await repository.add(session, api)
        except IntegrityError as exc:
            raise Conflict("A resource server with the same identifier already exists.") from exc
        await self._cache.changed(session)
        return api

    async def get(self, session: AsyncSession, tenant_id: str, api_id: str) -> ResourceServer:
        api = await repository.by_id(session, tenant_id, api_id)
        if api is None:
            api = await repository.by_identifier(session, tenant_id, api_id)
        if api is None:
            raise NotFound(
                "The resource server does not exist.", error_code="inexistent_resource_server"
            )
        return api

    async def page(
        self,
        session: AsyncSession,
        tenant_id: str,
        *,
        offset: int,
        limit: int,
        identifiers: list[str] | None,
    ) -> tuple[list[ResourceServer], int]:
        items = await repository.page(
            session, tenant_id, offset=offset, limit=limit, identifiers=identifiers
        )
        return items, await repository.count(session, tenant_id, identifiers)

    async def update(
        self, session: AsyncSession, tenant_id: str, api_id: str, body: ResourceServerUpdate
    ) -> ResourceServer:
        api = await self.get(session, tenant_id, api_id)
        changes = body.model_dump(exclude_unset=True)
        if None in changes.values():
            name = next(key for key, value in changes.items() if value is None)
            raise Invalid(f"Payload validation error: {name} cannot be null.")
        if api.is_system and not set(changes) <= SYSTEM_API_UPDATABLE:
            raise OperationNotSupported("Only the token lifetimes of a system API can be changed.")
        secret = changes.pop("signing_secret", None)
        for name, value in changes.items():
            setattr(api, name, value)
        if secret is not None or (api.signing_alg == "HS256" and api.signing_secret is None):
            self._set_secret(api, secret or random_token(32))
        api.token_lifetime_for_web = min(api.token_lifetime_for_web, api.token_lifetime)
        api.updated_at = self._clock.now()
        await session.flush()
        await self._cache.changed(session)
        return api

    async def delete(self, session: AsyncSession, tenant_id: str, api_id: str) -> None:
        api = await self.get(session, tenant_id, api_id)
        if api.is_system:
            raise OperationNotSupported("A system API cannot be deleted.")
        await repository.delete(session, api)
        await self._cache.changed(session)

    def _set_secret(self, api: ResourceServer, secret: str) -> None:
        api.signing_secret = self._box.seal(secret.encode(), context=f"api-signing-secret:{api.id}")
