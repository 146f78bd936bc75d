"""Bodies of ``/api/v2/branding``, ``/api/v2/branding/templates/universal-login`` and
``/api/v2/prompts`` in Auth0's shape, with Auth0's rules.

Sources: https://auth0.com/docs/api/management/v2/branding/patch-branding (colors are HTML
colors; ``page_background`` a color or ``{type: "linear-gradient", start, end, angle_deg}``;
``favicon_url``, ``logo_url`` and ``font.url`` must use HTTPS — Auth0's ``strict-https-uri``,
so ``http://localhost`` is refused too; ``null`` clears a field; ``colors`` and ``font`` need at
least one property), https://auth0.com/docs/api/management/v2/branding/put-universal-login
(at most 102400 characters) and https://auth0.com/docs/api/management/v2/prompts/patch-prompts.

Stricter than Auth0 on purpose: a gradient object takes exactly its four fields, since it is
written into the tenant's stylesheet.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    RootModel,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from authgate.core.fields import WebUrl

_HTML_COLOR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
TOO_FEW = "Too few properties defined (0), minimum 1"


def _html_color(value: str) -> str:
    if not _HTML_COLOR.match(value):
        raise ValueError("must be a color in #rgb or #rrggbb notation")
    return value


def _https(value: str) -> str:
    if urlsplit(value).scheme.lower() != "https":
        raise ValueError("must be an https URL")
    return value


HtmlColor = Annotated[str, AfterValidator(_html_color)]
HttpsUrl = Annotated[WebUrl, AfterValidator(_https)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    @model_validator(mode="after")
    def _not_empty(self) -> Any:
        if not self.model_fields_set and self._needs_a_property():
            raise ValueError(TOO_FEW)
        return self

    @classmethod
    def _needs_a_property(cls) -> bool:
        return True


class GradientBody(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    type: Literal["linear-gradient"]
    start: HtmlColor
    end: HtmlColor
    angle_deg: Annotated[int | float, Field(ge=-360, le=360)]


def _page_background(value: Any) -> Any:
    """A color, a gradient object (stored in its wire shape) or ``null``."""
    if value is None or isinstance(value, str):
        return value if value is None else _html_color(value)
    if not isinstance(value, dict):
        raise ValueError("must be a color or a linear-gradient object")
    try:
        return GradientBody.model_validate(value).model_dump()
    except ValidationError as exc:
        problem = exc.errors()[0]
        where = ".".join(str(part) for part in problem["loc"])
        reason = (
            "Additional properties not allowed"
            if problem["type"] == "extra_forbidden"
            else (problem["msg"])
        )
        raise ValueError(f"invalid linear-gradient: {reason} ({where})") from None


PageBackground = Annotated[Any, AfterValidator(_page_background)]


class ColorsPatch(_Body):
    primary: HtmlColor | None = None
    page_background: PageBackground = None


class FontPatch(_Body):
    url: HttpsUrl | None = None


class BrandingPatch(_Body):
    """``PATCH /branding``: the fields sent change; ``null`` clears one."""

    colors: ColorsPatch | None = None
    favicon_url: HttpsUrl | None = None
    logo_url: HttpsUrl | None = None
    font: FontPatch | None = None

    @classmethod
    def _needs_a_property(cls) -> bool:
        return False


def apply_patch(current: dict[str, Any], patch: BrandingPatch) -> dict[str, Any]:
    """The stored settings after ``patch``: nested objects merge, empty ones disappear."""
    merged = dict(current)
    for name in patch.model_fields_set:
        value = getattr(patch, name)
        if isinstance(value, BaseModel):
            nested = {**(merged.get(name) or {})}
            for key in value.model_fields_set:
                nested[key] = _wire(getattr(value, key))
            value = {key: item for key, item in nested.items() if item is not None} or None
        merged[name] = value
    return {key: value for key, value in merged.items() if value is not None}


def _wire(value: Any) -> Any:
    return value.model_dump() if isinstance(value, BaseModel) else value


class TemplateBody(BaseModel):
    """``PUT /branding/templates/universal-login`` as JSON."""

    model_config = ConfigDict(extra="forbid", strict=True)

    template: str


class PromptSettingsPatch(_Body):
    """``PATCH /prompts``; ``null`` puts a flag back to its default (``false``)."""

    universal_login_experience: Literal["new", "classic"] | None = None
    identifier_first: bool | None = None
    webauthn_platform_first_factor: bool | None = None

    @field_validator("universal_login_experience")
    @classmethod
    def _not_null(cls, value: str | None) -> str | None:
        if value is None:
            raise ValueError("must not be null")
        return value


PROMPT_DEFAULTS: dict[str, Any] = {
    "universal_login_experience": "new",
    "identifier_first": False,
    "webauthn_platform_first_factor": False,
}


# -- custom text (https://auth0.com/docs/customize/login-pages/universal-login/customize-text-elements)

PROMPT_NAMES = (
    "login",
    "login-id",
    "login-password",
    "login-passwordless",
    "login-email-verification",
    "signup",
    "signup-id",
    "signup-password",
    "phone-identifier-enrollment",
    "phone-identifier-challenge",
    "email-identifier-challenge",
    "reset-password",
    "custom-form",
    "consent",
    "customized-consent",
    "logout",
    "mfa-push",
    "mfa-otp",
    "mfa-voice",
    "mfa-phone",
    "mfa-webauthn",
    "mfa-sms",
    "mfa-email",
    "mfa-recovery-code",
    "mfa",
    "status",
    "device-flow",
    "email-verification",
    "email-otp-challenge",
    "organizations",
    "invitation",
    "common",
    "passkeys",
    "captcha",
    "brute-force-protection",
    "async-approval-flow",
    "confirmation",
)
MAX_SCREENS = 100
MAX_KEYS = 500
MAX_TEXT = 10_000
_IDENTIFIER = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$"

Identifier = Annotated[str, StringConstraints(pattern=_IDENTIFIER)]
Screen = Annotated[
    dict[Identifier, Annotated[str, StringConstraints(max_length=MAX_TEXT)]],
    Field(max_length=MAX_KEYS),
]


class CustomTexts(RootModel[Annotated[dict[Identifier, Screen], Field(max_length=MAX_SCREENS)]]):
    """``PUT /prompts/{prompt}/custom-text/{language}``: ``{screen: {key: text}}``.

    Screen and key names are checked for shape, not against Auth0's catalogue of screens.
    """

    model_config = ConfigDict(strict=True)
