"""The UserInfo endpoint (OpenID Connect Core §5.3; RFC 6750 §2.1, §3.1).

The access token is either a JWT for an API that also names ``{issuer}userinfo`` in ``aud``
(RFC 9068 §4 checks), or an opaque token sealed by Authgate for ``/userinfo`` alone. The claims
released are ``sub`` and those of the token's scopes (§5.4), read fresh from the user; a token
of a deleted or blocked user is ``invalid_token``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from authgate.protocol import jose
from authgate.protocol.bearer import bearer_token, token_scopes
from authgate.protocol.errors import InvalidToken
from authgate.protocol.id_token import released_claims
from authgate.protocol.ports import OpaqueTokens, TenantRecord, UserDirectory
from authgate.protocol.tokens import validate_access_token

CHALLENGE = 'Bearer realm="userinfo"'


async def userinfo(
    authorization: str | None,
    *,
    tenant: TenantRecord,
    keys: Mapping[str, jose.PublicKey],
    algorithms: Collection[str],
    opaque: OpaqueTokens,
    users: UserDirectory,
    now: float,
) -> dict[str, Any]:
    token = bearer_token(authorization)
    audience = f"{tenant.issuer}userinfo"
    if token.count(".") == 2:
        try:
            verified = jose.verify(token, keys, algorithms)
        except jose.JOSEError as exc:
            raise InvalidToken("Invalid token", detail=str(exc)) from exc
        claims = verified.claims
        validate_access_token(
            verified.header, claims, issuer=tenant.issuer, audience=audience, now=now
        )
    else:
        sealed = opaque.open(token)
        if sealed is None:
            raise InvalidToken("Invalid token", detail="not a token of this tenant")
        claims = sealed
        header = {"typ": "at+jwt"}
        validate_access_token(header, claims, issuer=tenant.issuer, audience=audience, now=now)
    if "openid" not in token_scopes(claims):
        raise InvalidToken("Invalid token", detail="the token has no openid scope")
    owner = await users.owner_by_id(str(claims.get("sub", "")))
    if owner is None or owner.blocked:
        raise InvalidToken("Invalid token", detail="user deleted or blocked")
    return {"sub": owner.user_id, **released_claims(owner.claims, token_scopes(claims))}
