"""The token endpoint (RFC 6749 §3.2, §5).

A readable pipeline: the grant type is known, the client authenticates, the client may use the
grant, and the grant's handler decides. Parameters arrive already de-duplicated by the transport
(a repeated parameter is an ``invalid_request``, RFC 6749 §3.2).
"""

from __future__ import annotations

from collections.abc import Mapping

from authgate.protocol.client_auth import authenticate_client
from authgate.protocol.errors import InvalidRequest, UnauthorizedClient, UnsupportedGrantType
from authgate.protocol.grants import GRANTS
from authgate.protocol.grants.base import GrantRequest, TokenContext, TokenResponse


async def token_endpoint(
    params: Mapping[str, str], authorization: str | None, ctx: TokenContext
) -> tuple[str, TokenResponse]:
    """The grant type used and the response to send."""
    grant_type = params.get("grant_type")
    if not grant_type:
        raise InvalidRequest("Missing required parameter: grant_type")
    handler = GRANTS.get(grant_type)
    if handler is None:
        raise UnsupportedGrantType("Unsupported grant type.")
    client = await authenticate_client(params, authorization, ctx.directory)
    if grant_type not in client.grant_types:
        raise UnauthorizedClient(f"Grant type '{grant_type}' not allowed for the client.")
    return grant_type, await handler(GrantRequest(params=params, client=client), ctx)
