"""Tenants: creation, host resolution and settings (DESIGN §3.3).

A tenant owns one or more domains (hosts, with the port when it is not the scheme's default).
The default tenant owns the host of ``AUTHGATE_ISSUER``. A tenant's issuer is configuration and
is never taken from the request.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from authgate.config.cache import ConfigCache
from authgate.core.clock import Clock
from authgate.core.errors import Conflict, Invalid, NotFound
from authgate.core.fields import describe_validation_error
from authgate.core.randomness import prefixed_id
from authgate.protocol.ports import TenantRecord
from authgate.tenants import repository
from authgate.tenants.models import Tenant
from authgate.tenants.schemas import TenantSettings, TenantSettingsPatch, apply_patch

DEFAULT_TENANT_NAME = "default"
_TENANT_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$")
_DEFAULT_PORTS = (":80", ":443")


def normalize_host(host: str) -> str:
    """Lower-case, without a trailing dot and without a default port."""
    host = host.strip().lower()
    for suffix in _DEFAULT_PORTS:
        if host.endswith(suffix):
            host = host[: -len(suffix)]
    return host[:-1] if host.endswith(".") else host


def domain_of_issuer(issuer: str) -> str:
    return normalize_host(urlsplit(issuer).netloc)


def to_record(tenant: Tenant) -> TenantRecord:
    settings = TenantSettings.model_validate(tenant.settings)
    return TenantRecord(
        id=tenant.id,
        name=tenant.name,
        issuer=tenant.issuer,
        default_audience=settings.default_audience or None,
        friendly_name=settings.friendly_name,
        default_directory=settings.default_directory or None,
        session_lifetime=int(settings.session_lifetime * 3600),
        idle_session_lifetime=int(settings.idle_session_lifetime * 3600),
        allowed_logout_urls=tuple(settings.allowed_logout_urls),
        enabled_locales=tuple(settings.enabled_locales),
        pkce_for_confidential_clients=settings.flags.require_pkce_for_confidential_clients,
        support_email=settings.support_email or None,
    )


class TenantService:
    def __init__(self, cache: ConfigCache, clock: Clock) -> None:
        self._cache = cache
        self._clock = clock

    async def resolve(self, host: str) -> TenantRecord | None:
        """The tenant that owns ``host``, from the cache; ``None`` for an unknown host."""
        domain = normalize_host(host)

        async def load(session: AsyncSession) -> TenantRecord | None:
            tenant = await repository.by_domain(session, domain)
            return to_record(tenant) if tenant is not None else None

        return await self._cache.get(("tenant-by-host", domain), load)

    async def get(self, session: AsyncSession, tenant_id: str) -> Tenant:
        tenant = await repository.by_id(session, tenant_id)
        if tenant is None:
            raise NotFound("The tenant does not exist.")
        return tenant

    async def settings(self, session: AsyncSession, tenant_id: str) -> TenantSettings:
        tenant = await self.get(session, tenant_id)
        return TenantSettings.model_validate(tenant.settings)

    async def update_settings(
        self, session: AsyncSession, tenant_id: str, patch: TenantSettingsPatch
    ) -> TenantSettings:
        tenant = await self.get(session, tenant_id)
        try:
            updated = apply_patch(TenantSettings.model_validate(tenant.settings), patch)
        except ValidationError as exc:
            raise Invalid(describe_validation_error(exc)) from exc
        except ValueError as exc:
            raise Invalid(f"Payload validation error: {exc}.") from exc
        await repository.save_settings(
            session, tenant, updated.model_dump(mode="json"), updated_at=self._clock.now()
        )
        await self._cache.changed(session)
        return updated

    async def create(
        self, session: AsyncSession, *, name: str, issuer: str, is_default: bool = False
    ) -> Tenant:
        if not _TENANT_NAME.match(name):
            raise Invalid("The tenant name must be 3 to 64 lower-case letters, digits or hyphens.")
        if await repository.by_name(session, name) is not None:
            raise Conflict(f"A tenant named {name} already exists.")
        domain = domain_of_issuer(issuer)
        if await repository.domain_owner(session, domain) is not None:
            raise Conflict(f"The domain {domain} already belongs to a tenant.")
        now = self._clock.now()
        tenant = Tenant(
            id=prefixed_id("ten"),
            name=name,
            issuer=issuer,
            is_default=is_default,
            settings=TenantSettings(friendly_name=name).model_dump(mode="json"),
            created_at=now,
            updated_at=now,
        )
        try:
            await repository.add(session, tenant)
            await repository.add_domain(session, tenant.id, domain)
        except IntegrityError as exc:
            raise Conflict("The tenant or its domain already exists.") from exc
        await self._cache.changed(session)
        return tenant

    async def ensure_default(self, session: AsyncSession, issuer: str) -> tuple[Tenant, bool]:
        """The default tenant, created or moved to ``issuer``; True when something changed."""
        tenant = await repository.default(session)
        if tenant is None:
            created = await self.create(
                session, name=DEFAULT_TENANT_NAME, issuer=issuer, is_default=True
            )
            return created, True
        if tenant.issuer == issuer:
            return tenant, False
        new_domain = domain_of_issuer(issuer)
        owner = await repository.domain_owner(session, new_domain)
        if owner is not None and owner != tenant.id:
            raise Conflict(f"The domain {new_domain} belongs to another tenant.")
        await repository.remove_domain(session, domain_of_issuer(tenant.issuer))
        if owner is None:
            await repository.add_domain(session, tenant.id, new_domain)
        tenant.issuer = issuer
        tenant.updated_at = self._clock.now()
        await session.flush()
        await self._cache.changed(session)
        return tenant, True

    async def find(self, session: AsyncSession, name: str | None) -> Tenant | None:
        """The tenant called ``name``, or the default tenant when no name is given."""
        if name:
            return await repository.by_name(session, name)
        return await repository.default(session)

    async def list_all(self, session: AsyncSession) -> list[Tenant]:
        return await repository.list_all(session)
