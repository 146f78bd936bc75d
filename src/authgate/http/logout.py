"""``GET /v2/logout`` (Auth0) and ``GET|POST /oidc/logout`` (OpenID Connect RP-Initiated
Logout 1.0, the ``end_session_endpoint``); reference §1.9.

Both end the browser's SSO session and send it only to a registered URL
(``protocol.post_logout``; security.md BCP-03); a request that cannot be honoured as asked gets
an error page and keeps the session. ``/v2/logout`` asks nothing, as Auth0 does; ``/oidc/logout``
asks the user first when §2 requires it (``web.logout.decide``). A form POST to
``/oidc/logout`` is validated, then continued with a GET to ``/u/logout`` (see ``web.logout``).
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from authgate.http.params import body_params, unique_pairs
from authgate.http.tenancy import resolve_tenant, services_of
from authgate.protocol.endpoints.logout import validate_logout
from authgate.protocol.errors import InvalidRequest
from authgate.services import CachedDirectory
from authgate.web import logout as pages
from authgate.web.render import SECURITY_HEADERS

router = APIRouter(include_in_schema=False)


@router.get("/v2/logout")
async def auth0_logout(request: Request) -> Response:
    tenant = await resolve_tenant(request)
    params: dict[str, str] = {}
    try:
        params = unique_pairs(parse_qsl(request.url.query, keep_blank_values=True))
        logout = await validate_logout(
            params, CachedDirectory(services_of(request), tenant.id), tenant
        )
    except InvalidRequest as exc:
        return await pages.refused(request, tenant, exc, params.get("client_id"))
    return await pages.leave(request, tenant, logout.client, logout.return_to)


@router.get("/oidc/logout")
async def end_session(request: Request) -> Response:
    tenant = await resolve_tenant(request)
    try:
        params = unique_pairs(parse_qsl(request.url.query, keep_blank_values=True))
    except InvalidRequest as exc:
        return await pages.refused(request, tenant, exc, None)
    return await pages.decide(request, tenant, params, sealed=None)


@router.post("/oidc/logout")
async def end_session_by_form(request: Request) -> Response:
    tenant = await resolve_tenant(request)
    params: dict[str, str] = {}
    try:
        params = await body_params(request)
        await pages.validated(request, tenant, params)
    except InvalidRequest as exc:
        return await pages.refused(request, tenant, exc, params.get("client_id"))
    target = f"/u/logout?{urlencode({'state': pages.seal(request, tenant, params)})}"
    return RedirectResponse(target, status_code=303, headers=SECURITY_HEADERS)
