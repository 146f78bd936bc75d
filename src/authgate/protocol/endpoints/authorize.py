"""The authorization endpoint's request validation (RFC 6749 §4.1.1, §3.1; OpenID Connect
Core §3.1.2.1-2; RFC 9700 §2.1, §4.1; reference §1.2).

A pipeline of small named checks. Until the client and its redirect URI are known to be
valid, an error is an ``AuthorizePageError``: the user sees a page, the browser is never sent
anywhere (security.md BCP-02). After that, errors are ``Redirected`` back to the client with
``state`` and ``iss`` (RFC 9207) in the requested response mode.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from authgate.protocol import pkce, redirect_uri
from authgate.protocol.errors import (
    AccessDenied,
    InvalidRequest,
    OAuthError,
    UnauthorizedClient,
    UnsupportedResponseType,
)
from authgate.protocol.ports import ApiRecord, ClientRecord, Directory, TenantRecord
from authgate.protocol.response_modes import DEFAULT_MODES, MODES
from authgate.protocol.scopes import parse_scope

PROMPTS = frozenset({"none", "login", "consent", "select_account"})
SUPPORTED_RESPONSE_TYPES = frozenset(
    {
        "code",
        "token",
        "id_token",
        "id_token token",
        "code id_token",
        "code token",
        "code id_token token",
    }
)
"""``code``, and the implicit and hybrid types (OpenID Connect Core §3.2, §3.3) for a client that
enables the legacy ``implicit`` grant (RFC 9700 §2.1.2 advises against them)."""
MAX_PARAM_LENGTH = 2048


class AuthorizePageError(InvalidRequest):
    """An error shown to the user: the request cannot be answered at the client."""


class Redirected(Exception):
    """An error to send back to the client's redirect URI."""

    def __init__(
        self,
        error: OAuthError,
        redirect_uri: str,
        response_mode: str,
        state: str | None,
        client: ClientRecord,
    ) -> None:
        super().__init__(error.description)
        self.error, self.redirect_uri, self.response_mode = error, redirect_uri, response_mode
        self.state, self.client = state, client


@dataclass(frozen=True, slots=True)
class AuthorizationRequest:
    client: ClientRecord
    redirect_uri: str
    response_type: str
    response_mode: str
    scope: tuple[str, ...]
    audience: str | None
    api: ApiRecord | None
    state: str | None = None
    nonce: str | None = None
    code_challenge: str | None = None
    code_challenge_method: str | None = None
    prompt: frozenset[str] = frozenset()
    max_age: int | None = None
    login_hint: str | None = None
    screen_hint: str | None = None
    connection: str | None = None
    ui_locales: str | None = None

    @property
    def web_origin(self) -> str:
        return _origin(self.redirect_uri)


def _origin(uri: str) -> str:
    parts = urlsplit(uri)
    return f"{parts.scheme}://{parts.netloc}"


async def validate(
    params: Mapping[str, str],
    repeated: Collection[str],
    directory: Directory,
    tenant: TenantRecord,
) -> AuthorizationRequest:
    """The checked authorization request. ``params`` holds each parameter's single value
    (empty values dropped, BCP-22); ``repeated`` names the parameters sent more than once."""
    client = await _client(params, repeated, directory)
    uri = _redirect_uri(params, repeated, client)
    mode = params.get("response_mode")
    try:
        if repeated:
            names = ", ".join(sorted(repeated))
            raise InvalidRequest(f"Parameters must not be repeated: {names}")
        return await _checked(params, client, uri, directory, tenant)
    except OAuthError as exc:
        usable = mode in MODES and (mode != "web_message" or _origin(uri) in client.web_origins)
        default = DEFAULT_MODES.get(_normalized(params.get("response_type")), "query")
        response_mode = mode if mode is not None and usable else default
        raise Redirected(exc, uri, response_mode, params.get("state"), client) from exc


async def _client(
    params: Mapping[str, str], repeated: Collection[str], directory: Directory
) -> ClientRecord:
    client_id = params.get("client_id")
    if "client_id" in repeated:
        raise AuthorizePageError("The client_id parameter is repeated.")
    if not client_id:
        raise AuthorizePageError("Missing required parameter: client_id")
    client = await directory.client(client_id[:MAX_PARAM_LENGTH])
    if client is None:
        raise AuthorizePageError("Unknown client: the application does not exist.")
    return client


def _redirect_uri(
    params: Mapping[str, str], repeated: Collection[str], client: ClientRecord
) -> str:
    if "redirect_uri" in repeated:
        raise AuthorizePageError("The redirect_uri parameter is repeated.")
    try:
        return redirect_uri.resolve(
            client.callbacks, params.get("redirect_uri"), native=client.app_type == "native"
        )
    except redirect_uri.RedirectUriMismatch as exc:
        raise AuthorizePageError(exc.description) from exc


