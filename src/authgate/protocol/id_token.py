"""ID tokens (OpenID Connect Core 1.0 §2, §5.4 scope claims).

``iss``, ``sub``, ``aud`` (the client), ``iat``, ``exp`` (the client's
``jwt_configuration.lifetime_in_seconds``), ``azp``, and the profile and email claims that
the granted scopes release (§5.4): ``profile`` → name, family_name, given_name, nickname,
picture, updated_at...; ``email`` → email, email_verified.
"""

from __future__ import annotations

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
) -> dict[str, Any]:
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
    return claims
