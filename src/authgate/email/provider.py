"""``/api/v2/emails/provider``: a tenant's own SMTP server.

Only Auth0's ``smtp`` provider is implemented. The password is sealed with
``authgate.core.secretbox`` under the ``email-provider`` purpose and bound to the tenant; like
Auth0, no response ever carries it (``credentials`` shows ``smtp_host``, ``smtp_port`` and
``smtp_user`` only).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from authgate.config.cache import ConfigCache
from authgate.core.clock import Clock
from authgate.core.errors import Conflict, Invalid, NotFound
from authgate.core.secretbox import SecretBox
from authgate.email import repository
from authgate.email.models import EmailProvider
from authgate.email.schemas import ProviderCreate, ProviderPatch


def provider_to_wire(row: EmailProvider) -> dict[str, Any]:
    credentials: dict[str, Any] = {"smtp_host": row.smtp_host, "smtp_port": row.smtp_port}
    if row.smtp_user is not None:
        credentials["smtp_user"] = row.smtp_user
    body: dict[str, Any] = {"name": row.name, "enabled": row.enabled}
    if row.default_from_address is not None:
        body["default_from_address"] = row.default_from_address
    body["credentials"] = credentials
    body["settings"] = row.settings
    return body


def _context(tenant_id: str) -> str:
    return f"email-provider:{tenant_id}"


class ProviderAdmin:
    def __init__(self, clock: Clock, box: SecretBox, cache: ConfigCache) -> None:
        self._clock = clock
        self._box = box
        self._cache = cache

    def password(self, row: EmailProvider) -> str | None:
        if row.smtp_pass is None:
            return None
        return self._box.open(row.smtp_pass, _context(row.tenant_id)).decode()

    async def get(self, session: AsyncSession, tenant_id: str) -> EmailProvider:
        row = await repository.provider(session, tenant_id)
        if row is None:
            raise NotFound("No email provider is configured.")
        return row

    async def create(
        self, session: AsyncSession, tenant_id: str, body: ProviderCreate
    ) -> EmailProvider:
        if await repository.provider(session, tenant_id) is not None:
            raise Conflict("An email provider is already configured.")
        credentials = body.credentials
        password = credentials.smtp_pass.get_secret_value() if credentials.smtp_pass else None
        _check_login(credentials.smtp_user, password)
        now = self._clock.now()
        row = EmailProvider(
            tenant_id=tenant_id,
            name=body.name,
            enabled=body.enabled,
            default_from_address=body.default_from_address,
            smtp_host=credentials.smtp_host,
            smtp_port=credentials.smtp_port,
            smtp_user=credentials.smtp_user,
            smtp_pass=self._seal(tenant_id, password),
            settings=body.settings.model_dump(exclude_defaults=True),
            created_at=now,
            updated_at=now,
        )
        try:
            await repository.add(session, row)
        except IntegrityError as exc:
            raise Conflict("An email provider is already configured.") from exc
        await self._cache.changed(session)
        return row

    async def update(
        self, session: AsyncSession, tenant_id: str, patch: ProviderPatch
    ) -> EmailProvider:
        row = await self.get(session, tenant_id)
        sent = patch.model_fields_set
        for field in ("name", "enabled"):
            if field in sent:
                value = getattr(patch, field)
                if value is None:
                    raise Invalid(
                        f"Payload validation error: 'must not be null' on property {field}."
                    )
                setattr(row, field, value)
        if "default_from_address" in sent:
            row.default_from_address = patch.default_from_address
        if "settings" in sent:
            row.settings = (
                patch.settings.model_dump(exclude_defaults=True) if patch.settings else {}
            )
        if patch.credentials is not None:
            self._merge_credentials(row, patch)
        row.updated_at = self._clock.now()
        await session.flush()
        await self._cache.changed(session)
        return row

    async def delete(self, session: AsyncSession, tenant_id: str) -> None:
        await repository.remove(session, await self.get(session, tenant_id))
        await self._cache.changed(session)

    def _merge_credentials(self, row: EmailProvider, patch: ProviderPatch) -> None:
        assert patch.credentials is not None
        given = patch.credentials
        sent = given.model_fields_set
        if given.smtp_host is not None:
            row.smtp_host = given.smtp_host
        if given.smtp_port is not None:
            row.smtp_port = given.smtp_port
        if "smtp_user" in sent:
            row.smtp_user = given.smtp_user
        if "smtp_pass" in sent:
            password = given.smtp_pass.get_secret_value() if given.smtp_pass else None
            row.smtp_pass = self._seal(row.tenant_id, password)
        _check_login(row.smtp_user, self.password(row))

    def _seal(self, tenant_id: str, password: str | None) -> str | None:
        if password is None:
            return None
        return self._box.seal(password.encode(), _context(tenant_id))


def _check_login(user: str | None, password: str | None) -> None:
    if (user is None) != (password is None):
        missing = "smtp_pass" if password is None else "smtp_user"
        raise Invalid(
            "Payload validation error: 'smtp_user and smtp_pass go together' "
            f"on property credentials.{missing}."
        )
