"""``EmailService``: what the rest of Authgate calls to send mail.

``enqueue(session, tenant_id=..., template=..., to=..., locales=[...], context={...})`` renders
a message in the recipient's language and stores it in the caller's transaction; it returns
the message id, or ``None`` when the tenant disabled that mail (or the address cannot receive
mail). On a warm configuration cache it reads nothing and writes one row; delivery happens
after the commit, never in the request (``outbox.py``). ``template_settings(tenant_id,
template)`` tells a flow the tenant's ``resultUrl``, link lifetime and whether the mail is
enabled.

Transport, chosen per message when it is sent: the tenant's enabled provider
(``/api/v2/emails/provider``), else ``AUTHGATE_SMTP_URL``, else none: then the message is kept
with status ``outbox`` for ``authgate outbox``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.ext.asyncio import AsyncSession

from authgate.config.cache import ConfigCache
from authgate.core.clock import Clock
from authgate.core.randomness import prefixed_id
from authgate.core.secretbox import SecretBox
from authgate.db import Database, after_commit
from authgate.email import compose, outbox, repository
from authgate.email.config import MailConfig, load_config
from authgate.email.i18n import choose_locale
from authgate.email.message import message_domain, valid_address
from authgate.email.models import EmailMessage
from authgate.email.outbox import Deliverer, Route
from authgate.email.provider import ProviderAdmin
from authgate.email.rendering import RenderedMail
from authgate.email.smtp import SmtpTarget, parse_smtp_url, provider_target
from authgate.email.templates_admin import TemplateAdmin
from authgate.tenants.service import TenantService

log = logging.getLogger("authgate.email")
DEFAULT_POLL_SECONDS = 5.0


@dataclass(frozen=True)
class TemplateSettings:
    """A tenant's choices for one mail (Auth0 defaults when it never customized it)."""

    enabled: bool = True
    result_url: str | None = None
    url_lifetime_in_seconds: int | None = None
    include_email_in_redirect: bool = False


@dataclass(frozen=True)
class StoredMessage:
    """A message as ``authgate outbox`` shows it."""

    id: str
    tenant_id: str
    template: str
    locale: str
    status: str
    sender: str
    recipient: str
    attempts: int
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None
    mail: RenderedMail


