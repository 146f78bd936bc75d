"""``GET|POST /authorize`` and ``GET /authorize/resume`` (RFC 6749 §3.1, §4.1; OpenID Connect
Core §3.1.2; RFC 9207; reference §1.2).

The route parses the request, ``protocol.endpoints.authorize`` validates it, the browser's SSO
session and ``protocol.interaction`` decide the next step: a hosted page (the request travels
sealed as its ``state``, ``web.transaction``) or a code for the client, delivered in the
requested response mode. No CORS here (security.md BCP-23).
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from authgate.http.params import MAX_BODY_BYTES
from authgate.http.tenancy import request_info, resolve_tenant, services_of
from authgate.logs.service import Event
from authgate.protocol.endpoints.authorize import (
    AuthorizationRequest,
    AuthorizePageError,
    Redirected,
    validate,
)
from authgate.protocol.errors import AccessDenied, InvalidRequest, OAuthError
from authgate.protocol.interaction import SessionState, Step, next_step
from authgate.protocol.issuance import Authorization, issue_at_authorization, user_scopes
from authgate.protocol.ports import TenantRecord
from authgate.protocol.response_modes import respond
from authgate.services import CachedDirectory, Services
from authgate.sessions.service import COOKIE
from authgate.tokens.service import NewCode
from authgate.users.profiles import UserProfiles
from authgate.web import transaction
from authgate.web.authorization_response import render_response
from authgate.web.render import SECURITY_HEADERS, page

router = APIRouter(include_in_schema=False)
STEP_PAGES = {Step.LOGIN: "/u/login", Step.SIGNUP: "/u/signup", Step.CONSENT: "/u/consent"}


@router.api_route("/authorize", methods=["GET", "POST"])
async def authorize(request: Request) -> Response:
    tenant = await resolve_tenant(request)
    services = services_of(request)
    if request.method == "POST":
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            raise InvalidRequest("The request body is too large.")
        pairs = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
    else:
        pairs = parse_qsl(request.url.query, keep_blank_values=True)
    params, repeated = _params(pairs)
    txn = transaction.Transaction(params, services.clock.time(), tuple(sorted(repeated)))
    return await run(request, tenant, txn)


@router.get("/authorize/resume")
async def resume(request: Request, state: str = "") -> Response:
    tenant = await resolve_tenant(request)
    services = services_of(request)
    txn = transaction.unseal(services.transactions, tenant.id, state, now=services.clock.time())
    if txn is None:
        return error_page(request, tenant, "This login request has expired. Start again.")
    return await run(request, tenant, txn)


def _params(pairs: list[tuple[str, str]]) -> tuple[dict[str, str], set[str]]:
    """Each parameter's value, empty ones dropped (BCP-22), and the names sent twice."""
    params: dict[str, str] = {}
    repeated: set[str] = set()
    for name, value in pairs:
        if not value:
            continue
        if name in params:
            repeated.add(name)
        params[name] = value
    return params, repeated


async def run(request: Request, tenant: TenantRecord, txn: transaction.Transaction) -> Response:
    """One step of an authorization transaction: validate, decide, respond."""
    services = services_of(request)
    directory = CachedDirectory(services, tenant.id)
    try:
        authz = await validate(txn.params, txn.repeated, directory, tenant)
        return await _decide(request, services, tenant, authz, txn)
    except AuthorizePageError as exc:
        return error_page(request, tenant, exc.description)
    except Redirected as redirected:
        return _redirect_error(request, tenant, redirected.error, redirected)


