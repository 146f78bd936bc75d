"""What the protocol needs from the rest of Authgate, as small typed interfaces.

Records are frozen snapshots taken from the configuration cache; a ``Directory`` answers the
lookups a token request makes without touching the database on a warm cache (DESIGN §5).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class TenantRecord:
    id: str
    name: str
    issuer: str
    default_audience: str | None = None
    friendly_name: str | None = None
    default_directory: str | None = None
    session_lifetime: int = 168 * 3600
    """Seconds an SSO session lasts at most (``session_lifetime``, hours on the wire)."""
    idle_session_lifetime: int = 72 * 3600
    allowed_logout_urls: tuple[str, ...] = ()
    enabled_locales: tuple[str, ...] = ("en",)
    pkce_for_confidential_clients: bool = True
    support_email: str | None = None
    """Where administrator notifications of attack protection go."""

    @property
    def management_audience(self) -> str:
        return f"{self.issuer}api/v2/"

    @property
    def domain(self) -> str:
        """The issuer's host (and port), as Auth0 writes ``hostname`` in logs."""
        return self.issuer.split("://", 1)[1].split("/", 1)[0]


@dataclass(frozen=True, slots=True)
class RefreshPolicy:
    """A client's ``refresh_token`` settings: rotation, reuse leeway and lifetimes in seconds
    (None: no limit)."""

    rotating: bool = False
    leeway: int = 0
    lifetime: int | None = None
    idle_lifetime: int | None = None


@dataclass(frozen=True, slots=True)
class ClientRecord:
    client_id: str
    name: str
    app_type: str | None
    token_endpoint_auth_method: str
    grant_types: frozenset[str]
    secret_digest: bytes | None
    """SHA-256 of the client secret: compared in constant time, never the secret itself."""
    is_first_party: bool = True
    id_token_lifetime: int | None = None
    callbacks: tuple[str, ...] = ()
    allowed_logout_urls: tuple[str, ...] = ()
    web_origins: tuple[str, ...] = ()
    allowed_origins: tuple[str, ...] = ()
    refresh: RefreshPolicy = RefreshPolicy()
    backchannel_logout_urls: tuple[str, ...] = ()
    """Where logout tokens are POSTed (OpenID Connect Back-Channel Logout 1.0 §2.2)."""
    backchannel_logout_initiators: frozenset[str] = frozenset()
    """The session-ending events that send this application a logout token."""

    @property
    def is_public(self) -> bool:
        return self.token_endpoint_auth_method == "none"


@dataclass(frozen=True, slots=True)
class ApiRecord:
    identifier: str
    scopes: frozenset[str]
    signing_alg: str
    token_lifetime: int
    token_dialect: str
    is_system: bool = False
    signing_secret: bytes | None = field(default=None, repr=False)
    allow_offline_access: bool = False
    skip_consent_for_verifiable_first_party_clients: bool = True


@dataclass(frozen=True, slots=True)
class ClientGrantRecord:
    client_id: str
    audience: str
    scopes: frozenset[str]


@dataclass(frozen=True, slots=True)
class ResourceOwner:
    """An authenticated end user and the profile claims an ID token may carry."""

    user_id: str
    claims: Mapping[str, Any]
    ref: str = ""
    """The internal key of the user record (what sessions and grants refer to)."""
    connection: str | None = None
    blocked: bool = False


@dataclass(frozen=True, slots=True)
class CodeGrant:
    """What an authorization code stands for (RFC 6749 §4.1.2, its bindings per §4.1.3)."""

    client_id: str
    user_ref: str
    redirect_uri: str
    scope: tuple[str, ...]
    audience: str | None
    nonce: str | None
    code_challenge: str | None
    auth_time: int
    session_id: str | None
    family_id: str
    expires_at: float


@dataclass(frozen=True, slots=True)
class RefreshGrant:
    """What a refresh token stands for, and its rotated successor when the client rotates."""

    id: str
    family_id: str
    client_id: str
    user_ref: str
    scope: tuple[str, ...]
    audience: str | None
    auth_time: int
    session_id: str | None
    successor: str | None = None
    owner: ResourceOwner | None = None
    """The token's user when the store read it along the way (None: ask the directory)."""


@dataclass(frozen=True, slots=True)
class NewRefreshToken:
    client: ClientRecord
    user_ref: str
    scope: tuple[str, ...]
    audience: str | None
    auth_time: int
    session_id: str | None
    family_id: str | None = None


class CodeStore(Protocol):
    """Authorization codes of one tenant. ``consume`` succeeds once per code, atomically."""

    async def find(self, code: str) -> CodeGrant | None: ...

    async def consume(self, code: str) -> bool: ...

    async def revoke_family(self, family_id: str) -> None: ...


class RefreshStore(Protocol):
    """Refresh tokens of one tenant (RFC 6749 §6; RFC 9700 §4.14).

    ``exchange`` raises ``InvalidGrant`` for an unknown, expired, revoked or foreign token and,
    for a rotated token presented again after the client's leeway, revokes its whole family
    first; for a rotating client it rotates atomically and returns the successor.
    """

    async def issue(self, token: NewRefreshToken) -> str: ...

    async def exchange(self, token: str, client: ClientRecord) -> RefreshGrant: ...

    async def revoke(self, token: str, client: ClientRecord) -> None: ...


class UserDirectory(Protocol):
    async def owner(self, ref: str) -> ResourceOwner | None: ...

    async def owner_by_id(self, user_id: str) -> ResourceOwner | None: ...


class OpaqueTokens(Protocol):
    """Access tokens only for ``/userinfo``: sealed, not JWTs (Auth0's behaviour, §1.2)."""

    def seal(self, claims: Mapping[str, Any]) -> str: ...

    def open(self, token: str) -> dict[str, Any] | None: ...


class PasswordVerifier(Protocol):
    """Checks a user's password in a database connection (``realm``; None: the default).

    Raises ``InvalidGrant`` for wrong credentials and ``AccessDenied`` for a blocked user, with
    the same answer and comparable time for an unknown user as for a wrong password.
    """

    async def authenticate(
        self, *, realm: str | None, username: str, password: str, client: ClientRecord
    ) -> ResourceOwner: ...


class Directory(Protocol):
    """Lookups of one tenant's configuration."""

    async def client(self, client_id: str) -> ClientRecord | None: ...

    async def api(self, audience: str) -> ApiRecord | None: ...

    async def client_grant(self, client_id: str, audience: str) -> ClientGrantRecord | None: ...


class Signer(Protocol):
    """Signs JWTs with the tenant's current key (or an API's shared secret)."""

    @property
    def alg(self) -> str: ...

    def sign(self, claims: Mapping[str, Any], *, typ: str, api: ApiRecord | None = None) -> str: ...


class Clock(Protocol):
    def time(self) -> float: ...
