"""The hosted login, signup and consent pages of an authorization request (DESIGN §3.5;
reference §1.2). Each page carries the request sealed in ``state`` (``web.transaction``); a
successful step starts a new SSO session and hands back to ``/authorize/resume``.

Field names are Universal Login's: ``username``, ``password``, ``action=default``.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from authgate.captcha.service import Widget
from authgate.core.errors import DomainError
from authgate.http.params import unique_pairs
from authgate.http.tenancy import request_info, resolve_tenant, services_of
from authgate.logs.service import Event
from authgate.protocol import redirect_uri
from authgate.protocol.errors import (
    AccessDenied,
    InvalidGrant,
    InvalidRequest,
    OAuthError,
    TooManyAttempts,
)
from authgate.protocol.ports import ClientRecord, ResourceOwner, TenantRecord
from authgate.services import Services
from authgate.sessions.service import COOKIE
from authgate.users.errors import PasswordRejected, UserExists
from authgate.users.profiles import resource_owner
from authgate.users.service import RuleLine, Signup
from authgate.web import csrf, transaction
from authgate.web.i18n import page_locale
from authgate.web.render import SECURITY_HEADERS, page
from authgate.web.texts import custom_texts

router = APIRouter(include_in_schema=False)
MAX_FORM_BYTES = 16 * 1024
_CSP_SOURCE = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*://[a-zA-Z0-9.:\[\]-]+")
SCOPE_DESCRIPTIONS = {
    "openid": "Confirm your identity",
    "profile": "Your profile: name, nickname and picture",
    "email": "Your email address",
    "phone": "Your phone number",
    "address": "Your address",
    "offline_access": "Stay signed in (access while you are away)",
}
"""What the consent page says for the OpenID Connect scopes (Core §5.4, §11); API scopes are
shown by name."""
EXPIRED = "This login request has expired or is invalid. Return to the application and try again."


class Step:
    """The transaction and client behind a page, or the error page to show instead."""

    def __init__(self, txn: transaction.Transaction, client: ClientRecord, state: str) -> None:
        self.txn, self.client, self.state = txn, client, state

    @property
    def requested_connection(self) -> str | None:
        return self.txn.params.get("connection")

    @property
    def client_origins(self) -> tuple[str, ...]:
        """The origin the request's answer will be sent to, where the page's forms lead in the
        end (re-checked against the client's callbacks; none when they no longer match)."""
        try:
            uri = redirect_uri.resolve(
                self.client.callbacks,
                self.txn.params.get("redirect_uri"),
                native=self.client.app_type == "native",
            )
        except InvalidRequest:
            return ()
        parts = urlsplit(uri)
        origin = f"{parts.scheme}://{parts.netloc}"
        return (origin,) if _CSP_SOURCE.fullmatch(origin) else ()


async def connection_of(request: Request, tenant: TenantRecord, step: Step) -> str:
    """The connection named by the request, the tenant's default directory, or the client's
    first enabled database connection."""
    named = step.requested_connection or tenant.default_directory
    if named:
        return named
    found = await services_of(request).connections.database_for(tenant.id, step.client.client_id)
    return found or ""


async def step_of(request: Request, tenant: TenantRecord, state: str) -> Step | None:
    services = services_of(request)
    txn = transaction.unseal(services.transactions, tenant.id, state, now=services.clock.time())
    if txn is None:
        return None
    client = await services.clients.record(tenant.id, txn.params.get("client_id", ""))
    return None if client is None else Step(txn, client, state)


async def posted(request: Request, tenant: TenantRecord) -> tuple[dict[str, str], Step | None]:
    """A page's form and its step; no step when the state or the CSRF token is not valid."""
    form = await read_form(request)
    step = await step_of(request, tenant, form.get("state", ""))
    if step is None or not csrf.valid(request, form.get(csrf.FIELD), tenant.issuer):
        return form, None
    return form, step


async def read_form(request: Request) -> dict[str, str]:
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        raise InvalidRequest("The form is too large.")
    try:
        return unique_pairs(parse_qsl(body.decode(), keep_blank_values=True))
    except UnicodeDecodeError as exc:
        raise InvalidRequest("The form is not valid UTF-8.") from exc


def _locale(request: Request, tenant: TenantRecord, step: Step | None) -> str:
    ui_locales = step.txn.params.get("ui_locales") if step is not None else None
    accept = request.headers.get("accept-language")
    return page_locale(ui_locales, accept, tenant.enabled_locales)


def expired(request: Request, tenant: TenantRecord) -> Response:
    context = {"heading": "Something went wrong", "message": EXPIRED, "error": True}
    locale = _locale(request, tenant, None)
    return page(request, tenant, "message.html", context, status=400, locale=locale)


async def render(
    request: Request,
    tenant: TenantRecord,
    template: str,
    step: Step,
    status: int = 200,
    **extra: Any,
) -> Response:
    """``template`` in the user's language with the tenant's branding (from the cache)."""
    widget: Widget | None = extra.pop("widget", None)
    context = {"state": step.state, "client_name": step.client.name, **extra}
    if widget is not None:
        context["captcha"] = widget.html
    locale = _locale(request, tenant, step)
    services = services_of(request)
    branding = await services.branding.view(tenant.id)
    context["t"] = await custom_texts(services, tenant, template, locale, step.client.name)
    prompt = template.removesuffix(".html")
    return page(
        request,
        tenant,
        template,
        context,
        status=status,
        locale=locale,
        branding=branding,
        prompt=prompt,
        screen=prompt,
        form_targets=step.client_origins,
        sources=widget.sources if widget is not None else None,
    )


# -- bot detection ------------------------------------------------------------------------

CHALLENGE_FAILED = "Complete the challenge to continue."


def binding(step: Step) -> str:
    """What a challenge of these pages is bound to: this authorization transaction."""
    return hashlib.sha256(step.state.encode()).hexdigest()[:32]


async def challenge(
    request: Request, tenant: TenantRecord, step: Step, flow: str = "password"
) -> Widget | None:
    """The challenge widget when bot detection wants one for this request of ``flow``
    (``password``: login and signup; ``password_reset``)."""
    bots = services_of(request).bots
    ip = request_info(request, tenant).ip
    if not await bots.needed(tenant.id, flow, ip, request.headers):
        return None
    return await bots.widget(tenant.id, binding(step))


async def challenge_failed(
    request: Request,
    tenant: TenantRecord,
    step: Step,
    form: dict[str, str],
    flow: str = "password",
) -> Widget | None:
    """After a form post: a fresh widget when a challenge was needed and not passed."""
    bots = services_of(request).bots
    ip = request_info(request, tenant).ip
    if not await bots.needed(tenant.id, flow, ip, request.headers):
        return None
    if await bots.passes(tenant.id, binding(step), form, ip):
        return None
    return await bots.widget(tenant.id, binding(step))


# -- login ----------------------------------------------------------------------------------


@router.get("/u/login")
async def login_page(request: Request, state: str = "") -> Response:
    tenant = await resolve_tenant(request)
    step = await step_of(request, tenant, state)
    if step is None:
        return expired(request, tenant)
    hint = step.txn.params.get("login_hint", "")
    widget = await challenge(request, tenant, step)
    return await render(
        request, tenant, "login.html", step, username=hint, signup=True, error=None, widget=widget
    )


@router.post("/u/login")
async def login(request: Request) -> Response:
    tenant = await resolve_tenant(request)
    services = services_of(request)
    form, step = await posted(request, tenant)
    if step is None:
        return expired(request, tenant)
    username, password = form.get("username", "").strip(), form.get("password", "")
    if not username or not password:
        return await render(
            request,
            tenant,
            "login.html",
            step,
            400,
            username=username,
            signup=True,
            error="Enter your email address and password.",
        )
    widget = await challenge_failed(request, tenant, step, form)
    if widget is not None:
        return await render(
            request,
            tenant,
            "login.html",
            step,
            400,
            username=username,
            signup=True,
            error=CHALLENGE_FAILED,
            widget=widget,
        )
    logins = services.logins.for_request(tenant, request_info(request, tenant))
    try:
        owner = await logins.authenticate(
            realm=await connection_of(request, tenant, step),
            username=username,
            password=password,
            client=step.client,
            success="s",
            interactive=True,
        )
    except TooManyAttempts as exc:
        return await render(
            request,
            tenant,
            "login.html",
            step,
            429,
            username=username,
            signup=True,
            error=exc.description,
            widget=await challenge(request, tenant, step),
        )
    except (InvalidGrant, AccessDenied) as exc:
        message = (
            "Wrong email or password."
            if isinstance(exc, InvalidGrant)
            else ("Your account is blocked. Contact the administrator.")
        )
        widget = await challenge(request, tenant, step)
        return await render(
            request,
            tenant,
            "login.html",
            step,
            400,
            username=username,
            signup=True,
            error=message,
            widget=widget,
        )
    except OAuthError as exc:
        return await render(
            request,
            tenant,
            "login.html",
            step,
            400,
            username=username,
            signup=True,
            error=exc.description,
        )
    return await _logged_in(request, services, tenant, owner, step)


async def _logged_in(
    request: Request, services: Services, tenant: TenantRecord, owner: ResourceOwner, step: Step
) -> Response:
    """A new SSO session (the old one ends: new id, new cookie), then back to the request."""
    async with services.db.unit_of_work(write=True) as session:
        value, _ = await services.sessions.start(
            session,
            tenant,
            user_ref=owner.ref,
            connection=owner.connection,
            info=request_info(request, tenant),
            replaces=request.cookies.get(COOKIE),
        )
    target = f"/authorize/resume?{urlencode({'state': step.state})}"
    # 303: the browser follows with a GET, never re-posting the password (RFC 9700 §4.12)
    response = RedirectResponse(target, status_code=303, headers=SECURITY_HEADERS)
    response.set_cookie(
        COOKIE,
        value,
        httponly=True,
        secure=tenant.issuer.startswith("https://"),
        samesite="lax",
        path="/",
        max_age=tenant.session_lifetime,
    )
    return response


# -- signup ---------------------------------------------------------------------------------


@router.get("/u/signup")
async def signup_page(request: Request, state: str = "") -> Response:
    tenant = await resolve_tenant(request)
    step = await step_of(request, tenant, state)
    if step is None:
        return expired(request, tenant)
    rules = await _rules(request, tenant, step)
    email = step.txn.params.get("login_hint", "")
    widget = await challenge(request, tenant, step)
    return await render(
        request, tenant, "signup.html", step, email=email, rules=rules, error=None, widget=widget
    )


async def _rules(request: Request, tenant: TenantRecord, step: Step) -> list[RuleLine]:
    connection = await connection_of(request, tenant, step)
    return await services_of(request).users.password_rules(tenant.id, connection)


@router.post("/u/signup")
async def signup(request: Request) -> Response:
    tenant = await resolve_tenant(request)
    services = services_of(request)
    form, step = await posted(request, tenant)
    if step is None:
        return expired(request, tenant)
    email, password = form.get("email", "").strip(), form.get("password", "")
    connection = await connection_of(request, tenant, step)
    info = request_info(request, tenant)
    widget = await challenge_failed(request, tenant, step, form)
    if widget is not None:
        rules = await _rules(request, tenant, step)
        return await render(
            request,
            tenant,
            "signup.html",
            step,
            400,
            email=email,
            rules=rules,
            error=CHALLENGE_FAILED,
            widget=widget,
        )
    event = Event(
        type="fs",
        client_id=step.client.client_id,
        connection=connection,
        user_name=email,
        ip=info.ip,
        user_agent=info.user_agent,
    )
    try:
        await services.protection.throttle.admit_signup(tenant, info.ip, event)
    except TooManyAttempts as exc:
        rules = await _rules(request, tenant, step)
        return await render(
            request,
            tenant,
            "signup.html",
            step,
            429,
            email=email,
            rules=rules,
            error=exc.description,
        )
    try:
        async with services.db.unit_of_work(write=True) as session:
            user = await services.flows.signup(
                session,
                tenant,
                Signup(
                    connection=connection,
                    email=email,
                    password=password,
                    client_id=step.client.client_id,
                ),
                info,
            )
            owner = resource_owner(user, tenant.issuer)
    except DomainError as exc:
        rules = await _rules(request, tenant, step)
        return await render(
            request,
            tenant,
            "signup.html",
            step,
            400,
            email=email,
            rules=rules,
            error=_signup_error(exc),
        )
    owner = ResourceOwner(owner.user_id, owner.claims, ref=owner.ref, connection=connection)
    return await _logged_in(request, services, tenant, owner, step)


def _signup_error(exc: DomainError) -> str:
    if isinstance(exc, UserExists):
        return "Something went wrong, please try again later."  # no account enumeration
    if isinstance(exc, PasswordRejected):
        return exc.short_message
    return exc.message


# -- consent --------------------------------------------------------------------------------


@router.get("/u/consent")
async def consent_page(request: Request, state: str = "") -> Response:
    tenant = await resolve_tenant(request)
    step = await step_of(request, tenant, state)
    if step is None:
        return expired(request, tenant)
    requested = dict.fromkeys((step.txn.params.get("scope") or "").split())
    scopes = [(scope, SCOPE_DESCRIPTIONS.get(scope)) for scope in requested]
    return await render(request, tenant, "consent.html", step, scopes=scopes, user=None)


@router.post("/u/consent")
async def consent(request: Request) -> Response:
    tenant = await resolve_tenant(request)
    services = services_of(request)
    form, step = await posted(request, tenant)
    if step is None:
        return expired(request, tenant)
    accepted = form.get("action") == "accept"
    txn = transaction.Transaction(
        step.txn.params,
        step.txn.started_at,
        step.txn.repeated,
        consented=accepted,
        denied=not accepted,
    )
    state = transaction.seal(services.transactions, tenant.id, txn)
    target = f"/authorize/resume?{urlencode({'state': state})}"
    return RedirectResponse(target, status_code=303, headers=SECURITY_HEADERS)
