"""The logout pages, and the end of every logout (DESIGN §3.5; OpenID Connect RP-Initiated
Logout 1.0 §2 confirmation, §3 redirection, §4 errors; reference §1.9).

- ``decide``: a valid end-session request either ends the session at once or, when §2 says
  the user must be asked, goes to the confirmation page.
- ``GET /u/logout?state=...``: the end-session request sealed by ``/oidc/logout`` (AES-GCM,
  bound to the tenant, ten minutes). The browser's session cookie is sent here: a cross-site
  form POST to ``/oidc/logout`` carries no ``SameSite=Lax`` cookie, the top-level GET it is
  redirected to does.
- ``POST /u/logout``: the user's answer, CSRF-protected (``web.csrf``); the request is
  validated again against the current configuration.
- ``leave``: ends the session (``slo``), deletes the cookie, then redirects to the registered
  URL or shows the logged-out page. ``refused``: an error page (``flo``), never a redirect.
"""

from __future__ import annotations

import binascii
from urllib.parse import parse_qsl, urlencode

import orjson
from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from authgate.core.secretbox import DecryptionError
from authgate.http.params import unique_pairs
from authgate.http.tenancy import request_info, resolve_tenant, services_of
from authgate.protocol import jose
from authgate.protocol.endpoints.end_session import (
    EndSessionRequest,
    needs_confirmation,
    validate_end_session,
)
from authgate.protocol.errors import InvalidRequest
from authgate.protocol.ports import ClientRecord, TenantRecord
from authgate.services import CachedDirectory
from authgate.sessions.service import COOKIE
from authgate.web import csrf
from authgate.web.render import SECURITY_HEADERS, page

router = APIRouter(include_in_schema=False)
LIFETIME_SECONDS = 600
MAX_FORM_BYTES = 32 * 1024
EXPIRED = "This logout request has expired or is invalid. Return to the application and try again."


def seal(request: Request, tenant: TenantRecord, params: dict[str, str]) -> str:
    services = services_of(request)
    body = {"p": params, "t": services.clock.time()}
    return services.transactions.seal(orjson.dumps(body), f"logout:{tenant.id}")


def unseal(request: Request, tenant: TenantRecord, token: str) -> dict[str, str] | None:
    services = services_of(request)
    if not token or len(token) > 32_768:
        return None
    try:
        body = orjson.loads(services.transactions.open(token, f"logout:{tenant.id}"))
    except (DecryptionError, binascii.Error, ValueError):
        return None
    if services.clock.time() - float(body["t"]) > LIFETIME_SECONDS:
        return None
    return {str(name): str(value) for name, value in body["p"].items()}


async def validated(
    request: Request, tenant: TenantRecord, params: dict[str, str]
) -> EndSessionRequest:
    services = services_of(request)
    keys = await services.keys.tenant_keys(tenant)
    return await validate_end_session(
        params,
        CachedDirectory(services, tenant.id),
        tenant,
        keys=keys.verification,
        algorithms=jose.ASYMMETRIC_ALGORITHMS,
    )


async def decide(
    request: Request, tenant: TenantRecord, params: dict[str, str], *, sealed: str | None
) -> Response:
    """End the session, or ask first (rendering the page when the request is ``sealed``)."""
    services = services_of(request)
    try:
        end_session = await validated(request, tenant, params)
    except InvalidRequest as exc:
        return await refused(request, tenant, exc, params.get("client_id"))
    async with services.db.unit_of_work(write=False) as session:
        current = await services.logout.current(session, tenant, request.cookies.get(COOKIE))
    if not needs_confirmation(
        end_session,
        session_id=current.id if current else None,
        session_subject=current.user_id if current else None,
    ):
        return await leave(request, tenant, end_session.client, end_session.redirect_target)
    if sealed is None:
        target = f"/u/logout?{urlencode({'state': seal(request, tenant, params)})}"
        return RedirectResponse(target, status_code=303, headers=SECURITY_HEADERS)
    client_name = end_session.client.name if end_session.client else None
    context = {"state": sealed, "client_name": client_name}
    return page(request, tenant, "logout.html", context)


async def leave(
    request: Request, tenant: TenantRecord, client: ClientRecord | None, target: str | None
) -> Response:
    """Ends the browser's session, then sends it to ``target`` (already checked) or shows
    the logged-out page."""
    services = services_of(request)
    async with services.db.unit_of_work(write=True) as session:
        await services.logout.log_out(
            session,
            tenant,
            request.cookies.get(COOKIE),
            client=client,
            info=request_info(request, tenant),
            return_to=target,
        )
    response: Response
    if target is not None:
        response = RedirectResponse(target, status_code=302, headers=SECURITY_HEADERS)
    else:
        context = {"heading": "You are logged out", "message": "You can close this window."}
        response = page(request, tenant, "message.html", context)
    response.delete_cookie(
        COOKIE, path="/", secure=tenant.issuer.startswith("https://"), httponly=True
    )
    return response


async def refused(
    request: Request, tenant: TenantRecord, exc: InvalidRequest, client_id: str | None
) -> Response:
    """An error page for a logout that cannot be done as asked; the session stays."""
    services = services_of(request)
    await services.logout.refused(tenant, exc.description, client_id, request_info(request, tenant))
    context = {"heading": "Logout failed", "message": exc.description, "error": True}
    return page(request, tenant, "message.html", context, status=400)


def _expired(request: Request, tenant: TenantRecord) -> Response:
    context = {"heading": "Logout failed", "message": EXPIRED, "error": True}
    return page(request, tenant, "message.html", context, status=400)


@router.get("/u/logout")
async def logout_page(request: Request, state: str = "") -> Response:
    tenant = await resolve_tenant(request)
    params = unseal(request, tenant, state)
    if params is None:
        return _expired(request, tenant)
    return await decide(request, tenant, params, sealed=state)


@router.post("/u/logout")
async def confirm_logout(request: Request) -> Response:
    tenant = await resolve_tenant(request)
    body = await request.body()
    try:
        if len(body) > MAX_FORM_BYTES:
            raise InvalidRequest("The form is too large.")
        form = unique_pairs(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    except InvalidRequest:
        return _expired(request, tenant)
    params = unseal(request, tenant, form.get("state", ""))
    if params is None or not csrf.valid(request, form.get(csrf.FIELD), tenant.issuer):
        return _expired(request, tenant)
    try:
        end_session = await validated(request, tenant, params)
    except InvalidRequest as exc:
        return await refused(request, tenant, exc, params.get("client_id"))
    if form.get("action") == "accept":
        return await leave(request, tenant, end_session.client, end_session.redirect_target)
    context = {"heading": "You are still logged in", "message": "You chose not to log out."}
    return page(request, tenant, "message.html", context)
