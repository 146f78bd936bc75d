"""``PromptService``: ``/api/v2/prompts`` and ``/api/v2/prompts/{prompt}/custom-text/{language}``.

Sources: https://auth0.com/docs/api/management/v2/prompts/get-prompts (settings: Auth0's
defaults are ``universal_login_experience: "new"`` and both flags ``false``; ``classic`` is
stored for compatibility but the hosted pages are always Authgate's own) and
https://auth0.com/docs/api/management/v2/prompts/put-custom-text-by-language (the body replaces
the texts of that prompt and language; a prompt or language outside Auth0's lists is refused
with a path validation error, 400 ``invalid_uri``; nothing customized reads as ``{}``).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from authgate.branding import repository
from authgate.branding.schemas import PROMPT_DEFAULTS, PROMPT_NAMES, PromptSettingsPatch
from authgate.config.cache import ConfigCache
from authgate.core.clock import Clock
from authgate.core.errors import Invalid
from authgate.tenants.schemas import SUPPORTED_LOCALES

Texts = Mapping[str, Mapping[str, str]]
_EMPTY: Texts = MappingProxyType({})


def check_path(prompt: str, language: str) -> None:
    """Auth0's path validation of ``prompt`` and ``language``."""
    for name, value, allowed, meaning in (
        ("prompt", prompt, PROMPT_NAMES, "Name of the prompt"),
        ("language", language, SUPPORTED_LOCALES, "Language to update"),
    ):
        if value not in allowed:
            raise Invalid(
                f"Path validation error: 'No enum match for: \"{value[:64]}\"' "
                f"on property {name} ({meaning}).",
                error_code="invalid_uri",
            )


def _frozen(texts: Mapping[str, Any]) -> Texts:
    return MappingProxyType(
        {screen: MappingProxyType(dict(keys)) for screen, keys in texts.items()}
    )


class PromptService:
    def __init__(self, cache: ConfigCache, clock: Clock) -> None:
        self._cache = cache
        self._clock = clock

    async def settings(self, session: AsyncSession, tenant_id: str) -> dict[str, Any]:
        row = await repository.branding(session, tenant_id)
        return {**PROMPT_DEFAULTS, **(row.prompts if row is not None else {})}

    async def update(
        self, session: AsyncSession, tenant_id: str, patch: PromptSettingsPatch
    ) -> dict[str, Any]:
        now = self._clock.now()
        row = await repository.locked(session, tenant_id, now)
        stored = dict(row.prompts)
        for name in patch.model_fields_set:
            value = getattr(patch, name)
            if value is None:
                stored.pop(name, None)
            else:
                stored[name] = value
        row.prompts = stored
        row.updated_at = now
        await session.flush()
        await self._cache.changed(session)
        return {**PROMPT_DEFAULTS, **stored}

    async def custom_text(
        self, session: AsyncSession, tenant_id: str, prompt: str, language: str
    ) -> dict[str, Any]:
        check_path(prompt, language)
        row = await repository.prompt_text(session, tenant_id, prompt, language)
        return dict(row.texts) if row is not None else {}

    async def set_custom_text(
        self,
        session: AsyncSession,
        tenant_id: str,
        prompt: str,
        language: str,
        texts: dict[str, dict[str, str]],
    ) -> dict[str, dict[str, str]]:
        check_path(prompt, language)
        kept = {screen: keys for screen, keys in texts.items() if keys}
        await repository.save_prompt_text(
            session, tenant_id, prompt=prompt, language=language, texts=kept, now=self._clock.now()
        )
        await self._cache.changed(session)
        return kept

    async def texts(self, tenant_id: str, prompt: str, language: str) -> Texts:
        """From the configuration cache; ``{}`` when nothing is customized."""

        async def load(session: AsyncSession) -> Texts:
            row = await repository.prompt_text(session, tenant_id, prompt, language)
            return _frozen(row.texts) if row is not None else _EMPTY

        return await self._cache.get(("prompt-texts", tenant_id, prompt, language), load)

    async def current(self, tenant_id: str) -> Mapping[str, Any]:
        """The prompt settings (``identifier_first``, ...) from the configuration cache."""

        async def load(session: AsyncSession) -> Mapping[str, Any]:
            return MappingProxyType(await self.settings(session, tenant_id))

        return await self._cache.get(("prompt-settings", tenant_id), load)