async def _decide(
    request: Request,
    services: Services,
    tenant: TenantRecord,
    authz: AuthorizationRequest,
    txn: transaction.Transaction,
) -> Response:
    if txn.denied:
        denied = AccessDenied("The user did not authorize the application.")
        raise Redirected(denied, authz.redirect_uri, authz.response_mode, authz.state, authz.client)
    owner = None
    async with services.db.unit_of_work(write=False) as session:
        active = await services.sessions.current(session, tenant.id, request.cookies.get(COOKIE))
        if active is not None:
            owner = await UserProfiles(services.db, tenant).owner_in(session, active.user_ref)
            if owner is None or owner.blocked:
                active = None  # the session's user is gone or blocked: the session is void
        consented = txn.consented or (authz.client.is_first_party and "consent" not in authz.prompt)
        if not consented and active is not None and "consent" not in authz.prompt:
            consented = await services.grants.covers(
                session,
                tenant,
                user_ref=active.user_ref,
                client_id=authz.client.client_id,
                audience=authz.audience,
                scopes=authz.scope,
            )
    state = SessionState(active.authenticated_at.timestamp()) if active else None
    try:
        step = next_step(
            authz, state, now=services.clock.time(), started_at=txn.started_at, consented=consented
        )
    except OAuthError as exc:
        if "none" in authz.prompt:
            failed = _silent_auth(request, tenant, authz, "fsa", exc.description)
            await services.logs.record_now(tenant.id, tenant.domain, failed)
        raise Redirected(
            exc, authz.redirect_uri, authz.response_mode, authz.state, authz.client
        ) from exc
    if step is not Step.ISSUE or active is None:
        state_token = transaction.seal(services.transactions, tenant.id, txn)
        target = f"{STEP_PAGES.get(step, '/u/login')}?{urlencode({'state': state_token})}"
        return RedirectResponse(target, status_code=302, headers=SECURITY_HEADERS)
    try:
        scope = _scope(authz)
    except OAuthError as exc:
        raise Redirected(
            exc, authz.redirect_uri, authz.response_mode, authz.state, authz.client
        ) from exc
    parts = authz.response_type.split()
    new_code = NewCode(
        client_id=authz.client.client_id,
        user_ref=active.user_ref,
        redirect_uri=authz.redirect_uri,
        scope=scope,
        audience=authz.audience,
        nonce=authz.nonce,
        code_challenge=authz.code_challenge,
        code_challenge_method=authz.code_challenge_method,
        auth_time=active.authenticated_at,
        session_id=active.id,
    )
    async with services.db.unit_of_work(write=True) as session:
        info = request_info(request, tenant)
        await services.sessions.used(session, tenant, active, authz.client.client_id, info)
        if txn.consented:  # the user accepted the consent page in this transaction
            await services.grants.remember(
                session,
                tenant,
                user_ref=active.user_ref,
                client_id=authz.client.client_id,
                audience=authz.audience,
                scopes=authz.scope,
            )
        code = services.codes(tenant.id).add(session, new_code) if "code" in parts else None
    params: dict[str, str | None] = {"code": code, "state": authz.state}
    if parts != ["code"] and owner is not None:  # implicit or hybrid: tokens from here too
        ctx = await services.token_context(tenant, info)
        granted = Authorization(
            owner=owner,
            client=authz.client,
            scope=scope,
            api=authz.api,
            auth_time=int(active.authenticated_at.timestamp()),
            nonce=authz.nonce,
            session_id=active.id,
        )
        tokens = await issue_at_authorization(
            ctx, granted, code=code, token="token" in parts, id_token="id_token" in parts
        )
        params.update(tokens)
    if "none" in authz.prompt:
        event = _silent_auth(request, tenant, authz, "ssa", None)
        event.user_id = owner.user_id if owner is not None else None
        services.logs.record(tenant.id, tenant.domain, event)
    response = respond(authz.redirect_uri, authz.response_mode, params, issuer=tenant.issuer)
    return render_response(request, response)


def _silent_auth(
    request: Request,
    tenant: TenantRecord,
    authz: AuthorizationRequest,
    kind: str,
    description: str | None,
) -> Event:
    """Auth0's ``ssa`` / ``fsa``: an authorization request with ``prompt=none``."""
    info = request_info(request, tenant)
    return Event(
        type=kind,
        description=description,
        client_id=authz.client.client_id,
        client_name=authz.client.name,
        ip=info.ip,
        user_agent=info.user_agent,
        audience=authz.audience,
        scope=" ".join(authz.scope) or None,
    )


def _scope(authz: AuthorizationRequest) -> tuple[str, ...]:
    return tuple(user_scopes(list(authz.scope), authz.api, authz.client))


def _redirect_error(
    request: Request, tenant: TenantRecord, error: OAuthError, redirected: Redirected
) -> Response:
    response = respond(
        redirected.redirect_uri,
        redirected.response_mode,
        {
            "error": error.error,
            "error_description": error.description,
            "state": redirected.state,
        },
        issuer=tenant.issuer,
    )
    return render_response(request, response)


def error_page(request: Request, tenant: TenantRecord, message: str) -> Response:
    return page(
        request,
        tenant,
        "message.html",
        {"heading": "Something went wrong", "message": message, "error": True},
        status=400,
    )
