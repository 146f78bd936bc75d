"""A tenant's mail configuration, read once and kept in the configuration cache.

``enqueue`` runs inside requests whose timing must not depend on whether a user exists, so it
reads nothing from the database on a warm cache: the tenant's branding and locales, its
customized templates and whether it has its own provider come from this snapshot. Every write
to them goes through ``ConfigCache.changed``, like the rest of the configuration.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from authgate.email import repository
from authgate.email.models import EmailTemplate
from authgate.tenants.schemas import TenantSettings
from authgate.tenants.service import TenantService


@dataclass(frozen=True)
class TenantView:
    """What mails show of the tenant."""

    id: str
    name: str
    friendly_name: str
    support_email: str | None = None
    support_url: str | None = None
    picture_url: str | None = None


@dataclass(frozen=True)
class Customization:
    """One row of ``email_templates``, detached from any session."""

    template: str
    enabled: bool = True
    body: str | None = None
    subject: str | None = None
    sender: str | None = None
    result_url: str | None = None
    url_lifetime_in_seconds: int | None = None
    include_email_in_redirect: bool = False

    @classmethod
    def of(cls, row: EmailTemplate) -> Customization:
        return cls(
            template=row.template,
            enabled=row.enabled,
            body=row.body,
            subject=row.subject,
            sender=row.sender,
            result_url=row.result_url,
            url_lifetime_in_seconds=row.url_lifetime_in_seconds,
            include_email_in_redirect=row.include_email_in_redirect,
        )


@dataclass(frozen=True)
class MailConfig:
    tenant: TenantView
    locales: tuple[str, ...]
    customizations: Mapping[str, Customization] = field(default_factory=dict)
    has_provider: bool = False
    """An enabled provider of the tenant's own."""
    provider_from: str | None = None


async def load_config(session: AsyncSession, tenants: TenantService, tenant_id: str) -> MailConfig:
    row = await tenants.get(session, tenant_id)
    settings = TenantSettings.model_validate(row.settings)
    provider = await repository.provider(session, tenant_id)
    enabled = provider is not None and provider.enabled
    return MailConfig(
        tenant=TenantView(
            id=row.id,
            name=row.name,
            friendly_name=settings.friendly_name or row.name,
            support_email=settings.support_email,
            support_url=settings.support_url,
            picture_url=settings.picture_url,
        ),
        locales=tuple(settings.enabled_locales),
        customizations={
            custom.template: Customization.of(custom)
            for custom in await repository.templates_of(session, tenant_id)
        },
        has_provider=enabled,
        provider_from=provider.default_from_address if provider is not None and enabled else None,
    )
