"""Tenant settings (``/api/v2/tenants/settings``) in Auth0's shape, with validation.

Lifetimes are in hours as in Auth0 (``session_lifetime`` default 168, ``idle_session_lifetime``
default 72); the ``*_in_minutes`` variants are accepted on PATCH and converted.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from authgate.core.fields import Email, RedirectUri, UrlList, WebUrl

SUPPORTED_LOCALES = (
    "am",
    "ar",
    "ar-EG",
    "ar-SA",
    "az",
    "bg",
    "bn",
    "bs",
    "ca-ES",
    "cnr",
    "cs",
    "cy",
    "da",
    "de",
    "el",
    "en",
    "en-CA",
    "es",
    "es-419",
    "es-AR",
    "es-MX",
    "et",
    "eu-ES",
    "fa",
    "fi",
    "fr",
    "fr-CA",
    "fr-FR",
    "gl-ES",
    "gu",
    "he",
    "hi",
    "hr",
    "hu",
    "hy",
    "id",
    "is",
    "it",
    "ja",
    "ka",
    "kk",
    "kn",
    "ko",
    "lt",
    "lv",
    "mk",
    "ml",
    "mn",
    "mr",
    "ms",
    "my",
    "nb",
    "nl",
    "nn",
    "no",
    "pa",
    "pl",
    "pt",
    "pt-BR",
    "pt-PT",
    "ro",
    "ru",
    "sk",
    "sl",
    "so",
    "sq",
    "sr",
    "sv",
    "sw",
    "ta",
    "te",
    "th",
    "tl",
    "tr",
    "uk",
    "ur",
    "vi",
    "zgh",
    "zh-CN",
    "zh-HK",
    "zh-MO",
    "zh-TW",
)
MAX_SESSION_HOURS = 8760.0


def _supported_locale(value: str) -> str:
    if value not in SUPPORTED_LOCALES:
        raise ValueError(f"{value!r} is not a supported locale")
    return value


Locale = Annotated[str, AfterValidator(_supported_locale)]
Hours = Annotated[float, Field(gt=0, le=MAX_SESSION_HOURS)]


class TenantFlags(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    remove_alg_from_jwks: bool = False
    enable_client_connections: bool = True
    """New applications get every connection of the tenant enabled."""
    require_pkce_for_confidential_clients: bool = True
    """Authgate's own flag: confidential clients must send a PKCE challenge too (OAuth 2.1
    §4.1.2.1, ASVS 10.4.6); off, they may rely on client authentication and ``nonce``."""


class SessionCookie(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    mode: Literal["persistent", "non-persistent"] = "persistent"


class TenantSettings(BaseModel):
    """The stored settings of a tenant, with Auth0's defaults."""

    model_config = ConfigDict(extra="forbid", strict=True)

    friendly_name: Annotated[str, Field(max_length=255)] | None = None
    picture_url: WebUrl | None = None
    support_email: Email | None = None
    support_url: WebUrl | None = None
    default_audience: Annotated[str, Field(max_length=600)] | None = None
    default_directory: Annotated[str, Field(max_length=128)] | None = None
    default_redirection_uri: RedirectUri | None = None
    allowed_logout_urls: UrlList = []
    session_lifetime: Hours = 168.0
    idle_session_lifetime: Hours = 72.0
    enabled_locales: Annotated[list[Locale], Field(min_length=1, max_length=100)] = ["en"]
    session_cookie: SessionCookie = SessionCookie()
    flags: TenantFlags = TenantFlags()

    @model_validator(mode="after")
    def _idle_within_absolute(self) -> TenantSettings:
        if self.idle_session_lifetime > self.session_lifetime:
            raise ValueError("idle_session_lifetime cannot exceed session_lifetime")
        return self


class TenantSettingsPatch(BaseModel):
    """A PATCH body: every field optional; ``null`` clears a nullable field."""

    model_config = ConfigDict(extra="forbid", strict=True)

    friendly_name: Annotated[str, Field(max_length=255)] | None = None
    picture_url: WebUrl | None = None
    support_email: Email | None = None
    support_url: WebUrl | None = None
    default_audience: Annotated[str, Field(max_length=600)] | None = None
    default_directory: Annotated[str, Field(max_length=128)] | None = None
    default_redirection_uri: RedirectUri | None = None
    allowed_logout_urls: UrlList | None = None
    session_lifetime: Hours | None = None
    idle_session_lifetime: Hours | None = None
    session_lifetime_in_minutes: Annotated[int, Field(gt=0, le=525600)] | None = None
    idle_session_lifetime_in_minutes: Annotated[int, Field(gt=0, le=525600)] | None = None
    enabled_locales: Annotated[list[Locale], Field(min_length=1, max_length=100)] | None = None
    session_cookie: SessionCookie | None = None
    flags: TenantFlags | None = None


NOT_NULLABLE = frozenset(
    {
        "allowed_logout_urls",
        "session_lifetime",
        "idle_session_lifetime",
        "enabled_locales",
        "session_cookie",
        "flags",
        "session_lifetime_in_minutes",
        "idle_session_lifetime_in_minutes",
    }
)


def apply_patch(current: TenantSettings, patch: TenantSettingsPatch) -> TenantSettings:
    """The settings after ``patch``; raises ``ValueError`` naming the field on a bad change."""
    given = patch.model_dump(exclude_unset=True)
    for name, value in given.items():
        if value is None and name in NOT_NULLABLE:
            raise ValueError(f"{name} cannot be null")
    minutes = {
        "session_lifetime": given.pop("session_lifetime_in_minutes", None),
        "idle_session_lifetime": given.pop("idle_session_lifetime_in_minutes", None),
    }
    for name, value in minutes.items():
        if value is not None:
            given[name] = value / 60
    merged = current.model_dump()
    for name, value in given.items():
        if isinstance(value, dict) and isinstance(merged.get(name), dict):
            merged[name] = {**merged[name], **value}
        else:
            merged[name] = value
    return TenantSettings.model_validate(merged)


def settings_to_wire(settings: TenantSettings) -> dict[str, object]:
    body = settings.model_dump()
    body["session_lifetime_in_minutes"] = round(settings.session_lifetime * 60)
    body["idle_session_lifetime_in_minutes"] = round(settings.idle_session_lifetime * 60)
    return {key: value for key, value in body.items() if value is not None}
