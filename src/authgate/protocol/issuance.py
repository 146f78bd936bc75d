"""Tokens issued to a user's client: the access token, the ID token and the refresh token that
every user grant (authorization code, refresh, password) answers with (RFC 6749 §5.1).

- Scopes (reference §1.2): the OpenID scopes requested; the API's scopes that are requested
  and that it defines (all of them when only OpenID scopes are requested, as Auth0 does);
  ``offline_access`` only for a client allowed the ``refresh_token`` grant and, with an API,
  when the API allows offline access.
- Access token: a JWT (RFC 9068) for an API, also valid at ``{issuer}userinfo`` with
  ``openid``; without an API, an opaque token for ``/userinfo`` only (Auth0's behaviour).
- ID token (OIDC Core §2) with ``openid``: nonce, auth_time, sid, the scope's claims.
"""

from __future__ import annotations

from dataclasses import dataclass

from authgate.protocol.errors import InvalidScope, ServerError
from authgate.protocol.grants.base import TokenContext, TokenResponse
from authgate.protocol.id_token import ID_TOKEN_TYP, OIDC_SCOPES, half_hash, id_token_claims
from authgate.protocol.ports import ApiRecord, ClientRecord, NewRefreshToken, ResourceOwner
from authgate.protocol.scopes import format_scope
from authgate.protocol.tokens import ACCESS_TOKEN_TYP, access_token_claims

USERINFO_LIFETIME = 86_400
DEFAULT_ID_TOKEN_LIFETIME = 36_000
OFFLINE_ACCESS = "offline_access"


def user_scopes(requested: list[str], api: ApiRecord | None, client: ClientRecord) -> list[str]:
    """The scopes a user's client gets out of ``requested`` for ``api`` (None: no API)."""
    oidc = [scope for scope in requested if scope in OIDC_SCOPES and scope != OFFLINE_ACCESS]
    if OFFLINE_ACCESS in requested and _offline_allowed(api, client):
        oidc.append(OFFLINE_ACCESS)
    others = [scope for scope in requested if scope not in OIDC_SCOPES]
    if api is None:
        if others:
            raise InvalidScope("Scopes other than OpenID Connect ones need an audience.")
        return oidc
    if others:
        return oidc + [scope for scope in others if scope in api.scopes]
    return oidc + sorted(api.scopes)


def _offline_allowed(api: ApiRecord | None, client: ClientRecord) -> bool:
    return "refresh_token" in client.grant_types and (api is None or api.allow_offline_access)


@dataclass(frozen=True, slots=True)
class Authorization:
    """What a user let a client have: the basis of the tokens of every user grant."""

    owner: ResourceOwner
    client: ClientRecord
    scope: tuple[str, ...]
    api: ApiRecord | None
    auth_time: int
    nonce: str | None = None
    session_id: str | None = None


async def issue(
    ctx: TokenContext,
    authz: Authorization,
    *,
    grant: str | None,
    family_id: str | None = None,
    refresh_token: str | None = None,
    access_scope: tuple[str, ...] | None = None,
) -> TokenResponse:
    """The token response for ``authz``. A refresh token is created for ``offline_access``
    unless one is given (``refresh_token``: a rotated successor; ``""``: keep the current one).
    ``access_scope`` narrows the access token only (a refresh with a smaller ``scope``)."""
    scope = list(access_scope if access_scope is not None else authz.scope)
    now = int(ctx.clock.time())
    access_token, lifetime = _access_token(ctx, authz, scope, grant, now)
    id_token = _id_token(ctx, authz, now) if "openid" in authz.scope else None
    if refresh_token is None and OFFLINE_ACCESS in authz.scope:
        refresh_token = await _new_refresh_token(ctx, authz, family_id)
    return TokenResponse(
        access_token=access_token,
        expires_in=lifetime,
        scope=format_scope(scope) or None,
        id_token=id_token,
        refresh_token=refresh_token or None,
    )


async def issue_at_authorization(
    ctx: TokenContext, authz: Authorization, *, code: str | None, token: bool, id_token: bool
) -> dict[str, str]:
    """The tokens of an implicit or hybrid response (OpenID Connect Core §3.2.2.5, §3.3.2.5):
    an access token when ``token``, an ID token when ``id_token`` with ``at_hash`` for the
    access token and ``c_hash`` for ``code`` beside it. Never a refresh token."""
    now = int(ctx.clock.time())
    params: dict[str, str] = {}
    hashes: dict[str, str] = {}
    if token:
        scope = list(authz.scope)
        access_token, lifetime = _access_token(ctx, authz, scope, None, now)
        params.update(
            access_token=access_token,
            token_type="Bearer",
            expires_in=str(lifetime),
            scope=format_scope(scope),
        )
        hashes["at_hash"] = half_hash(access_token, ctx.signer.alg)
    if code is not None:
        hashes["c_hash"] = half_hash(code, ctx.signer.alg)
    if id_token:
        params["id_token"] = _id_token(ctx, authz, now, hashes)
    return params


def _id_token(
    ctx: TokenContext, authz: Authorization, now: int, hashes: dict[str, str] | None = None
) -> str:
    return ctx.signer.sign(
        id_token_claims(
            issuer=ctx.tenant.issuer,
            subject=authz.owner.user_id,
            client_id=authz.client.client_id,
            now=now,
            lifetime=authz.client.id_token_lifetime or DEFAULT_ID_TOKEN_LIFETIME,
            profile=authz.owner.claims,
            scopes=authz.scope,
            nonce=authz.nonce,
            auth_time=authz.auth_time,
            sid=authz.session_id,
            hashes=hashes,
        ),
        typ=ID_TOKEN_TYP,
    )


def _access_token(
    ctx: TokenContext, authz: Authorization, scope: list[str], grant: str | None, now: int
) -> tuple[str, int]:
    userinfo = f"{ctx.tenant.issuer}userinfo"
    api = authz.api
    audiences = [api.identifier] if api is not None else [userinfo]
    if api is not None and "openid" in scope:
        audiences.append(userinfo)
    lifetime = api.token_lifetime if api is not None else USERINFO_LIFETIME
    claims = access_token_claims(
        issuer=ctx.tenant.issuer,
        subject=authz.owner.user_id,
        audience=audiences[0] if len(audiences) == 1 else audiences,
        client_id=authz.client.client_id,
        scope=scope,
        grant=grant,
        now=now,
        lifetime=lifetime,
    )
    if api is None:
        if ctx.opaque is None:
            raise ServerError("Opaque access tokens are not available.")
        return ctx.opaque.seal(claims), lifetime
    return ctx.signer.sign(claims, typ=ACCESS_TOKEN_TYP, api=api), lifetime


async def _new_refresh_token(
    ctx: TokenContext, authz: Authorization, family_id: str | None
) -> str | None:
    if ctx.refresh_tokens is None:
        return None
    return await ctx.refresh_tokens.issue(
        NewRefreshToken(
            client=authz.client,
            user_ref=authz.owner.ref,
            scope=authz.scope,
            audience=authz.api.identifier if authz.api else None,
            auth_time=authz.auth_time,
            session_id=authz.session_id,
            family_id=family_id,
        )
    )
