"""ID tokens (OpenID Connect Core 1.0 §2, §5.4 scope claims).

``iss``, ``sub``, ``aud`` (the client), ``iat``, ``exp`` (the client's
``jwt_configuration.lifetime_in_seconds``), ``azp``, and the profile and email claims that
the granted scopes release (§5.4): ``profile`` → name, family_name, given_name, nickname,
picture, updated_at...; ``email`` → email, email_verified.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

ID_TOKEN_TYP = "JWT"
SCOPE_CLAIMS: dict[str, tuple[str, ...]] = {
    "profile": (
        "name",
        "family_name",
        "given_name",
        "middle_name",
        "nickname",
        "preferred_username",
        "profile",
        "picture",
        "website",
        "gender",
        "birthdate",
        "zoneinfo",
        "locale",
        "updated_at",
    ),
    "email": ("email", "email_verified"),
    "phone": ("phone_number", "phone_number_verified"),
}
OIDC_SCOPES = frozenset({"openid", "profile", "email", "phone", "address", "offline_access"})


def released_claims(profile: Mapping[str, Any], scopes: Iterable[str]) -> dict[str, Any]:
    released: dict[str, Any] = {}
    for scope in scopes:
        for name in SCOPE_CLAIMS.get(scope, ()):
            if profile.get(name) is not None:
                released[name] = profile[name]
    return released


def id_token_claims(
    *,
    issuer: str,
    subject: str,
    client_id: str,
    now: int,
    lifetime: int,
    profile: Mapping[str, Any],
    scopes: Iterable[str],
    nonce: str | None = None,
    auth_time: int | None = None,
    sid: str | None = None,
    hashes: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """``hashes``: ``at_hash`` and ``c_hash`` of an ID token from the authorization endpoint."""
    claims: dict[str, Any] = released_claims(profile, scopes)
    claims.update(
        {
            "iss": issuer,
            "sub": subject,
            "aud": client_id,
            "iat": now,
            "exp": now + lifetime,
            "azp": client_id,
        }
    )
    for name, value in (("nonce", nonce), ("auth_time", auth_time), ("sid", sid)):
        if value is not None:
            claims[name] = value
    claims.update(hashes or {})
    return claims


_HALF_HASHES = {"256": hashlib.sha256, "384": hashlib.sha384, "512": hashlib.sha512}


def half_hash(value: str, alg: str) -> str:
    """``at_hash`` / ``c_hash`` (OpenID Connect Core §3.3.2.11, §3.2.2.9): the left half of the
    hash of the ASCII value, with the hash of the ID token's ``alg`` (SHA-512 for EdDSA over
    Ed25519, as OpenID Connect's errata and the certified libraries do), base64url."""
    digest = _HALF_HASHES.get(alg[-3:], hashlib.sha512)(value.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest[: len(digest) // 2]).rstrip(b"=").decode("ascii")
