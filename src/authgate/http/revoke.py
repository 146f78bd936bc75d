"""``POST /oauth/revoke`` (RFC 7009; reference §1.3): a client revokes a refresh token it holds,
and with it the token's whole family. The answer is 200 whether or not the token was known
(§2.2), so the endpoint reveals nothing about tokens; access tokens are self-contained JWTs
that expire on their own and are not revocable here (``unsupported_token_type`` is not used,
as Auth0 answers 200)."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from authgate.core.request_info import RequestInfo
from authgate.http import cors
from authgate.http.errors import oauth_error
from authgate.http.forwarding import client_ip
from authgate.http.params import body_params
from authgate.http.tenancy import resolve_tenant, services_of
from authgate.logs.service import Event
from authgate.protocol.client_auth import authenticate_client
from authgate.protocol.errors import InvalidRequest, OAuthError
from authgate.protocol.ports import TenantRecord
from authgate.services import CachedDirectory
from authgate.tokens.service import RefreshTokenService

router = APIRouter(include_in_schema=False)


@router.post("/oauth/revoke")
async def revoke(request: Request) -> Response:
    tenant = await resolve_tenant(request)
    params = await body_params(request)
    try:
        response = await _revoke(request, tenant, params)
    except OAuthError as exc:
        response = oauth_error(request, exc)
    return await cors.for_client(request, params.get("client_id"), response)


async def _revoke(request: Request, tenant: TenantRecord, params: dict[str, str]) -> Response:
    services = services_of(request)
    client = await authenticate_client(
        params, request.headers.get("authorization"), CachedDirectory(services, tenant.id)
    )
    token = params.get("token")
    if not token:
        raise InvalidRequest("Missing required parameter: token")
    await RefreshTokenService(services.db, services.clock, tenant.id).revoke(token, client)
    info = RequestInfo(
        ip=client_ip(request, services.settings.trusted_proxies),
        user_agent=request.headers.get("user-agent"),
    )
    event = Event(
        type="srrt",
        client_id=client.client_id,
        client_name=client.name,
        ip=info.ip,
        user_agent=info.user_agent,
        description="Revoked refresh token",
    )
    services.logs.record(tenant.id, tenant.domain, event)
    return Response(status_code=200, headers={"Cache-Control": "no-store"})
