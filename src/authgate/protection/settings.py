"""The attack-protection settings documents of a tenant, in Auth0's wire shape, with defaults.

Sources: https://auth0.com/docs/api/management/v2/attack-protection/patch-brute-force-protection,
.../patch-suspicious-ip-throttling, .../patch-breached-password-detection (reference §2.2 and
§3.1). A PATCH changes the fields it sends; nested ``stage`` objects merge per stage.

``rate-limits`` is an Authgate addition (Auth0 fixes its limits per plan, reference §3.4): a
token bucket (``burst``, then one request per ``interval_ms``) per endpoint group of the
Authentication API and per client of the Management API, each of which can be turned off.
"""

from __future__ import annotations

import copy
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from authgate.captcha.schemas import BOT_DETECTION_DEFAULTS, CAPTCHA_DEFAULTS, BotDetectionPatch
from authgate.protection.networks import Allowlist

BRUTE_FORCE = "brute-force-protection"
SUSPICIOUS_IP = "suspicious-ip-throttling"
BREACHED_PASSWORD = "breached-password-detection"
BOT_DETECTION = "bot-detection"
CAPTCHA = "captcha"
RATE_LIMITS = "rate-limits"

PRE_LOGIN = "pre-login"
PRE_REGISTRATION = "pre-user-registration"
PRE_CHANGE_PASSWORD = "pre-change-password"


class _Patch(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class BruteForcePatch(_Patch):
    enabled: bool | None = None
    shields: list[Literal["block", "user_notification"]] | None = None
    allowlist: Allowlist | None = None
    mode: Literal["count_per_identifier_and_ip", "count_per_identifier"] | None = None
    max_attempts: Annotated[int, Field(ge=1, le=100)] | None = None


class ThrottleStage(_Patch):
    max_attempts: Annotated[int, Field(ge=1, le=100_000)] | None = None
    rate: Annotated[int, Field(ge=1, le=86_400_000)] | None = None


class ThrottleStages(_Patch):
    pre_login: ThrottleStage | None = Field(default=None, alias=PRE_LOGIN)
    pre_user_registration: ThrottleStage | None = Field(default=None, alias=PRE_REGISTRATION)


class SuspiciousIpPatch(_Patch):
    enabled: bool | None = None
    shields: list[Literal["block", "admin_notification"]] | None = None
    allowlist: Allowlist | None = None
    stage: ThrottleStages | None = None


class StageShields(_Patch):
    shields: list[Literal["block", "admin_notification"]] | None = None


class BreachedStages(_Patch):
    pre_user_registration: StageShields | None = Field(default=None, alias=PRE_REGISTRATION)
    pre_change_password: StageShields | None = Field(default=None, alias=PRE_CHANGE_PASSWORD)


class BreachedPasswordPatch(_Patch):
    enabled: bool | None = None
    shields: list[Literal["block", "user_notification", "admin_notification"]] | None = None
    admin_notification_frequency: (
        list[Literal["immediately", "daily", "weekly", "monthly"]] | None
    ) = None
    method: Literal["standard", "enhanced"] | None = None
    stage: BreachedStages | None = None


class Bucket(_Patch):
    enabled: bool | None = None
    burst: Annotated[int, Field(ge=1, le=1_000_000)] | None = None
    interval_ms: Annotated[int, Field(ge=1, le=86_400_000)] | None = None


class RateLimitGroups(_Patch):
    token: Bucket | None = None
    authorize: Bucket | None = None
    userinfo: Bucket | None = None
    dbconnections: Bucket | None = None
    change_password: Bucket | None = None
    revoke: Bucket | None = None
    jwks: Bucket | None = None
    management: Bucket | None = None


class RateLimitsPatch(_Patch):
    enabled: bool | None = None
    limits: RateLimitGroups | None = None


DEFAULTS: dict[str, dict[str, Any]] = {
    BRUTE_FORCE: {
        "enabled": True,
        "shields": ["block", "user_notification"],
        "mode": "count_per_identifier_and_ip",
        "allowlist": [],
        "max_attempts": 10,
    },
    SUSPICIOUS_IP: {
        "enabled": True,
        "shields": ["admin_notification", "block"],
        "allowlist": [],
        "stage": {
            PRE_LOGIN: {"max_attempts": 100, "rate": 864_000},
            PRE_REGISTRATION: {"max_attempts": 50, "rate": 1_200},
        },
    },
    BREACHED_PASSWORD: {
        "enabled": False,
        "shields": [],
        "admin_notification_frequency": [],
        "method": "standard",
        "stage": {
            PRE_REGISTRATION: {"shields": []},
            PRE_CHANGE_PASSWORD: {"shields": []},
        },
    },
    RATE_LIMITS: {
        "enabled": True,
        "limits": {
            # per client IP, except ``management`` (per Management API client)
            "token": {"enabled": True, "burst": 300, "interval_ms": 10},
            "authorize": {"enabled": True, "burst": 100, "interval_ms": 100},
            "userinfo": {"enabled": True, "burst": 100, "interval_ms": 100},
            "dbconnections": {"enabled": True, "burst": 50, "interval_ms": 1_200},
            "change_password": {"enabled": True, "burst": 10, "interval_ms": 60_000},
            "revoke": {"enabled": True, "burst": 100, "interval_ms": 100},
            "jwks": {"enabled": True, "burst": 300, "interval_ms": 10},
            "management": {"enabled": True, "burst": 1_000, "interval_ms": 5},
        },
    },
}

DEFAULTS[BOT_DETECTION] = BOT_DETECTION_DEFAULTS
DEFAULTS[CAPTCHA] = CAPTCHA_DEFAULTS

PATCHES: dict[str, type[BaseModel]] = {
    BOT_DETECTION: BotDetectionPatch,
    BRUTE_FORCE: BruteForcePatch,
    SUSPICIOUS_IP: SuspiciousIpPatch,
    BREACHED_PASSWORD: BreachedPasswordPatch,
    RATE_LIMITS: RateLimitsPatch,
}


def effective(feature: str, stored: dict[str, Any] | None) -> dict[str, Any]:
    """The stored document over the defaults (a feature never PATCHed has Auth0's defaults)."""
    return merge(copy.deepcopy(DEFAULTS.get(feature, {})), stored or {})


def merge(current: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """Nested objects merge key by key; lists and scalars are replaced."""
    merged = dict(current)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def patch_document(patch: BaseModel) -> dict[str, Any]:
    """The wire fields a PATCH body set, nested objects included, by their wire names."""
    return patch.model_dump(by_alias=True, exclude_unset=True)
