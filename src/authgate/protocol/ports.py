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

    @property
    def management_audience(self) -> str:
        return f"{self.issuer}api/v2/"

    @property
    def domain(self) -> str:
        """The issuer's host (and port), as Auth0 writes ``hostname`` in logs."""
        return self.issuer.split("://", 1)[1].split("/", 1)[0]


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

    def sign(self, claims: Mapping[str, Any], *, typ: str, api: ApiRecord | None = None) -> str: ...


class Clock(Protocol):
    def time(self) -> float: ...
