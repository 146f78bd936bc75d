"""The resource owner password credentials grant (RFC 6749 §4.3) and Auth0's password-realm
extension (``http://auth0.com/oauth/grant-type/password-realm``, reference §1.3).

Legacy and off by default: only a client whose ``grant_types`` include it may use it. The
password grant authenticates in the tenant's ``default_directory``; password-realm in the
connection named by ``realm``. Wrong credentials are ``invalid_grant`` "Wrong email or
password." whether or not the user exists. The access token is for the ``audience`` (or the
tenant's default audience) and also for ``{issuer}userinfo`` when ``openid`` is requested; an
ID token is issued for ``openid``. Scopes: the OpenID scopes requested, and the API scopes
requested that the API defines (all of them when none is requested, as Auth0 does).
"""

from __future__ import annotations

from authgate.protocol.errors import InvalidRequest, InvalidScope, UnauthorizedClient
from authgate.protocol.grants.base import GrantRequest, TokenContext, TokenResponse
from authgate.protocol.id_token import ID_TOKEN_TYP, OIDC_SCOPES, id_token_claims
from authgate.protocol.ports import ApiRecord
from authgate.protocol.scopes import format_scope, parse_scope
from authgate.protocol.tokens import ACCESS_TOKEN_TYP, access_token_claims

PASSWORD = "password"
PASSWORD_REALM = "http://auth0.com/oauth/grant-type/password-realm"
USERINFO_LIFETIME = 86_400
DEFAULT_ID_TOKEN_LIFETIME = 36_000


async def handle(request: GrantRequest, ctx: TokenContext) -> TokenResponse:
    params = request.params
    if ctx.passwords is None:
        raise UnauthorizedClient("Password authentication is not available.")
    username, password = params.get("username"), params.get("password")
    if not username or password is None:
        raise InvalidRequest("Missing required parameter: username and password")
    realm = params.get("realm") if params.get("grant_type") == PASSWORD_REALM else None
    if params.get("grant_type") == PASSWORD_REALM and not realm:
        raise InvalidRequest("Missing required parameter: realm")
    requested = parse_scope(params.get("scope"))
    audience = params.get("audience") or ctx.tenant.default_audience
    api = await ctx.directory.api(audience) if audience else None
    if audience and api is None:
        raise InvalidRequest("Service not found: the audience is not an API of this tenant")
    owner = await ctx.passwords.authenticate(
        realm=realm, username=username, password=password, client=request.client
    )
    scope = _granted_scopes(requested, api)
    now = int(ctx.clock.time())
    userinfo = f"{ctx.tenant.issuer}userinfo"
    audiences: list[str] = [api.identifier] if api else []
    if "openid" in scope or api is None:
        audiences.append(userinfo)
    lifetime = api.token_lifetime if api else USERINFO_LIFETIME
    claims = access_token_claims(
        issuer=ctx.tenant.issuer,
        subject=owner.user_id,
        audience=audiences[0] if len(audiences) == 1 else audiences,
        client_id=request.client.client_id,
        scope=scope,
        grant=PASSWORD,
        now=now,
        lifetime=lifetime,
    )
    access_token = ctx.signer.sign(claims, typ=ACCESS_TOKEN_TYP, api=api)
    id_token = None
    if "openid" in scope:
        id_token = ctx.signer.sign(
            id_token_claims(
                issuer=ctx.tenant.issuer,
                subject=owner.user_id,
                client_id=request.client.client_id,
                now=now,
                lifetime=request.client.id_token_lifetime or DEFAULT_ID_TOKEN_LIFETIME,
                profile=owner.claims,
                scopes=scope,
                auth_time=now,
            ),
            typ=ID_TOKEN_TYP,
        )
    return TokenResponse(
        access_token=access_token,
        expires_in=lifetime,
        scope=format_scope(scope) or None,
        id_token=id_token,
    )


def _granted_scopes(requested: list[str], api: ApiRecord | None) -> list[str]:
    oidc = [scope for scope in requested if scope in OIDC_SCOPES and scope != "offline_access"]
    if api is None:
        unknown = [scope for scope in requested if scope not in OIDC_SCOPES]
        if unknown:
            raise InvalidScope("Scopes other than OpenID Connect ones need an audience.")
        return oidc
    api_requested = [scope for scope in requested if scope not in OIDC_SCOPES]
    if api_requested:
        return oidc + [scope for scope in api_requested if scope in api.scopes]
    return oidc + sorted(api.scopes)
