"""``/api/v2/attack-protection/bot-detection`` and ``/api/v2/attack-protection/captcha``.

Sources: https://auth0.com/docs/api/management/v2/attack-protection/patch-bot-detection and
.../patch-captcha (reference §2.2). Provider secrets and API keys are write-only: they are
sealed at rest (``SecretBox``) and never returned. ``turnstile`` is an Authgate addition;
``arkose`` and ``simple_captcha`` are Auth0 providers Authgate does not offer.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from authgate.protection.networks import Allowlist

Policy = Literal["never", "when_risky", "always"]
Provider = Literal[
    "auth_challenge",
    "recaptcha_v2",
    "recaptcha_enterprise",
    "hcaptcha",
    "friendly_captcha",
    "turnstile",
]
SECRET_FIELDS = ("secret", "api_key")
Key = Annotated[str, Field(min_length=1, max_length=512)]


class _Patch(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class BotDetectionPatch(_Patch):
    bot_detection_level: Literal["low", "medium", "high"] | None = None
    challenge_password_policy: Policy | None = None
    challenge_passwordless_policy: Policy | None = None
    challenge_password_reset_policy: Policy | None = None
    allowlist: Allowlist | None = None
    monitoring_mode_enabled: bool | None = None


class AuthChallenge(_Patch):
    fail_open: bool | None = None


class SiteSecret(_Patch):
    site_key: Key | None = None
    secret: Key | None = None
    fail_open: bool | None = None


class RecaptchaEnterprise(_Patch):
    site_key: Key | None = None
    api_key: Key | None = None
    project_id: Key | None = None
    fail_open: bool | None = None


class CaptchaPatch(_Patch):
    active_provider_id: Provider | None = None
    auth_challenge: AuthChallenge | None = None
    recaptcha_v2: SiteSecret | None = None
    recaptcha_enterprise: RecaptchaEnterprise | None = None
    hcaptcha: SiteSecret | None = None
    friendly_captcha: SiteSecret | None = None
    turnstile: SiteSecret | None = None


BOT_DETECTION_DEFAULTS: dict[str, Any] = {
    "bot_detection_level": "medium",
    "challenge_password_policy": "never",
    "challenge_passwordless_policy": "never",
    "challenge_password_reset_policy": "never",
    "allowlist": [],
    "monitoring_mode_enabled": False,
}
CAPTCHA_DEFAULTS: dict[str, Any] = {
    "active_provider_id": "auth_challenge",
    "auth_challenge": {"fail_open": False},
}


def public_captcha(document: dict[str, Any]) -> dict[str, Any]:
    """The captcha document without its secrets (as GET answers it)."""
    return {
        key: (
            {name: item for name, item in value.items() if name not in SECRET_FIELDS}
            if isinstance(value, dict)
            else value
        )
        for key, value in document.items()
    }
