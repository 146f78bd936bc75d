"""Applications: registration, validation of grant types against the application type,
secrets (high-entropy, encrypted at rest, compared as digests) and the cached records the token
endpoint reads."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from authgate.clients import repository
from authgate.clients.models import Client
from authgate.clients.policies import initiators, refresh_policy
from authgate.clients.schemas import (
    ALLOWED_GRANTS_BY_APP_TYPE,
    CONFIDENTIAL_ONLY_GRANTS,
    DEFAULT_GRANTS_BY_APP_TYPE,
    NULLABLE_ON_UPDATE,
    PUBLIC_APP_TYPES,
    ClientCreate,
    ClientUpdate,
    JwtConfiguration,
    OidcLogout,
    RefreshTokenConfiguration,
)
from authgate.config.cache import ConfigCache
from authgate.connections.service import ConnectionService
from authgate.core import randomness
from authgate.core.clock import Clock
from authgate.core.errors import Conflict, Invalid, NotFound
from authgate.core.fields import describe_validation_error, wire_time
from authgate.core.secretbox import SecretBox
from authgate.protocol.client_auth import secret_digest
from authgate.protocol.ports import ClientRecord
from authgate.tenants import repository as tenants
from authgate.tenants.schemas import TenantSettings


def client_to_wire(client: Client, tenant_name: str, secret: str | None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "tenant": tenant_name,
        "global": client.is_global,
        "name": client.name,
        "client_id": client.client_id,
        "is_first_party": client.is_first_party,
        "oidc_conformant": client.oidc_conformant,
        "callbacks": client.callbacks,
        "allowed_logout_urls": client.allowed_logout_urls,
        "web_origins": client.web_origins,
        "allowed_origins": client.allowed_origins,
        "grant_types": client.grant_types,
        "token_endpoint_auth_method": client.token_endpoint_auth_method,
        "jwt_configuration": client.jwt_configuration,
        "refresh_token": client.refresh_token,
        "client_metadata": client.client_metadata,
        "created_at": wire_time(client.created_at),
        "updated_at": wire_time(client.updated_at),
    }
    for name in ("description", "app_type", "logo_uri", "oidc_logout"):
        value = getattr(client, name)
        if value is not None:
            body[name] = value
    if secret is not None:
        body["client_secret"] = secret
    return body


def _check_consistency(client: Client) -> None:
    """Grant types fit the application type; public clients use no secret (RFC 6749 §2.1)."""
    allowed = ALLOWED_GRANTS_BY_APP_TYPE[client.app_type]
    for grant in client.grant_types:
        if grant not in allowed:
            raise Invalid(
                f"Payload validation error: grant type {grant!r} is not allowed for "
                f"app_type {client.app_type or 'unset'} on property grant_types."
            )
    if client.app_type in PUBLIC_APP_TYPES and client.token_endpoint_auth_method != "none":
        raise Invalid(
            f"Payload validation error: a {client.app_type} application is public and must use "
            "token_endpoint_auth_method none on property token_endpoint_auth_method."
        )
    if client.token_endpoint_auth_method == "none":
        for grant in client.grant_types:
            if grant in CONFIDENTIAL_ONLY_GRANTS:
                raise Invalid(
                    f"Payload validation error: grant type {grant!r} needs client "
                    "authentication, which token_endpoint_auth_method none does not do, "
                    "on property grant_types."
                )


class ClientService:
    def __init__(
        self, cache: ConfigCache, box: SecretBox, clock: Clock, connections: ConnectionService
    ) -> None:
        self._cache = cache
        self._box = box
        self._clock = clock
        self._connections = connections

    # -- hot path --------------------------------------------------------------------------

    async def record(self, tenant_id: str, client_id: str) -> ClientRecord | None:
        async def load(session: AsyncSession) -> ClientRecord | None:
            client = await repository.get(session, tenant_id, client_id)
            if client is None:
                return None
            secret = self.secret(client)
            is_public = client.token_endpoint_auth_method == "none"
            oidc_logout = client.oidc_logout or {}
            return ClientRecord(
                client_id=client.client_id,
                name=client.name,
                app_type=client.app_type,
                token_endpoint_auth_method=client.token_endpoint_auth_method,
                grant_types=frozenset(client.grant_types),
                secret_digest=None if is_public or secret is None else secret_digest(secret),
                is_first_party=client.is_first_party,
                id_token_lifetime=client.jwt_configuration.get("lifetime_in_seconds"),
                callbacks=tuple(client.callbacks),
                allowed_logout_urls=tuple(client.allowed_logout_urls),
                web_origins=tuple(client.web_origins),
                allowed_origins=tuple(client.allowed_origins),
                refresh=refresh_policy(client.refresh_token),
                backchannel_logout_urls=tuple(oidc_logout.get("backchannel_logout_urls", ())),
                backchannel_logout_initiators=initiators(oidc_logout),
            )

        return await self._cache.get(("client", tenant_id, client_id), load)

    async def cors_origins(self, tenant_id: str) -> frozenset[str]:
        """The origins some application of the tenant accepts browser calls from."""

        async def load(session: AsyncSession) -> frozenset[str]:
            return frozenset(await repository.web_origins(session, tenant_id))

        return await self._cache.get(("cors-origins", tenant_id), load)

    def secret(self, client: Client) -> str | None:
        if client.client_secret is None:
            return None
        return self._box.open(
            client.client_secret, context=f"client-secret:{client.client_id}"
        ).decode()

    # -- administration --------------------------------------------------------------------

    async def create(
        self,
        session: AsyncSession,
        tenant_id: str,
        body: ClientCreate,
        *,
        client_id: str | None = None,
        secret: str | None = None,
    ) -> Client:
        client_id = client_id or randomness.client_id()
        if await repository.exists(session, client_id):
            raise Conflict("A client with this client_id already exists.")
        now = self._clock.now()
        auth_method = body.token_endpoint_auth_method or (
            "none" if body.app_type in PUBLIC_APP_TYPES else "client_secret_post"
        )
        client = Client(
            client_id=client_id,
            tenant_id=tenant_id,
            name=body.name,
            description=body.description,
            app_type=body.app_type,
            is_first_party=body.is_first_party,
            oidc_conformant=body.oidc_conformant,
            is_global=False,
            token_endpoint_auth_method=auth_method,
            logo_uri=body.logo_uri,
            callbacks=body.callbacks,
            allowed_logout_urls=body.allowed_logout_urls,
            web_origins=body.web_origins,
            allowed_origins=body.allowed_origins,
            grant_types=(
                body.grant_types
                if body.grant_types is not None
                else list(DEFAULT_GRANTS_BY_APP_TYPE[body.app_type])
            ),
            jwt_configuration=(body.jwt_configuration or JwtConfiguration()).model_dump(),
            refresh_token=(body.refresh_token or RefreshTokenConfiguration()).model_dump(),
            oidc_logout=(
                body.oidc_logout.model_dump(exclude_none=True) if body.oidc_logout else None
            ),
            client_metadata=body.client_metadata,
            created_at=now,
            updated_at=now,
        )
        _check_consistency(client)
        self._set_secret(client, secret or randomness.client_secret())
        await repository.add(session, client)
        if await self._enables_connections(session, tenant_id):
            await self._connections.enable_all_for_client(session, tenant_id, client.client_id)
        await self._cache.changed(session)
        return client

    @staticmethod
    async def _enables_connections(session: AsyncSession, tenant_id: str) -> bool:
        tenant = await tenants.by_id(session, tenant_id)
        settings = TenantSettings.model_validate(tenant.settings if tenant else {})
        return settings.flags.enable_client_connections

    async def get(self, session: AsyncSession, tenant_id: str, client_id: str) -> Client:
        client = await repository.get(session, tenant_id, client_id)
        if client is None:
            raise NotFound("The client does not exist.", error_code="inexistent_client")
        return client

    async def page(
        self,
        session: AsyncSession,
        tenant_id: str,
        *,
        offset: int,
        limit: int,
        app_types: list[str] | None,
        is_first_party: bool | None,
    ) -> tuple[list[Client], int]:
        filters: dict[str, Any] = {"app_types": app_types, "is_first_party": is_first_party}
        items = await repository.page(session, tenant_id, offset=offset, limit=limit, **filters)
        return items, await repository.count(session, tenant_id, **filters)

    async def update(
        self, session: AsyncSession, tenant_id: str, client_id: str, body: ClientUpdate
    ) -> Client:
        client = await self.get(session, tenant_id, client_id)
        changes = body.model_dump(exclude_unset=True)
        for name, value in changes.items():
            if value is None and name not in NULLABLE_ON_UPDATE:
                raise Invalid(f"Payload validation error: {name} cannot be null.")
        secret = changes.pop("client_secret", None)
        merged_objects: dict[str, type[BaseModel]] = {
            "jwt_configuration": JwtConfiguration,
            "refresh_token": RefreshTokenConfiguration,
            "oidc_logout": OidcLogout,
        }
        for name, model in merged_objects.items():
            if name in changes:
                current = getattr(client, name) or {}
                try:
                    merged = model.model_validate({**current, **changes.pop(name)})
                except ValidationError as exc:
                    raise Invalid(describe_validation_error(exc, prefix=name)) from exc
                setattr(client, name, merged.model_dump(exclude_none=True))
        if "client_metadata" in changes:
            metadata = {**client.client_metadata, **changes.pop("client_metadata")}
            client.client_metadata = {k: v for k, v in metadata.items() if v is not None}
            if len(client.client_metadata) > 10:
                raise Invalid(
                    "Payload validation error: at most 10 keys are allowed on property "
                    "client_metadata."
                )
        for name, value in changes.items():
            setattr(client, name, value)
        switched_to_public = "app_type" in changes and client.app_type in PUBLIC_APP_TYPES
        if switched_to_public and "token_endpoint_auth_method" not in changes:
            client.token_endpoint_auth_method = "none"
        _check_consistency(client)
        if secret is not None:
            self._set_secret(client, secret)
        client.updated_at = self._clock.now()
        await session.flush()
        await self._cache.changed(session)
        return client

    async def rotate_secret(self, session: AsyncSession, tenant_id: str, client_id: str) -> Client:
        client = await self.get(session, tenant_id, client_id)
        self._set_secret(client, randomness.client_secret())
        client.updated_at = self._clock.now()
        await session.flush()
        await self._cache.changed(session)
        return client

    async def delete(self, session: AsyncSession, tenant_id: str, client_id: str) -> None:
        client = await self.get(session, tenant_id, client_id)
        await repository.delete(session, client)
        await self._cache.changed(session)

    def _set_secret(self, client: Client, secret: str) -> None:
        client.client_secret = self._box.seal(
            secret.encode(), context=f"client-secret:{client.client_id}"
        )
