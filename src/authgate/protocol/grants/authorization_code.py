"""The authorization code grant at the token endpoint (RFC 6749 §4.1.3; RFC 7636 §4.6;
RFC 9700 §4.5 and §2.1.1; security.md BCP-12, BCP-14, BCP-16).

Checks, in order, none of which consumes the code, so a thief without the verifier cannot
burn a victim's code: the code exists and has not expired (60 seconds); it was issued to this
client (§4.1.3 "ensure that the authorization code was issued to the authenticated
confidential client, or ... public client"); ``redirect_uri`` is the one of the authorization
request when that one was sent (§4.1.3); the PKCE verifier matches, and none is accepted for
a code issued without a challenge (downgrade). Then the code is consumed atomically: of two
concurrent redemptions exactly one wins. A valid redemption of a code already consumed is a
replay: the tokens it produced (its refresh token family) are revoked (BCP-14).
"""

from __future__ import annotations

from authgate.protocol import issuance, pkce
from authgate.protocol.errors import InvalidGrant, InvalidRequest, ServerError
from authgate.protocol.grants.base import GrantRequest, TokenContext, TokenResponse

GRANT_TYPE = "authorization_code"
INVALID_CODE = "Invalid authorization code"


async def handle(request: GrantRequest, ctx: TokenContext) -> TokenResponse:
    params, client = request.params, request.client
    if ctx.codes is None or ctx.users is None:
        raise ServerError("Authorization codes are not available.")
    code = params.get("code")
    if not code:
        raise InvalidRequest("Missing required parameter: code")
    grant = await ctx.codes.find(code)
    if grant is None or grant.expires_at <= ctx.clock.time():
        raise InvalidGrant(INVALID_CODE, detail="unknown or expired code")
    if grant.client_id != client.client_id:
        raise InvalidGrant(INVALID_CODE, detail="code issued to another client")
    redirect_uri = params.get("redirect_uri")
    if redirect_uri is not None and redirect_uri != grant.redirect_uri:
        raise InvalidGrant("redirect_uri does not match the authorization request.")
    pkce.verify(grant.code_challenge, params.get("code_verifier"))
    if not await ctx.codes.consume(code):
        await ctx.codes.revoke_family(grant.family_id)
        raise InvalidGrant(INVALID_CODE, detail="code replayed: its tokens were revoked")
    owner = await ctx.users.owner(grant.user_ref)
    if owner is None or owner.blocked:
        raise InvalidGrant(INVALID_CODE, detail="user deleted or blocked")
    api = await ctx.directory.api(grant.audience) if grant.audience else None
    authz = issuance.Authorization(
        owner=owner,
        client=client,
        scope=grant.scope,
        api=api,
        auth_time=grant.auth_time,
        nonce=grant.nonce,
        session_id=grant.session_id,
    )
    return await issuance.issue(ctx, authz, grant=None, family_id=grant.family_id)