async def _checked(
    params: Mapping[str, str],
    client: ClientRecord,
    uri: str,
    directory: Directory,
    tenant: TenantRecord,
) -> AuthorizationRequest:
    if any(len(value) > MAX_PARAM_LENGTH for value in params.values()):
        raise InvalidRequest("A parameter is too long.")
    response_type = _response_type(params, client)
    mode = _response_mode(params, response_type, client, uri)
    parts = response_type.split()
    challenge = _pkce(params, client, tenant) if "code" in parts else None
    scope = tuple(parse_scope(params.get("scope")))
    if "id_token" in parts and "openid" not in scope:
        raise InvalidRequest("response_type id_token needs the openid scope.")
    if "id_token" in parts and not params.get("nonce"):
        # OpenID Connect Core §3.2.2.1, §3.3.2.11: a nonce binds the ID token to the browser
        raise InvalidRequest("Missing required parameter: nonce")
    audience = params.get("audience") or tenant.default_audience
    api = await directory.api(audience) if audience else None
    if audience and api is None:
        raise AccessDenied(f"Service not found: {audience}")
    return AuthorizationRequest(
        client=client,
        redirect_uri=uri,
        response_type=response_type,
        response_mode=mode,
        scope=scope,
        audience=api.identifier if api else None,
        api=api,
        state=params.get("state"),
        nonce=params.get("nonce"),
        code_challenge=challenge[0] if challenge else None,
        code_challenge_method=challenge[1] if challenge else None,
        prompt=_prompt(params),
        max_age=_max_age(params),
        login_hint=params.get("login_hint"),
        screen_hint=params.get("screen_hint"),
        connection=params.get("connection"),
        ui_locales=params.get("ui_locales"),
    )


def _response_type(params: Mapping[str, str], client: ClientRecord) -> str:
    response_type = params.get("response_type")
    if not response_type:
        raise InvalidRequest("Missing required parameter: response_type")
    normalized = _normalized(response_type)
    if normalized not in SUPPORTED_RESPONSE_TYPES:
        raise UnsupportedResponseType(f"Unsupported response type: {response_type}")
    parts = normalized.split()
    if "code" in parts and "authorization_code" not in client.grant_types:
        raise UnauthorizedClient("Grant type 'authorization_code' not allowed for the client.")
    if parts != ["code"] and "implicit" not in client.grant_types:
        raise UnauthorizedClient("Grant type 'implicit' not allowed for the client.")
    return normalized


def _normalized(response_type: str | None) -> str:
    return " ".join(sorted((response_type or "").split()))


def _response_mode(
    params: Mapping[str, str], response_type: str, client: ClientRecord, uri: str
) -> str:
    mode = params.get("response_mode") or DEFAULT_MODES[response_type]
    if mode not in MODES:
        raise InvalidRequest(f"Unsupported response_mode: {mode}")
    if mode == "fragment" and response_type == "code":
        raise InvalidRequest("response_mode fragment is not allowed for response_type code.")
    if mode == "query" and response_type != "code":
        # tokens never travel in a query (Multiple Response Type Encoding Practices §2.1)
        raise InvalidRequest(f"response_mode query is not allowed for {response_type}.")
    if mode == "web_message" and _origin(uri) not in client.web_origins:
        raise InvalidRequest("The redirect_uri's origin is not an allowed web origin.")
    return mode


def _pkce(
    params: Mapping[str, str], client: ClientRecord, tenant: TenantRecord
) -> tuple[str, str] | None:
    challenge = pkce.check_challenge(
        params.get("code_challenge"), params.get("code_challenge_method")
    )
    if challenge is None and (client.is_public or tenant.pkce_for_confidential_clients):
        # BCP-11: public clients must use PKCE; confidential ones too (ASVS 10.4.6, L2)
        # unless the tenant relaxes it (flags.require_pkce_for_confidential_clients)
        raise InvalidRequest("Missing required parameter: code_challenge (PKCE with S256).")
    return challenge


def _prompt(params: Mapping[str, str]) -> frozenset[str]:
    prompt = frozenset((params.get("prompt") or "").split())
    if not prompt <= PROMPTS:
        raise InvalidRequest(f"Unsupported prompt value: {params.get('prompt')}")
    if "none" in prompt and len(prompt) > 1:
        raise InvalidRequest("prompt=none cannot be combined with other values.")
    return prompt


def _max_age(params: Mapping[str, str]) -> int | None:
    value = params.get("max_age")
    if value is None:
        return None
    if not value.isdigit() or len(value) > 10:
        raise InvalidRequest("max_age must be a non-negative integer.")
    return int(value)
