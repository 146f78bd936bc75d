"""``BrandingService``: a tenant's branding for the Management API and the hosted pages.

Management API (https://auth0.com/docs/api/management/v2/branding/get-branding and the pages
next to it): ``settings``/``update`` for ``/branding``, ``template``/``set_template``/
``delete_template`` for ``/branding/templates/universal-login``; ``prompts`` (``PromptService``)
for ``/prompts`` and custom text. Every write calls ``ConfigCache.changed`` in its transaction.

Hosted pages, on every render and without a database round trip on a warm cache:
``view(tenant_id)`` (colors, logo, favicon, font, page template) and ``texts(tenant_id, prompt,
language)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from authgate.branding import repository
from authgate.branding.page_template import PageTemplateError, compile_template
from authgate.branding.prompts import PromptService
from authgate.branding.schemas import BrandingPatch, apply_patch
from authgate.branding.view import DEFAULT_VIEW, BrandingView, view_of
from authgate.config.cache import ConfigCache
from authgate.core.clock import Clock
from authgate.core.errors import Invalid, NotFound

TEMPLATE_MISSING = "Template does not exist."


class BrandingService:
    def __init__(self, cache: ConfigCache, clock: Clock) -> None:
        self._cache = cache
        self._clock = clock
        self.prompts = PromptService(cache, clock)

    # -- /api/v2/branding ------------------------------------------------------------------

    async def settings(self, session: AsyncSession, tenant_id: str) -> dict[str, Any]:
        row = await repository.branding(session, tenant_id)
        return dict(row.settings) if row is not None else {}

    async def update(
        self, session: AsyncSession, tenant_id: str, patch: BrandingPatch
    ) -> dict[str, Any]:
        now = self._clock.now()
        row = await repository.locked(session, tenant_id, now)
        row.settings = apply_patch(dict(row.settings), patch)
        row.updated_at = now
        await session.flush()
        await self._cache.changed(session)
        return dict(row.settings)

    # -- /api/v2/branding/templates/universal-login ----------------------------------------

    async def template(self, session: AsyncSession, tenant_id: str) -> str:
        row = await repository.branding(session, tenant_id)
        if row is None or row.universal_login_template is None:
            raise NotFound(TEMPLATE_MISSING)
        return row.universal_login_template

    async def set_template(self, session: AsyncSession, tenant_id: str, template: str) -> bool:
        """Store ``template``; True when the tenant had none before (Auth0 answers 201)."""
        try:
            compile_template(template)
        except PageTemplateError as exc:
            raise Invalid(str(exc)) from exc
        now = self._clock.now()
        row = await repository.locked(session, tenant_id, now)
        created = row.universal_login_template is None
        row.universal_login_template = template
        row.updated_at = now
        await session.flush()
        await self._cache.changed(session)
        return created

    async def delete_template(self, session: AsyncSession, tenant_id: str) -> None:
        row = await repository.branding(session, tenant_id)
        if row is None or row.universal_login_template is None:
            return
        row.universal_login_template = None
        row.updated_at = self._clock.now()
        await session.flush()
        await self._cache.changed(session)

    # -- hosted pages ----------------------------------------------------------------------

    async def view(self, tenant_id: str) -> BrandingView:
        """The branding the pages render, from the configuration cache."""

        async def load(session: AsyncSession) -> BrandingView:
            row = await repository.branding(session, tenant_id)
            if row is None:
                return DEFAULT_VIEW
            return view_of(row.settings, row.universal_login_template)

        return await self._cache.get(("branding", tenant_id), load)

    async def texts(
        self, tenant_id: str, prompt: str, language: str
    ) -> Mapping[str, Mapping[str, str]]:
        """The tenant's custom texts of ``prompt`` in ``language``: ``{screen: {key: text}}``."""
        return await self.prompts.texts(tenant_id, prompt, language)
