"""``GET /v2/logout`` (Auth0) and ``GET|POST /oidc/logout`` (OpenID Connect RP-Initiated
Logout 1.0): end the browser's SSO session and go back to an allowed URL
(``protocol.endpoints.logout`` decides what is allowed).

``/oidc/logout`` without an ``id_token_hint`` asks the user first (§2: the OP SHOULD ask the
user whether to log out when the request may not come from the RP), on the CSRF-protected
page ``/u/logout``. Each logout is logged ``slo``, a refused one ``flo``.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from authgate.http.forwarding import client_ip
from authgate.http.params import MAX_BODY_BYTES, unique_pairs
from authgate.http.tenancy import resolve_tenant, services_of
from authgate.logs.service import Event
from authgate.protocol import jose
from authgate.protocol.endpoints import logout
from authgate.protocol.errors import InvalidRequest
from authgate.protocol.ports import ClientRecord, TenantRecord
from authgate.sessions.service import COOKIE
from authgate.web import csrf
from authgate.web.i18n import page_locale
from authgate.web.render import SECURITY_HEADERS, page

router = APIRouter(include_in_schema=False)
CONFIRM_PATH = "/u/logout"
FORWARDED = ("id_token_hint", "post_logout_redirect_uri", "state", "client_id", "logout_hint")


@router.get("/v2/logout")
async def v2_logout(request: Request) -> Response:
    tenant = await resolve_tenant(request)
    params = unique_pairs(parse_qsl(request.url.query))
    client = await _client(request, tenant, params.get("client_id"))
    try:
        target = logout.return_to(params.get("returnTo"), client, tenant)
    except logout.LogoutRefused as exc:
        return await _refused(request, tenant, client, exc.description)
    return await _end(request, tenant, client, target)


@router.api_route("/oidc/logout", methods=["GET", "POST"])
async def oidc_logout(request: Request) -> Response:
    tenant = await resolve_tenant(request)
    return await _oidc(request, tenant, await _params(request), confirmed=False)


@router.get(CONFIRM_PATH)
async def confirm_page(request: Request) -> Response:
    tenant = await resolve_tenant(request)
    params = unique_pairs(parse_qsl(request.url.query))
    kept = {name: params[name] for name in FORWARDED if name in params}
    locale = _locale(request, tenant, params)
    return page(request, tenant, "logout.html", {"params": kept}, locale=locale)


@router.post(CONFIRM_PATH)
async def confirmed_logout(request: Request) -> Response:
    tenant = await resolve_tenant(request)
    params = await _params(request)
    confirmed = csrf.valid(request, params.get(csrf.FIELD), tenant.issuer)
    return await _oidc(request, tenant, params, confirmed=confirmed)


async def _oidc(
    request: Request, tenant: TenantRecord, params: dict[str, str], *, confirmed: bool
) -> Response:
    services = services_of(request)
    client: ClientRecord | None = None
    try:
        client_id = params.get("client_id")
        hint = params.get("id_token_hint")
        if hint:
            keys = await services.keys.tenant_keys(tenant)
            claims = logout.id_token_hint(
                hint, keys=keys.verification, algorithms=jose.ASYMMETRIC_ALGORITHMS, tenant=tenant
            )
            client_id = logout.hint_client_id(claims, client_id)
        client = await _client(request, tenant, client_id)
        target = logout.post_logout_redirect(params.get("post_logout_redirect_uri"), client)
    except logout.LogoutRefused as exc:
        return await _refused(request, tenant, client, exc.description)
    if not hint and not confirmed:
        kept = {name: params[name] for name in FORWARDED if name in params}
        asked = f"{CONFIRM_PATH}?{urlencode(kept)}"
        return RedirectResponse(asked, status_code=303, headers=SECURITY_HEADERS)
    if target is not None and params.get("state"):
        target = _with_query(target, state=params["state"])
    return await _end(request, tenant, client, target)


async def _params(request: Request) -> dict[str, str]:
    if request.method == "GET":
        return unique_pairs(parse_qsl(request.url.query))
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        raise InvalidRequest("The request body is too large.")
    return unique_pairs(parse_qsl(body.decode("utf-8", "replace")))


async def _client(
    request: Request, tenant: TenantRecord, client_id: str | None
) -> ClientRecord | None:
    if not client_id:
        return None
    client = await services_of(request).clients.record(tenant.id, client_id[:128])
    if client is None:
        raise InvalidRequest("Unknown client.")
    return client


async def _end(
    request: Request, tenant: TenantRecord, client: ClientRecord | None, target: str | None
) -> Response:
    services = services_of(request)
    async with services.db.unit_of_work(write=True) as session:
        ended = await services.sessions.end(session, tenant.id, request.cookies.get(COOKIE, ""))
    services.logs.record(tenant.id, tenant.domain, _event(request, client, "slo", ended))
    if target is not None:
        response: Response = RedirectResponse(target, status_code=302, headers=SECURITY_HEADERS)
    else:
        response = page(
            request,
            tenant,
            "message.html",
            {"heading": "You are logged out", "message": "You can close this window."},
            locale=_locale(request, tenant, {}),
        )
    response.delete_cookie(COOKIE, path="/")
    return response


async def _refused(
    request: Request, tenant: TenantRecord, client: ClientRecord | None, message: str
) -> Response:
    event = _event(request, client, "flo", None)
    event.description = message
    await services_of(request).logs.record_now(tenant.id, tenant.domain, event)
    context = {"heading": "Something went wrong", "message": message, "error": True}
    locale = _locale(request, tenant, {})
    return page(request, tenant, "message.html", context, status=400, locale=locale)


def _event(request: Request, client: ClientRecord | None, kind: str, sid: str | None) -> Event:
    proxies = services_of(request).settings.trusted_proxies
    return Event(
        type=kind,
        client_id=client.client_id if client else None,
        client_name=client.name if client else None,
        ip=client_ip(request, proxies),
        user_agent=request.headers.get("user-agent"),
        details={"session_id": sid} if sid else {},
    )


def _locale(request: Request, tenant: TenantRecord, params: dict[str, str]) -> str:
    accept = request.headers.get("accept-language")
    return page_locale(params.get("ui_locales"), accept, tenant.enabled_locales)


def _with_query(url: str, **extra: str) -> str:
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True) + list(extra.items())
    return urlunsplit(parts._replace(query=urlencode(query)))
