"""``POST /oauth/token`` (RFC 6749 §3.2): parse the body, run the token endpoint, render."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from authgate.http.params import body_params
from authgate.http.responses import NO_STORE, json_response
from authgate.http.tenancy import resolve_tenant, services_of
from authgate.protocol.endpoints.token import token_endpoint

router = APIRouter()


@router.post("/oauth/token", include_in_schema=False)
async def token(request: Request) -> Response:
    tenant = await resolve_tenant(request)
    params = await body_params(request)
    services = services_of(request)
    context = await services.token_context(tenant)
    grant_type, response = await token_endpoint(
        params, request.headers.get("authorization"), context
    )
    request.app.state.metrics.tokens_issued.labels(grant_type).inc()
    return json_response(response.body(), headers=NO_STORE)
