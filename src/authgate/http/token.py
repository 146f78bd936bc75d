"""``POST /oauth/token`` (RFC 6749 §3.2): parse the body, run the token endpoint, render, with
CORS for the application's web origins (``http.cors``).

Each exchange is logged: successes through the batched writer (no database round trip on the
request), failures durably before the response.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from authgate.core.request_info import RequestInfo
from authgate.http import cors
from authgate.http.errors import known_error, oauth_error
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
    try:
        response = await _exchange(request, tenant, params)
    except OAuthError as exc:
        response = oauth_error(request, exc)
    # browser apps read successes and errors alike (spa-js tells invalid_grant from others)
    return await cors.for_client(request, params.get("client_id"), response)


async def _exchange(request: Request, tenant: TenantRecord, params: dict[str, str]) -> Response:
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


@dataclass(frozen=True)
class _Route:
    """What the access log reads to name the route of a request (``scope["route"].path``)."""

    path: str


TOKEN_PATH = "/oauth/token"
_TOKEN_ROUTE = _Route(TOKEN_PATH)


class TokenFastPath:
    """``POST /oauth/token`` served straight from the middleware stack, before FastAPI's
    routing and dependency machinery: the token endpoint is the hot path (DESIGN §5) and needs
    none of it. Errors render exactly as the app's exception handlers render them."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != TOKEN_PATH or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        scope["route"] = _TOKEN_ROUTE
        request = Request(scope, receive)
        try:
            response = await token(request)
        except Exception as exc:
            known = known_error(request, exc)
            if known is None:
                raise
            response = known
        await response(scope, receive, send)