class EmailService:
    def __init__(
        self,
        db: Database,
        tenants: TenantService,
        cache: ConfigCache,
        clock: Clock,
        *,
        message_box: SecretBox,
        provider_box: SecretBox,
        smtp_url: str | None,
        issuer: str,
        poll_seconds: float = DEFAULT_POLL_SECONDS,
    ) -> None:
        self._tenants = tenants
        self._cache = cache
        self._clock = clock
        self._box = message_box
        self._server: SmtpTarget | None = parse_smtp_url(smtp_url) if smtp_url else None
        self._issuer_host = urlsplit(issuer).hostname or "localhost"
        self.templates = TemplateAdmin(clock, cache)
        self.provider = ProviderAdmin(clock, provider_box, cache)
        self.outbox = Deliverer(
            db,
            clock,
            message_box,
            self._route,
            domain=message_domain(self._issuer_host),
            poll_seconds=poll_seconds,
        )

    # -- sending ---------------------------------------------------------------------------

    async def enqueue(
        self,
        session: AsyncSession,
        *,
        tenant_id: str,
        template: str,
        to: str,
        locales: Iterable[str | None] = (),
        context: Mapping[str, Any] | None = None,
    ) -> str | None:
        """Render ``template`` for ``to`` and store it in ``session``'s transaction."""
        if not valid_address(to):
            log.warning(_event("email_not_queued", tenant_id, template, "invalid recipient"))
            return None
        mail_config = await self.config(tenant_id)
        custom = mail_config.customizations.get(template)
        if custom is not None and not custom.enabled:
            return None
        tenant = mail_config.tenant
        locale = choose_locale(locales, mail_config.locales)
        raw = context or {}
        mail = compose.compose(template, locale, tenant, raw, custom)
        routed = mail_config.has_provider or self._server is not None
        default_from = mail_config.provider_from or self._default_from()
        message_id = await self._store(
            session,
            tenant_id,
            template=template,
            locale=locale,
            sender=compose.sender(tenant, locale, raw, custom, default_from),
            recipient=to,
            mail=mail,
            routed=routed,
        )
        if routed:
            after_commit(session, lambda: self._kick(message_id))
        status = "pending" if routed else "outbox"
        log.info({**_event("email_queued", tenant_id, template, status), "message_id": message_id})
        return message_id

    async def config(self, tenant_id: str) -> MailConfig:
        """The tenant's mail configuration, from the configuration cache."""

        async def load(session: AsyncSession) -> MailConfig:
            return await load_config(session, self._tenants, tenant_id)

        return await self._cache.get(("email", tenant_id), load)

    async def template_settings(self, tenant_id: str, template: str) -> TemplateSettings:
        custom = (await self.config(tenant_id)).customizations.get(template)
        if custom is None:
            return TemplateSettings()
        return TemplateSettings(
            enabled=custom.enabled,
            result_url=custom.result_url,
            url_lifetime_in_seconds=custom.url_lifetime_in_seconds,
            include_email_in_redirect=custom.include_email_in_redirect,
        )

    async def is_enabled(self, tenant_id: str, template: str) -> bool:
        return (await self.template_settings(tenant_id, template)).enabled

    # -- the outbox ------------------------------------------------------------------------

    async def deliver_due(self) -> int:
        return await self.outbox.deliver_due()

    async def messages(
        self, session: AsyncSession, *, to: str | None = None, limit: int = 20
    ) -> list[StoredMessage]:
        rows = await repository.recent(session, recipient=to, limit=limit)
        return [self._stored(row) for row in rows]

    async def message(self, session: AsyncSession, message_id: str) -> StoredMessage | None:
        row = await repository.message(session, message_id)
        return self._stored(row) if row is not None else None

    def start(self) -> None:
        self.outbox.start()

    async def stop(self) -> None:
        await self.outbox.stop()

    # -- internals -------------------------------------------------------------------------

    async def _kick(self, message_id: str) -> None:
        self.outbox.kick(message_id)

    def _default_from(self) -> str:
        if self._server is not None and self._server.from_address:
            return self._server.from_address
        return f"no-reply@{self._issuer_host}"

    async def _store(
        self,
        session: AsyncSession,
        tenant_id: str,
        *,
        template: str,
        locale: str,
        sender: str,
        recipient: str,
        mail: RenderedMail,
        routed: bool,
    ) -> str:
        now = self._clock.now()
        message_id = prefixed_id("msg", 24)
        await repository.add(
            session,
            EmailMessage(
                id=message_id,
                tenant_id=tenant_id,
                template=template,
                locale=locale,
                sender=sender,
                recipient=recipient,
                content=outbox.seal(self._box, message_id, mail),
                status="pending" if routed else "outbox",
                attempts=0,
                next_attempt_at=now,
                created_at=now,
                updated_at=now,
            ),
        )
        return message_id

    async def _route(self, session: AsyncSession, tenant_id: str) -> Route | None:
        row = await repository.provider(session, tenant_id)
        if row is not None and row.enabled:
            target = provider_target(
                row.smtp_host,
                row.smtp_port,
                row.smtp_user,
                self.provider.password(row),
                row.default_from_address,
            )
            return Route(target=target, headers=dict(row.settings.get("headers") or {}))
        return Route(target=self._server) if self._server is not None else None

    def _stored(self, row: EmailMessage) -> StoredMessage:
        return StoredMessage(
            id=row.id,
            tenant_id=row.tenant_id,
            template=row.template,
            locale=row.locale,
            status=row.status,
            sender=row.sender,
            recipient=row.recipient,
            attempts=row.attempts,
            last_error=row.last_error,
            created_at=row.created_at,
            sent_at=row.sent_at,
            mail=outbox.unseal(self._box, row.id, row.content),
        )


def _event(name: str, tenant_id: str, template: str, detail: str) -> dict[str, str]:
    """A log record about a mail: never its recipient, content or links."""
    return {"event": name, "tenant_id": tenant_id, "template": template, "detail": detail}
