"""``BotDefense``: whether a flow gets a challenge, the challenge's widget, and its verdict.

The flows are Auth0's: ``password`` (the login and signup pages, and the password grants, which
cannot show a challenge and answer ``requires_verification``) and ``password_reset``. Settings
are the tenant's ``bot-detection`` and ``captcha`` documents (``protection.service``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
from markupsafe import Markup

from authgate.captcha import pow as proof
from authgate.captcha.providers import PROVIDERS, verify
from authgate.captcha.risk import Signals, Velocity, score, should_challenge
from authgate.captcha.schemas import SECRET_FIELDS
from authgate.core.clock import Clock
from authgate.core.secretbox import DecryptionError, SecretBox
from authgate.protection.service import ProtectionSettings, allowlisted
from authgate.protection.settings import BOT_DETECTION, CAPTCHA, PRE_LOGIN, SUSPICIOUS_IP
from authgate.protection.store import ProtectionStore
from authgate.protection.throttle import bucket_key

log = logging.getLogger("authgate.captcha")
POW_FIELD = "captcha"
SEALED = "sealed:"
POW_SCRIPT = "/u/static/captcha-pow.js"


@dataclass(frozen=True)
class Widget:
    html: Markup
    sources: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


class BotDefense:
    def __init__(
        self,
        *,
        settings: ProtectionSettings,
        store: ProtectionStore,
        challenges: SecretBox,
        secrets: SecretBox,
        http: httpx.AsyncClient,
        clock: Clock,
        verify_urls: Mapping[str, str] | None = None,
        difficulty: int = proof.DEFAULT_DIFFICULTY,
    ) -> None:
        self._settings = settings
        self._store = store
        self._challenges = challenges
        self._secrets = secrets
        self._http = http
        self._clock = clock
        self._verify_urls = dict(verify_urls or {})
        self._difficulty = difficulty
        self._velocity = Velocity()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def needed(
        self, tenant_id: str, flow: str, ip: str | None, headers: Mapping[str, str]
    ) -> bool:
        """Whether this request of ``flow`` must pass a challenge (counts its velocity)."""
        config = await self._settings.document(tenant_id, BOT_DETECTION)
        policy = config[f"challenge_{flow}_policy"]
        if policy == "never" or allowlisted(ip, config["allowlist"]):
            return False
        recent = self._velocity.hit(f"{tenant_id}:{ip}") if ip else 0
        failed = await self._failed_logins(tenant_id, ip) if policy == "when_risky" else 0
        signals = Signals.of(headers, failed, recent)
        challenge = should_challenge(policy, config["bot_detection_level"], signals)
        if challenge and config["monitoring_mode_enabled"]:
            # Auth0's monitoring mode: report what would have been challenged, challenge nothing
            report = {"event": "bot_detection_monitored", "tenant_id": tenant_id, "flow": flow}
            log.info({**report, "ip": ip, "score": score(signals)})
            return False
        return challenge

    async def widget(self, tenant_id: str, binding: str) -> Widget:
        config = await self._settings.document(tenant_id, CAPTCHA)
        active = config["active_provider_id"]
        provider = PROVIDERS.get(active)
        if provider is None:
            challenge = proof.issue(
                self._challenges,
                tenant_id,
                binding,
                now=self._clock.time(),
                difficulty=self._difficulty,
            )
            return Widget(
                Markup(
                    '<div class="captcha" data-authgate-pow data-challenge="{}" '
                    'data-difficulty="{}"><input type="hidden" name="{}" value="">'
                    '<p class="captcha-status" role="status" aria-live="polite"></p></div>'
                    '<script src="{}" defer></script>'
                ).format(challenge, self._difficulty, POW_FIELD, POW_SCRIPT)
            )
        site_key = (config.get(active) or {}).get("site_key", "")
        html = Markup(
            '<div class="captcha {}" data-sitekey="{}"></div><script src="{}" async defer></script>'
        ).format(provider.widget_class, site_key, provider.script)
        return Widget(html, provider.sources)

    async def passes(
        self, tenant_id: str, binding: str, form: Mapping[str, str], ip: str | None
    ) -> bool:
        config = await self._settings.document(tenant_id, CAPTCHA)
        active = config["active_provider_id"]
        provider = PROVIDERS.get(active)
        if provider is None:
            return await self._proof_passes(tenant_id, binding, form.get(POW_FIELD, ""))
        settings = self._opened(tenant_id, active, config.get(active) or {})
        token = form.get(provider.field, "")
        url = self._verify_urls.get(active)
        return await verify(self._http, provider, settings, token, ip, url=url)

    def seal(self, tenant_id: str, document: dict[str, Any]) -> dict[str, Any]:
        """``document`` with its provider secrets sealed for storage."""
        return {
            name: self._sealed(tenant_id, name, value) if isinstance(value, dict) else value
            for name, value in document.items()
        }

    def _sealed(self, tenant_id: str, name: str, config: dict[str, Any]) -> dict[str, Any]:
        sealed = dict(config)
        for key in SECRET_FIELDS:
            value = sealed.get(key)
            if isinstance(value, str) and not value.startswith(SEALED):
                context = f"{tenant_id}:{name}:{key}"
                sealed[key] = SEALED + self._secrets.seal(value.encode(), context)
        return sealed

    def _opened(self, tenant_id: str, name: str, config: Mapping[str, Any]) -> dict[str, Any]:
        opened = dict(config)
        for key in SECRET_FIELDS:
            value = opened.get(key)
            if isinstance(value, str) and value.startswith(SEALED):
                try:
                    context = f"{tenant_id}:{name}:{key}"
                    opened[key] = self._secrets.open(value[len(SEALED) :], context).decode()
                except DecryptionError:
                    opened[key] = ""
        return opened

    async def _proof_passes(self, tenant_id: str, binding: str, answer: str) -> bool:
        challenge, _, counter = answer.rpartition(".")
        opened = proof.open_challenge(self._challenges, challenge, tenant_id, binding)
        if opened is None or opened.expires_at < self._clock.time():
            return False
        if not proof.works(challenge, counter, opened.difficulty):
            return False
        spent = await self._store.take(
            tenant_id,
            f"pow:{opened.id}",
            capacity=1,
            interval_ms=proof.LIFETIME_SECONDS * 1000,
            now_ms=int(self._clock.time() * 1000),
        )
        return spent.allowed

    async def _failed_logins(self, tenant_id: str, ip: str | None) -> int:
        if not ip:
            return 0
        throttle = await self._settings.document(tenant_id, SUSPICIOUS_IP)
        stage = throttle["stage"][PRE_LOGIN]
        spent = await self._store.spent(
            tenant_id,
            bucket_key(PRE_LOGIN, ip),
            interval_ms=int(stage["rate"]),
            now_ms=int(self._clock.time() * 1000),
        )
        return int(spent)
