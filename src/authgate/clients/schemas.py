"""Bodies of ``/api/v2/clients`` in Auth0's shape, with Authgate's secure defaults.

Where Auth0's API defaults are loose, Authgate's are not: a new client gets only the grant types
its application type needs (no ``implicit``), and ``oidc_conformant`` is true.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from authgate.core.fields import OriginList, UrlList, WebUrl
from authgate.protocol.logout_token import INITIATORS, Initiator

AppType = Literal["native", "spa", "regular_web", "non_interactive"]
AuthMethod = Literal["none", "client_secret_post", "client_secret_basic"]
JwtAlg = Literal["HS256", "RS256", "RS512", "PS256"]

PASSWORD_REALM = "http://auth0.com/oauth/grant-type/password-realm"
MFA_GRANTS = (
    "http://auth0.com/oauth/grant-type/mfa-oob",
    "http://auth0.com/oauth/grant-type/mfa-otp",
    "http://auth0.com/oauth/grant-type/mfa-recovery-code",
)
PASSWORDLESS_OTP = "http://auth0.com/oauth/grant-type/passwordless/otp"
DEVICE_CODE = "urn:ietf:params:oauth:grant-type:device_code"
TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"
CIBA = "urn:openid:params:grant-type:ciba"

KNOWN_GRANT_TYPES = frozenset(
    {
        "authorization_code",
        "implicit",
        "refresh_token",
        "client_credentials",
        "password",
        PASSWORD_REALM,
        *MFA_GRANTS,
        PASSWORDLESS_OTP,
        DEVICE_CODE,
        TOKEN_EXCHANGE,
        CIBA,
    }
)
_USER_GRANTS = {"authorization_code", "implicit", "refresh_token"}
ALLOWED_GRANTS_BY_APP_TYPE: dict[str | None, frozenset[str]] = {
    "spa": frozenset(_USER_GRANTS),
    "native": frozenset(
        {
            *_USER_GRANTS,
            "password",
            PASSWORD_REALM,
            *MFA_GRANTS,
            PASSWORDLESS_OTP,
            DEVICE_CODE,
            TOKEN_EXCHANGE,
        }
    ),
    "regular_web": KNOWN_GRANT_TYPES - {DEVICE_CODE},
    "non_interactive": frozenset(
        {"client_credentials", "password", PASSWORD_REALM, *MFA_GRANTS, TOKEN_EXCHANGE}
    ),
    None: KNOWN_GRANT_TYPES,
}
DEFAULT_GRANTS_BY_APP_TYPE: dict[str | None, list[str]] = {
    "spa": ["authorization_code", "refresh_token"],
    "native": ["authorization_code", "refresh_token"],
    "regular_web": ["authorization_code", "refresh_token", "client_credentials"],
    "non_interactive": ["client_credentials"],
    None: ["authorization_code", "refresh_token", "client_credentials"],
}
PUBLIC_APP_TYPES = frozenset({"spa", "native"})
CONFIDENTIAL_ONLY_GRANTS = frozenset({"client_credentials", CIBA})


def _known_grants(values: list[str]) -> list[str]:
    unknown = [value for value in values if value not in KNOWN_GRANT_TYPES]
    if unknown:
        raise ValueError(f"unknown grant type {unknown[0]!r}")
    if len(set(values)) != len(values):
        raise ValueError("grant types must be unique")
    return values


def _metadata(values: dict[str, str]) -> dict[str, str]:
    if len(values) > 10:
        raise ValueError("at most 10 keys are allowed")
    for key, value in values.items():
        if not key or len(key) > 255 or len(value) > 255:
            raise ValueError("keys and values are 1 to 255 characters")
    return values


GrantTypes = Annotated[list[str], Field(max_length=20), AfterValidator(_known_grants)]
ClientMetadata = Annotated[dict[str, str], AfterValidator(_metadata)]
Name = Annotated[str, Field(min_length=1, max_length=255)]
Description = Annotated[str, Field(max_length=140)]


class JwtConfiguration(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    lifetime_in_seconds: Annotated[int, Field(ge=1, le=2_592_000)] = 36_000
    secret_encoded: bool = False
    alg: JwtAlg = "RS256"


class RefreshTokenConfiguration(BaseModel):
    """Auth0's ``refresh_token`` object (limits from reference §3.3)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    rotation_type: Literal["rotating", "non-rotating"] = "non-rotating"
    expiration_type: Literal["expiring", "non-expiring"] = "non-expiring"
    leeway: Annotated[int, Field(ge=0, le=60)] = 0
    token_lifetime: Annotated[int, Field(ge=1, le=31_557_600)] = 2_592_000
    infinite_token_lifetime: bool = True
    idle_token_lifetime: Annotated[int, Field(ge=1, le=31_557_600)] = 1_296_000
    infinite_idle_token_lifetime: bool = True


