"""The refresh token grant (RFC 6749 §6; RFC 9700 §4.14; security.md BCP-25..29).

The token is bound to its client; a rotating client gets a new refresh token each time and a
rotated one presented again revokes the whole family (the store decides that atomically, see
``protocol.ports.RefreshStore``). ``scope`` may narrow the new access token, never widen it
(§6: "MUST NOT include any scope not originally granted"); the refresh token keeps the
original scope. A blocked or deleted user gets nothing.
"""

from __future__ import annotations

from authgate.protocol import issuance
from authgate.protocol.errors import (
    AccessDenied,
    InvalidGrant,
    InvalidRequest,
    InvalidScope,
    ServerError,
)
from authgate.protocol.grants.base import GrantRequest, TokenContext, TokenResponse
from authgate.protocol.scopes import parse_scope

GRANT_TYPE = "refresh_token"


async def handle(request: GrantRequest, ctx: TokenContext) -> TokenResponse:
    params, client = request.params, request.client
    if ctx.refresh_tokens is None or ctx.users is None:
        raise ServerError("Refresh tokens are not available.")
    token = params.get("refresh_token")
    if not token:
        raise InvalidRequest("Missing required parameter: refresh_token")
    requested = parse_scope(params.get("scope"))
    grant = await ctx.refresh_tokens.exchange(token, client)
    if requested and not set(requested) <= set(grant.scope):
        raise InvalidScope("The requested scope exceeds the scope granted by the resource owner.")
    owner = grant.owner or await ctx.users.owner(grant.user_ref)
    if owner is None:
        raise InvalidGrant("Unknown or invalid refresh token.", detail="user deleted")
    if owner.blocked:
        raise AccessDenied("user is blocked")
    api = await ctx.directory.api(grant.audience) if grant.audience else None
    authz = issuance.Authorization(
        owner=owner,
        client=client,
        scope=grant.scope,
        api=api,
        auth_time=grant.auth_time,
        session_id=grant.session_id,
    )
    narrowed = tuple(scope for scope in grant.scope if scope in requested) if requested else None
    return await issuance.issue(
        ctx, authz, grant=None, refresh_token=grant.successor or "", access_scope=narrowed
    )
