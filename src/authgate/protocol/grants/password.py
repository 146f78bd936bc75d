"""The resource owner password credentials grant (RFC 6749 §4.3) and Auth0's password-realm
extension (``http://auth0.com/oauth/grant-type/password-realm``, reference §1.3).

Legacy and off by default: only a client whose ``grant_types`` include it may use it. The
password grant authenticates in the tenant's ``default_directory``; password-realm in the
connection named by ``realm``. Wrong credentials are ``invalid_grant`` "Wrong email or
password." whether or not the user exists. Tokens as every user grant issues them
(``protocol.issuance``).
"""

from __future__ import annotations

from authgate.protocol import issuance
from authgate.protocol.errors import InvalidRequest, UnauthorizedClient
from authgate.protocol.grants.base import GrantRequest, TokenContext, TokenResponse
from authgate.protocol.scopes import parse_scope

PASSWORD = "password"
PASSWORD_REALM = "http://auth0.com/oauth/grant-type/password-realm"


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
    scope = issuance.user_scopes(requested, api, request.client)
    authz = issuance.Authorization(
        owner=owner,
        client=request.client,
        scope=tuple(scope),
        api=api,
        auth_time=int(ctx.clock.time()),
    )
    return await issuance.issue(ctx, authz, grant=PASSWORD)