def _no_fragment(value: str) -> str:
    if "#" in value:
        raise ValueError("must not contain a fragment")
    return value


BackchannelUrl = Annotated[WebUrl, AfterValidator(_no_fragment)]


class BackchannelLogoutInitiators(BaseModel):
    """``custom``: the logout endpoints (``rp-logout``, ``idp-logout``) and the selected
    events; ``all``: every session-ending event, present and future."""

    model_config = ConfigDict(extra="forbid", strict=True)

    mode: Literal["custom", "all"] = "custom"
    selected_initiators: Annotated[list[Initiator], Field(max_length=len(INITIATORS))] = []


class BackchannelLogoutSessionMetadata(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    include: bool = False


class OidcLogout(BaseModel):
    """Auth0's ``oidc_logout`` object: OpenID Connect Back-Channel Logout 1.0 for the
    application (one URL, as Auth0 allows)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    backchannel_logout_urls: Annotated[list[BackchannelUrl], Field(max_length=1)] = []
    backchannel_logout_initiators: BackchannelLogoutInitiators | None = None
    backchannel_logout_session_metadata: BackchannelLogoutSessionMetadata | None = None


class ClientCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    name: Name
    description: Description | None = None
    app_type: AppType | None = None
    is_first_party: bool = True
    oidc_conformant: bool = True
    logo_uri: WebUrl | None = None
    callbacks: UrlList = []
    allowed_logout_urls: UrlList = []
    web_origins: OriginList = []
    allowed_origins: OriginList = []
    grant_types: GrantTypes | None = None
    token_endpoint_auth_method: AuthMethod | None = None
    jwt_configuration: JwtConfiguration | None = None
    refresh_token: RefreshTokenConfiguration | None = None
    oidc_logout: OidcLogout | None = None
    client_metadata: ClientMetadata = {}


class ClientUpdate(BaseModel):
    """A PATCH body; objects (``jwt_configuration``, ``refresh_token``, ``oidc_logout``) merge
    field by field."""

    model_config = ConfigDict(extra="forbid", strict=True)

    name: Name | None = None
    description: Description | None = None
    app_type: AppType | None = None
    is_first_party: bool | None = None
    oidc_conformant: bool | None = None
    logo_uri: WebUrl | None = None
    callbacks: UrlList | None = None
    allowed_logout_urls: UrlList | None = None
    web_origins: OriginList | None = None
    allowed_origins: OriginList | None = None
    grant_types: GrantTypes | None = None
    token_endpoint_auth_method: AuthMethod | None = None
    jwt_configuration: dict[str, object] | None = None
    refresh_token: dict[str, object] | None = None
    oidc_logout: dict[str, object] | None = None
    client_metadata: dict[str, str | None] | None = None
    client_secret: Annotated[str, Field(min_length=32, max_length=512)] | None = None


NULLABLE_ON_UPDATE = frozenset({"description", "logo_uri", "app_type"})
