"""Third-party CAPTCHA providers, registered by their Auth0 wire name; each verifies the token
its widget posted through the provider's server-side API (httpx), and describes its widget.

- ``recaptcha_v2``: https://developers.google.com/recaptcha/docs/verify (form ``secret``,
  ``response``, ``remoteip`` -> ``{"success": bool}``);
- ``recaptcha_enterprise``: https://cloud.google.com/recaptcha/docs/create-assessment-website
  (``POST /v1/projects/{project}/assessments?key=`` with ``{"event": {"token", "siteKey"}}``
  -> ``tokenProperties.valid`` and ``riskAnalysis.score``, refused under 0.5);
- ``hcaptcha``: https://docs.hcaptcha.com/#verify-the-user-response-server-side (form
  ``secret``, ``response``, ``remoteip``, ``sitekey``);
- ``turnstile``: https://developers.cloudflare.com/turnstile/get-started/server-side-validation/
  (form ``secret``, ``response``, ``remoteip``);
- ``friendly_captcha``: https://developer.friendlycaptcha.com/docs/v2/api/siteverify (JSON
  ``response``, ``sitekey``, header ``X-API-Key``).

A definite "no" always fails. When the provider cannot be reached or answers nonsense, the
provider's ``fail_open`` decides. Tokens and secrets are never logged.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

log = logging.getLogger("authgate.captcha")
SCORE_THRESHOLD = 0.5


@dataclass(frozen=True)
class Provider:
    name: str
    verify_url: str
    field: str
    """The form field the widget posts its token in."""
    script: str
    widget_class: str
    sources: Mapping[str, tuple[str, ...]]
    """Content-Security-Policy sources the page must allow, by directive."""

    def request(self, config: Mapping[str, Any], token: str, ip: str | None) -> dict[str, Any]:
        form = {"secret": config.get("secret", ""), "response": token}
        if ip:
            form["remoteip"] = ip
        return {"data": form}

    def passed(self, answer: Mapping[str, Any]) -> bool:
        return answer.get("success") is True


class HCaptcha(Provider):
    def request(self, config: Mapping[str, Any], token: str, ip: str | None) -> dict[str, Any]:
        sent = super().request(config, token, ip)
        sent["data"]["sitekey"] = config.get("site_key", "")
        return sent


class RecaptchaEnterprise(Provider):
    def request(self, config: Mapping[str, Any], token: str, ip: str | None) -> dict[str, Any]:
        event = {"token": token, "siteKey": config.get("site_key", "")}
        if ip:
            event["userIpAddress"] = ip
        return {
            "url": self.verify_url.format(project=config.get("project_id", "")),
            "params": {"key": config.get("api_key", "")},
            "json": {"event": event},
        }

    def passed(self, answer: Mapping[str, Any]) -> bool:
        valid = (answer.get("tokenProperties") or {}).get("valid") is True
        score = (answer.get("riskAnalysis") or {}).get("score")
        return valid and isinstance(score, int | float) and score >= SCORE_THRESHOLD


class FriendlyCaptcha(Provider):
    def request(self, config: Mapping[str, Any], token: str, ip: str | None) -> dict[str, Any]:
        return {
            "json": {"response": token, "sitekey": config.get("site_key", "")},
            "headers": {"X-API-Key": config.get("secret", "")},
        }


GOOGLE = ("https://www.google.com", "https://www.gstatic.com")
HCAPTCHA = ("https://hcaptcha.com", "https://*.hcaptcha.com")
CLOUDFLARE = ("https://challenges.cloudflare.com",)

PROVIDERS: dict[str, Provider] = {
    "recaptcha_v2": Provider(
        "recaptcha_v2",
        "https://www.google.com/recaptcha/api/siteverify",
        "g-recaptcha-response",
        "https://www.google.com/recaptcha/api.js",
        "g-recaptcha",
        {"script-src": GOOGLE, "frame-src": GOOGLE},
    ),
    "recaptcha_enterprise": RecaptchaEnterprise(
        "recaptcha_enterprise",
        "https://recaptchaenterprise.googleapis.com/v1/projects/{project}/assessments",
        "g-recaptcha-response",
        "https://www.google.com/recaptcha/enterprise.js",
        "g-recaptcha",
        {"script-src": GOOGLE, "frame-src": GOOGLE},
    ),
    "hcaptcha": HCaptcha(
        "hcaptcha",
        "https://api.hcaptcha.com/siteverify",
        "h-captcha-response",
        "https://js.hcaptcha.com/1/api.js",
        "h-captcha",
        {
            "script-src": HCAPTCHA,
            "frame-src": HCAPTCHA,
            "style-src": HCAPTCHA,
            "connect-src": HCAPTCHA,
        },
    ),
    "turnstile": Provider(
        "turnstile",
        "https://challenges.cloudflare.com/turnstile/v0/siteverify",
        "cf-turnstile-response",
        "https://challenges.cloudflare.com/turnstile/v0/api.js",
        "cf-turnstile",
        {"script-src": CLOUDFLARE, "frame-src": CLOUDFLARE},
    ),
    "friendly_captcha": FriendlyCaptcha(
        "friendly_captcha",
        "https://global.frcapi.com/api/v2/captcha/siteverify",
        "frc-captcha-response",
        "https://cdn.jsdelivr.net/npm/@friendlycaptcha/sdk@0.1.26/site.min.js",
        "frc-captcha",
        {
            "script-src": ("https://cdn.jsdelivr.net",),
            "connect-src": ("https://global.frcapi.com",),
            "worker-src": ("blob:",),
        },
    ),
}


async def verify(
    http: httpx.AsyncClient,
    provider: Provider,
    config: Mapping[str, Any],
    token: str,
    ip: str | None,
    *,
    url: str | None = None,
) -> bool:
    """Whether ``token`` passes; ``url`` replaces the provider's (a local fake in tests)."""
    if not token:
        return False
    sent = provider.request(config, token, ip)
    target = sent.pop("url", provider.verify_url)
    if url is not None:
        target = url
    try:
        response = await http.post(target, **sent)
        answer = response.json() if response.status_code < 500 else None
    except (httpx.HTTPError, ValueError):
        answer = None
    if not isinstance(answer, dict):
        log.warning({"event": "captcha_provider_unreachable", "provider": provider.name})
        return bool(config.get("fail_open", False))
    return provider.passed(answer)
