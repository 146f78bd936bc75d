"""The client credentials grant (RFC 6749 §4.4) with Auth0's client grants and audiences.

The client acts on its own behalf: it must be confidential (§4.4: "MUST only be used by
confidential clients"), the audience must be an API of the tenant (the ``audience`` parameter
or the tenant's ``default_audience``), and a client grant must exist for the client and that
API. The token carries the requested scopes that are both granted and defined by the API, or
all of them when none are requested; never a scope the API does not define (security.md §5,
"scope over-issue"). No refresh token and no ID token are issued (§4.4.3).
"""

from __future__ import annotations

from authgate.protocol.errors import AccessDenied, InvalidScope, UnauthorizedClient
from authgate.protocol.grants.base import GrantRequest, TokenContext, TokenResponse
from authgate.protocol.scopes import format_scope, parse_scope
from authgate.protocol.tokens import ACCESS_TOKEN_TYP, access_token_claims

GRANT_TYPE = "client_credentials"
GTY_CLAIM = "client-credentials"


async def handle(request: GrantRequest, ctx: TokenContext) -> TokenResponse:
    client = request.client
    if client.is_public:
        raise UnauthorizedClient(f"Grant type '{GRANT_TYPE}' not allowed for the client.")
    audience = request.params.get("audience") or ctx.tenant.default_audience
    if not audience:
        raise AccessDenied(
            "No audience parameter was provided, and no default audience has been configured"
        )
    api = await ctx.directory.api(audience)
    if api is None:
        raise AccessDenied("Service not found: the audience is not an API of this tenant")
    grant = await ctx.directory.client_grant(client.client_id, api.identifier)
    if grant is None:
        raise AccessDenied(
            "Client is not authorized to access this API. "
            "Create a client grant for the client and the API."
        )
    grantable = [scope for scope in sorted(grant.scopes) if scope in api.scopes]
    requested = parse_scope(request.params.get("scope"))
    if requested:
        scope = [token for token in requested if token in grantable]
        if not scope:
            raise InvalidScope("None of the requested scopes are granted to the client.")
    else:
        scope = grantable
    now = int(ctx.clock.time())
    claims = access_token_claims(
        issuer=ctx.tenant.issuer,
        subject=f"{client.client_id}@clients",
        audience=api.identifier,
        client_id=client.client_id,
        scope=scope,
        grant=GTY_CLAIM,
        now=now,
        lifetime=api.token_lifetime,
    )
    token = ctx.signer.sign(claims, typ=ACCESS_TOKEN_TYP, api=api)
    return TokenResponse(
        access_token=token,
        expires_in=api.token_lifetime,
        scope=format_scope(scope) or None,
    )
