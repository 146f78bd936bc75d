"""What every grant handler receives and returns (RFC 6749 §5.1)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from authgate.protocol.ports import (
    ClientRecord,
    Clock,
    CodeStore,
    Directory,
    OpaqueTokens,
    PasswordVerifier,
    RefreshStore,
    Signer,
    TenantRecord,
    UserDirectory,
)


@dataclass(frozen=True, slots=True)
class TokenContext:
    """One tenant's view of the world for one token request."""

    tenant: TenantRecord
    directory: Directory
    signer: Signer
    clock: Clock
    passwords: PasswordVerifier | None = None
    """Present when the request may authenticate a user with a password."""
    codes: CodeStore | None = None
    refresh_tokens: RefreshStore | None = None
    users: UserDirectory | None = None
    opaque: OpaqueTokens | None = None


@dataclass(frozen=True, slots=True)
class GrantRequest:
    params: Mapping[str, str]
    client: ClientRecord


@dataclass(frozen=True, slots=True)
class TokenResponse:
    """RFC 6749 §5.1 successful response."""

    access_token: str
    expires_in: int
    token_type: str = "Bearer"
    scope: str | None = None
    id_token: str | None = None
    refresh_token: str | None = None

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"access_token": self.access_token}
        for name in ("id_token", "refresh_token", "scope"):
            value = getattr(self, name)
            if value:
                body[name] = value
        body["expires_in"] = self.expires_in
        body["token_type"] = self.token_type
        return body


GrantHandler = Callable[[GrantRequest, TokenContext], Awaitable[TokenResponse]]
