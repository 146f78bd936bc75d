"""Bodies of ``/api/v2/email-templates`` and ``/api/v2/emails/provider`` in Auth0's shape.

Template fields keep Auth0's camelCase wire names (``resultUrl``, ``urlLifetimeInSeconds``,
``includeEmailInRedirect``) and ``from``. Only the ``smtp`` provider is implemented; its
``settings`` may carry ``headers`` (``X-...`` headers added to every message, as Auth0 allows
for SES configuration sets or SparkPost options).
"""

from __future__ import annotations

import re
from typing import Annotated, Literal, get_args

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, SecretStr

from authgate.core.fields import Email, WebUrl

MAX_BODY = 200_000
MAX_LIFETIME = 2_592_000
_HOST = re.compile(
    r"^(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9])?$|^\[[0-9A-Fa-f:.]+\]$"
)
_HEADER_NAME = re.compile(r"^X-[A-Za-z0-9-]{1,64}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

TemplateName = Literal[
    "verify_email",
    "verify_email_by_code",
    "reset_email",
    "reset_email_by_code",
    "welcome_email",
    "blocked_account",
    "stolen_credentials",
    "enrollment_email",
    "mfa_oob_code",
    "user_invitation",
    "change_password",
    "password_reset",
    "async_approval",
]
TEMPLATE_NAMES: tuple[str, ...] = get_args(TemplateName)


def _one_line(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("must not contain line breaks or control characters")
    return value


def _host(value: str) -> str:
    if not _HOST.match(value):
        raise ValueError("must be a host name or an IP address")
    return value


def _headers(value: dict[str, str]) -> dict[str, str]:
    for name, header in value.items():
        if not _HEADER_NAME.match(name):
            raise ValueError("header names must start with X- and use letters, digits or -")
        _one_line(header)
    return value


Line = Annotated[str, Field(max_length=1024), AfterValidator(_one_line)]
Body = Annotated[str, Field(max_length=MAX_BODY)]
Lifetime = Annotated[int, Field(ge=0, le=MAX_LIFETIME)]


class _Wire(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class TemplateBody(_Wire):
    """``POST /email-templates`` and ``PUT /email-templates/{templateName}``."""

    template: TemplateName
    body: Body | None = None
    sender: Line | None = Field(default=None, alias="from")
    subject: Line | None = None
    syntax: Literal["liquid"] = "liquid"
    result_url: WebUrl | None = Field(default=None, alias="resultUrl")
    url_lifetime_in_seconds: Lifetime | None = Field(default=None, alias="urlLifetimeInSeconds")
    include_email_in_redirect: bool = Field(default=False, alias="includeEmailInRedirect")
    enabled: bool = True


class TemplatePatch(_Wire):
    """``PATCH /email-templates/{templateName}``: only the fields sent change."""

    template: TemplateName | None = None
    body: Body | None = None
    sender: Line | None = Field(default=None, alias="from")
    subject: Line | None = None
    syntax: Literal["liquid"] | None = None
    result_url: WebUrl | None = Field(default=None, alias="resultUrl")
    url_lifetime_in_seconds: Lifetime | None = Field(default=None, alias="urlLifetimeInSeconds")
    include_email_in_redirect: bool | None = Field(default=None, alias="includeEmailInRedirect")
    enabled: bool | None = None


class SmtpCredentials(_Wire):
    smtp_host: Annotated[str, AfterValidator(_host)]
    smtp_port: Annotated[int, Field(ge=1, le=65535)]
    smtp_user: Annotated[str, Field(max_length=320), AfterValidator(_one_line)] | None = None
    smtp_pass: Annotated[SecretStr, Field(max_length=1024)] | None = None


class SmtpCredentialsPatch(_Wire):
    smtp_host: Annotated[str, AfterValidator(_host)] | None = None
    smtp_port: Annotated[int, Field(ge=1, le=65535)] | None = None
    smtp_user: Annotated[str, Field(max_length=320), AfterValidator(_one_line)] | None = None
    smtp_pass: Annotated[SecretStr, Field(max_length=1024)] | None = None


class SmtpSettings(_Wire):
    headers: Annotated[
        dict[str, Annotated[str, Field(max_length=998)]],
        Field(max_length=20),
        AfterValidator(_headers),
    ] = {}


class ProviderCreate(_Wire):
    """``POST /emails/provider``."""

    name: Literal["smtp"]
    enabled: bool = True
    default_from_address: Email | None = None
    credentials: SmtpCredentials
    settings: SmtpSettings = SmtpSettings()


class ProviderPatch(_Wire):
    """``PATCH /emails/provider``: only the fields sent change; credentials are merged."""

    name: Literal["smtp"] | None = None
    enabled: bool | None = None
    default_from_address: Email | None = None
    credentials: SmtpCredentialsPatch | None = None
    settings: SmtpSettings | None = None
