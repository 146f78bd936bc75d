"""``POST /oauth/token`` (RFC 6749 §3.2): parse the body, run the token endpoint, render.

Each exchange is logged: successes through the batched writer (no database round trip on the
request), failures durably before the response.
"""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from authgate.core.request_info import RequestInfo
from authgate.http.forwarding import client_ip
from authgate.http.params import body_params
from authgate.http.responses import NO_STORE, json_response
from authgate.http.tenancy import resolve_tenant, services_of
from authgate.logs.codes import EXCHANGE_CODES
from authgate.logs.service import Event
from authgate.protocol.endpoints.token import token_endpoint
from authgate.protocol.errors import OAuthError
from authgate.protocol.ports import TenantRecord

router = APIRouter()


def _event(request: Request, tenant: TenantRecord, params: Mapping[str, str], code: str) -> Event:
    proxies = services_of(request).settings.trusted_proxies
    return Event(
        type=code,
        client_id=params.get("client_id"),
        audience=params.get("audience") or tenant.default_audience,
        scope=params.get("scope"),
        ip=client_ip(request, proxies),
        user_agent=request.headers.get("user-agent"),
    )


@router.post("/oauth/token", include_in_schema=False)
async def token(request: Request) -> Response:
    tenant = await resolve_tenant(request)
    params = await body_params(request)
    services = services_of(request)
    info = RequestInfo(
        ip=client_ip(request, services.settings.trusted_proxies),
        user_agent=request.headers.get("user-agent"),
        hostname=tenant.domain,
    )
    context = await services.token_context(tenant, info)
    codes = EXCHANGE_CODES.get(params.get("grant_type", ""))
    try:
        grant_type, response = await token_endpoint(
            params, request.headers.get("authorization"), context
        )
    except OAuthError as exc:
        if codes is not None and not exc.logged:
            event = _event(request, tenant, params, codes[1])
            event.description = exc.description
            event.details = {"error": {"error": exc.error, "message": exc.description}}
            await services.logs.record_now(tenant.id, tenant.domain, event)
        raise
    request.app.state.metrics.tokens_issued.labels(grant_type).inc()
    if codes is not None and codes[0] is not None:
        event = _event(request, tenant, params, codes[0])
        event.scope = response.scope
        services.logs.record(tenant.id, tenant.domain, event)
    return json_response(response.body(), headers=NO_STORE)
