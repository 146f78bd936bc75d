"""Access tokens as JWTs: RFC 9068 (JWT profile for OAuth 2.0 access tokens) with Auth0's claims.

The header carries ``typ: at+jwt`` (RFC 9068 §2.1). Claims (RFC 9068 §2.2): ``iss``, ``exp``,
``aud``, ``sub``, ``client_id``, ``iat``, ``jti``, plus Auth0's ``azp``, ``gty`` and ``scope``.
``validate_access_token`` checks what a resource server must (RFC 9068 §4).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from authgate.core.randomness import random_token
from authgate.protocol.errors import InvalidToken

ACCESS_TOKEN_TYP = "at+jwt"
CLOCK_LEEWAY_SECONDS = 30


@dataclass(frozen=True, slots=True)
class IssuedToken:
    token: str
    expires_in: int
    scope: list[str]


def access_token_claims(
    *,
    issuer: str,
    subject: str,
    audience: str | list[str],
    client_id: str,
    scope: list[str],
    grant: str | None,
    now: int,
    lifetime: int,
) -> dict[str, Any]:
    claims: dict[str, Any] = {
        "iss": issuer,
        "sub": subject,
        "aud": audience,
        "iat": now,
        "exp": now + lifetime,
        "jti": random_token(16),
        "client_id": client_id,
        "azp": client_id,
        "scope": " ".join(scope),
    }
    if grant is not None:
        claims["gty"] = grant
    return claims


def validate_access_token(
    header: Mapping[str, Any],
    claims: Mapping[str, Any],
    *,
    issuer: str,
    audience: str,
    now: float,
) -> None:
    """RFC 9068 §4: type, issuer, audience and expiry of an access token we issued."""
    if str(header.get("typ", "")).lower() not in (ACCESS_TOKEN_TYP, "application/at+jwt"):
        raise InvalidToken("Invalid token", detail="typ is not at+jwt")
    if claims.get("iss") != issuer:
        raise InvalidToken("Invalid token", detail="issuer mismatch")
    aud = claims.get("aud")
    audiences = aud if isinstance(aud, list) else [aud]
    if audience not in audiences:
        raise InvalidToken("Invalid token", detail="audience mismatch")
    exp = claims.get("exp")
    if not isinstance(exp, int | float) or isinstance(exp, bool):
        raise InvalidToken("Invalid token", detail="exp missing")
    if exp + CLOCK_LEEWAY_SECONDS <= now:
        raise InvalidToken("Expired token", detail="expired")
    nbf = claims.get("nbf")
    if isinstance(nbf, int | float) and nbf - CLOCK_LEEWAY_SECONDS > now:
        raise InvalidToken("Invalid token", detail="not yet valid")
