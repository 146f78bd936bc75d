"""Bearer tokens presented to Authgate's own APIs (RFC 6750 §2.1, §3; RFC 9068 §4).

Only the ``Authorization`` header is accepted: tokens in a query string are refused
(security.md BCP-32) and tokens in a form body are not needed by any Authgate API.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from authgate.protocol import jose
from authgate.protocol.errors import InvalidToken
from authgate.protocol.tokens import validate_access_token

MAX_TOKEN_LENGTH = 16_384


def bearer_token(authorization: str | None) -> str:
    if not authorization:
        raise InvalidToken("Missing authentication", detail="no Authorization header")
    scheme, _, token = authorization.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise InvalidToken("Bad HTTP authentication header format", detail="not a Bearer header")
    if len(token) > MAX_TOKEN_LENGTH:
        raise InvalidToken("Invalid token", detail="token too long")
    return token


def verify_access_token(
    authorization: str | None,
    *,
    keys: Mapping[str, jose.PublicKey],
    algorithms: Collection[str],
    issuer: str,
    audience: str,
    now: float,
) -> dict[str, Any]:
    """The claims of a valid access token for ``audience`` issued by ``issuer``."""
    token = bearer_token(authorization)
    try:
        verified = jose.verify(token, keys, algorithms)
    except jose.JOSEError as exc:
        raise InvalidToken("Invalid token", detail=str(exc)) from exc
    validate_access_token(
        verified.header, verified.claims, issuer=issuer, audience=audience, now=now
    )
    return verified.claims


def token_scopes(claims: Mapping[str, Any]) -> frozenset[str]:
    scope = claims.get("scope")
    return frozenset(scope.split()) if isinstance(scope, str) else frozenset()
