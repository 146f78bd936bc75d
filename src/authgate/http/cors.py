"""Cross-origin calls from browser applications (Fetch standard, "CORS protocol") to the token,
revocation and userinfo endpoints (DESIGN §3.4). Never on ``/authorize`` or the hosted pages
(security.md BCP-23); discovery and the JWKS are public documents (``http.wellknown``).

An origin is allowed when an application lists it in ``web_origins`` or ``allowed_origins``:
for the token and revocation endpoints, the application the request names (``client_id``); for
a preflight, which carries no body, and for /userinfo, any application of the tenant. Other
origins get no CORS headers, so the browser keeps the response from the page. Origins compare
as exact strings; no credentials (cookies) are accepted cross-origin.
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from authgate.http.tenancy import resolve_tenant, services_of
from authgate.protocol.ports import ClientRecord, TenantRecord

router = APIRouter(include_in_schema=False)

ALLOWED_HEADERS = "Auth0-Client, Authorization, Content-Type, DPoP"
EXPOSED_HEADERS = "WWW-Authenticate, DPoP-Nonce"
MAX_AGE_SECONDS = "600"


def _allow(response: Response, origin: str) -> Response:
    response.headers["Access-Control-Allow-Origin"] = origin
    response.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
    response.headers["Vary"] = "Origin"
    return response


async def _tenant_allows(request: Request, tenant: TenantRecord, origin: str) -> bool:
    return origin in await services_of(request).clients.cors_origins(tenant.id)


async def for_client(request: Request, client_id: str | None, response: Response) -> Response:
    """``response`` readable by the page when the named application allows its origin."""
    origin = request.headers.get("origin")
    if not origin or not client_id:
        return response
    tenant = await resolve_tenant(request)
    client: ClientRecord | None = await services_of(request).clients.record(tenant.id, client_id)
    if client is not None and origin in (*client.web_origins, *client.allowed_origins):
        return _allow(response, origin)
    return response


async def for_tenant(request: Request, response: Response) -> Response:
    """``response`` readable by the page when some application of the tenant allows its
    origin."""
    origin = request.headers.get("origin")
    if origin and await _tenant_allows(request, await resolve_tenant(request), origin):
        return _allow(response, origin)
    return response


async def _preflight(request: Request, methods: str) -> Response:
    origin = request.headers.get("origin")
    tenant = await resolve_tenant(request)
    if not origin or not await _tenant_allows(request, tenant, origin):
        return Response(status_code=403, headers={"Vary": "Origin"})
    return Response(
        status_code=204,
        headers={
            "Access-Control-Allow-Origin": origin,
            "Access-Control-Allow-Methods": methods,
            "Access-Control-Allow-Headers": ALLOWED_HEADERS,
            "Access-Control-Max-Age": MAX_AGE_SECONDS,
            "Vary": "Origin",
        },
    )


@router.options("/oauth/token")
async def token_preflight(request: Request) -> Response:
    return await _preflight(request, "POST")


@router.options("/oauth/revoke")
async def revoke_preflight(request: Request) -> Response:
    return await _preflight(request, "POST")


@router.options("/userinfo")
async def userinfo_preflight(request: Request) -> Response:
    return await _preflight(request, "GET, POST")
