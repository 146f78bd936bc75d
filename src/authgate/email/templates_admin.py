"""``/api/v2/email-templates``: a tenant's customizations of its mails.

A template is identified by its Auth0 name. ``POST`` creates a customization (409 when one
exists), ``PUT`` replaces it (creating it if needed), ``PATCH`` changes the fields sent. Liquid
in ``body``, ``subject`` and ``from`` is compiled on write, so a syntax error is refused with
the field it is in rather than discovered when a mail is due.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from authgate.config.cache import ConfigCache
from authgate.core.clock import Clock
from authgate.core.errors import Conflict, Invalid, NotFound
from authgate.email import liquid, repository
from authgate.email.models import EmailTemplate
from authgate.email.schemas import TEMPLATE_NAMES, TemplateBody, TemplatePatch

_LIQUID_FIELDS = (("body", "body"), ("subject", "subject"), ("sender", "from"))
_WIRE_NAMES = {
    "body": "body",
    "sender": "from",
    "subject": "subject",
    "syntax": "syntax",
    "result_url": "resultUrl",
    "url_lifetime_in_seconds": "urlLifetimeInSeconds",
    "include_email_in_redirect": "includeEmailInRedirect",
    "enabled": "enabled",
}


def template_to_wire(row: EmailTemplate) -> dict[str, Any]:
    """Auth0's shape; fields that were never set are left out."""
    body: dict[str, Any] = {"template": row.template}
    for attribute, wire in _WIRE_NAMES.items():
        value = getattr(row, attribute)
        if value is not None:
            body[wire] = value
    return body


def check_name(name: str) -> str:
    if name not in TEMPLATE_NAMES:
        raise Invalid(
            f"Path validation error: 'must be one of {', '.join(TEMPLATE_NAMES)}' "
            "on property templateName.",
            error_code="invalid_uri",
        )
    return name


def _check_liquid(values: dict[str, Any]) -> None:
    for attribute, wire in _LIQUID_FIELDS:
        source = values.get(attribute)
        if isinstance(source, str) and (problem := liquid.syntax_error(source)) is not None:
            raise Invalid(f"Payload validation error: '{problem}' on property {wire}.")


def _same_template(name: str, template: str | None) -> None:
    if template is not None and template != name:
        raise Invalid(
            "Payload validation error: 'must match the template name of the path' "
            "on property template."
        )


class TemplateAdmin:
    def __init__(self, clock: Clock, cache: ConfigCache) -> None:
        self._clock = clock
        self._cache = cache

    async def get(self, session: AsyncSession, tenant_id: str, name: str) -> EmailTemplate:
        row = await repository.template(session, tenant_id, check_name(name))
        if row is None:
            raise NotFound(f"Template {name} not found.")
        return row

    async def create(
        self, session: AsyncSession, tenant_id: str, body: TemplateBody
    ) -> EmailTemplate:
        if await repository.template(session, tenant_id, body.template) is not None:
            raise Conflict(f"Template {body.template} already exists.")
        return await self._insert(session, tenant_id, body)

    async def replace(
        self, session: AsyncSession, tenant_id: str, name: str, body: TemplateBody
    ) -> EmailTemplate:
        _same_template(check_name(name), body.template)
        row = await repository.template(session, tenant_id, name)
        if row is None:
            return await self._insert(session, tenant_id, body)
        values = body.model_dump(exclude={"template"})
        _check_liquid(values)
        await self._assign(session, row, values)
        return row

    async def update(
        self, session: AsyncSession, tenant_id: str, name: str, patch: TemplatePatch
    ) -> EmailTemplate:
        _same_template(name, patch.template)
        row = await self.get(session, tenant_id, name)
        values = patch.model_dump(include=patch.model_fields_set, exclude={"template"})
        for required in ("syntax", "include_email_in_redirect", "enabled"):
            if required in values and values[required] is None:
                wire = _WIRE_NAMES[required]
                raise Invalid(f"Payload validation error: 'must not be null' on property {wire}.")
        _check_liquid(values)
        await self._assign(session, row, values)
        return row

    async def _insert(
        self, session: AsyncSession, tenant_id: str, body: TemplateBody
    ) -> EmailTemplate:
        values = body.model_dump(exclude={"template"})
        _check_liquid(values)
        now = self._clock.now()
        row = EmailTemplate(
            tenant_id=tenant_id, template=body.template, created_at=now, updated_at=now, **values
        )
        try:
            await repository.add(session, row)
        except IntegrityError as exc:
            raise Conflict(f"Template {body.template} already exists.") from exc
        await self._cache.changed(session)
        return row

    async def _assign(
        self, session: AsyncSession, row: EmailTemplate, values: dict[str, Any]
    ) -> None:
        for attribute, value in values.items():
            setattr(row, attribute, value)
        row.updated_at = self._clock.now()
        await session.flush()
        await self._cache.changed(session)
