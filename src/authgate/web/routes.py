"""Hosted pages of the account flows: email verification and password reset (reference §1.6),
and the default avatars of users without a picture."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from html import escape
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from authgate.captcha.service import Widget
from authgate.http.params import unique_pairs
from authgate.http.tenancy import request_info, resolve_tenant, services_of
from authgate.protocol.errors import InvalidRequest
from authgate.protocol.ports import TenantRecord
from authgate.users.errors import PasswordRejected
from authgate.web import csrf
from authgate.web.i18n import page_locale
from authgate.web.render import SECURITY_HEADERS, page
from authgate.web.texts import custom_texts

router = APIRouter(include_in_schema=False)
RESET_COOKIE = "authgate_reset"
RESET_PATH = "/u/reset-password"
MAX_FORM_BYTES = 16 * 1024
_INITIALS = re.compile(r"^[A-Z0-9]{1,2}$")
# Auth0's prompt and screen names of these pages (for tenant page templates)
VERIFY_PROMPT, VERIFY_SCREEN = "email-verification", "email-verification-result"
RESET_PROMPT = "reset-password"
CHALLENGE_FAILED = "Complete the challenge to continue."


def _with_query(url: str, **params: str) -> str:
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True) + list(params.items())
    return urlunsplit(parts._replace(query=urlencode(query)))


async def _page(
    request: Request,
    tenant: TenantRecord,
    template: str,
    context: dict[str, Any],
    *,
    prompt: str,
    screen: str,
    status: int = 200,
    sources: Mapping[str, tuple[str, ...]] | None = None,
) -> Response:
    """``page`` in the browser's language with the tenant's branding and custom texts, from
    the configuration cache."""
    services = services_of(request)
    branding = await services.branding.view(tenant.id)
    locale = page_locale(None, request.headers.get("accept-language"), tenant.enabled_locales)
    texts = await custom_texts(services, tenant, template, locale)
    return page(
        request,
        tenant,
        template,
        {**context, "t": texts},
        status=status,
        locale=locale,
        branding=branding,
        prompt=prompt,
        screen=screen,
        sources=sources,
    )


async def _failed(
    request: Request, tenant: TenantRecord, heading: str, message: str, *, prompt: str, screen: str
) -> Response:
    context = {"heading": heading, "message": message, "error": True}
    return await _page(
        request, tenant, "message.html", context, prompt=prompt, screen=screen, status=400
    )


@router.get("/u/email-verification")
async def email_verification(request: Request, ticket: str = "") -> Response:
    tenant = await resolve_tenant(request)
    services = services_of(request)
    async with services.db.unit_of_work(write=True) as session:
        outcome = await services.flows.verify_email(
            session, tenant, ticket[:200], request_info(request, tenant)
        )
    if outcome.user is None:
        return await _failed(
            request,
            tenant,
            "Email verification failed",
            "This link is invalid, has already been used or has expired.",
            prompt=VERIFY_PROMPT,
            screen=VERIFY_SCREEN,
        )
    message = "Your email was verified. You can continue using the application."
    if outcome.result_url:
        target = _with_query(outcome.result_url, success="true", message=message)
        return RedirectResponse(target, status_code=302, headers={"Referrer-Policy": "no-referrer"})
    context = {"heading": "Email verified", "message": message}
    return await _page(
        request, tenant, "message.html", context, prompt=VERIFY_PROMPT, screen=VERIFY_SCREEN
    )


@router.get(RESET_PATH)
async def reset_password_page(request: Request, ticket: str = "") -> Response:
    tenant = await resolve_tenant(request)
    if ticket:
        # keep the link token out of the address bar and history: move it into a cookie
        response = RedirectResponse(RESET_PATH, status_code=303, headers=SECURITY_HEADERS)
        response.set_cookie(
            RESET_COOKIE,
            ticket[:200],
            httponly=True,
            secure=tenant.issuer.startswith("https://"),
            samesite="lax",
            path=RESET_PATH,
            max_age=900,
        )
        return response
    return await _reset_form(request, tenant, error=None)


def _reset_binding(request: Request) -> str:
    """A challenge of the reset page is bound to the reset link in the page's cookie."""
    token = request.cookies.get(RESET_COOKIE, "")
    return "reset:" + hashlib.sha256(token.encode()).hexdigest()[:32]


async def _reset_challenge(request: Request, tenant: TenantRecord) -> Widget | None:
    bots = services_of(request).bots
    ip = request_info(request, tenant).ip
    if not await bots.needed(tenant.id, "password_reset", ip, request.headers):
        return None
    return await bots.widget(tenant.id, _reset_binding(request))


async def _reset_form(
    request: Request, tenant: TenantRecord, *, error: str | None, status: int = 200
) -> Response:
    services = services_of(request)
    token = request.cookies.get(RESET_COOKIE, "")
    async with services.db.unit_of_work(write=False) as session:
        form = await services.flows.reset_form(session, tenant, token) if token else None
    if form is None:
        return await _failed(
            request,
            tenant,
            "Password reset failed",
            "This link is invalid, has already been used or has expired.",
            prompt=RESET_PROMPT,
            screen="reset-password-error",
        )
    email, rules = form
    widget = await _reset_challenge(request, tenant)
    return await _page(
        request,
        tenant,
        "reset_password.html",
        {"email": email, "rules": rules, "error": error, "captcha": widget and widget.html},
        prompt=RESET_PROMPT,
        screen=RESET_PROMPT,
        status=status,
        sources=widget.sources if widget is not None else None,
    )


@router.post(RESET_PATH)
async def reset_password(request: Request) -> Response:
    tenant = await resolve_tenant(request)
    services = services_of(request)
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        raise InvalidRequest("The form is too large.")
    try:
        form = unique_pairs(parse_qsl(body.decode(), keep_blank_values=True))
    except UnicodeDecodeError as exc:
        raise InvalidRequest("The form is not valid UTF-8.") from exc
    if not csrf.valid(request, form.get(csrf.FIELD), tenant.issuer):
        return await _failed(
            request,
            tenant,
            "Password reset failed",
            "The form expired. Open the link from your email again.",
            prompt=RESET_PROMPT,
            screen="reset-password-error",
        )
    bots = services.bots
    ip = request_info(request, tenant).ip
    if await bots.needed(tenant.id, "password_reset", ip, request.headers) and not (
        await bots.passes(tenant.id, _reset_binding(request), form, ip)
    ):
        return await _reset_form(request, tenant, error=CHALLENGE_FAILED, status=400)
    password = form.get("password", "")
    if password != form.get("re-enter-password"):
        return await _reset_form(request, tenant, error="The passwords do not match.", status=400)
    token = request.cookies.get(RESET_COOKIE, "")
    try:
        async with services.db.unit_of_work(write=True) as session:
            outcome = await services.flows.reset_password(
                session, tenant, token, password, request_info(request, tenant)
            )
    except PasswordRejected as exc:
        return await _reset_form(request, tenant, error=_rejection(exc), status=400)
    if outcome.user is None:
        return await _failed(
            request,
            tenant,
            "Password reset failed",
            "This link is invalid, has already been used or has expired.",
            prompt=RESET_PROMPT,
            screen="reset-password-error",
        )
    message = "Your password has been changed."
    if outcome.result_url:
        response: Response = RedirectResponse(
            _with_query(outcome.result_url, success="true", message=message), status_code=303
        )
    else:
        context = {"heading": "Password changed", "message": message}
        response = await _page(
            request,
            tenant,
            "message.html",
            context,
            prompt=RESET_PROMPT,
            screen="reset-password-success",
        )
    response.delete_cookie(RESET_COOKIE, path=RESET_PATH)
    return response


def _rejection(exc: PasswordRejected) -> str:
    messages = {
        "PasswordStrengthError": "This password does not meet the requirements below.",
        "PasswordDictionaryError": "This password is too common.",
        "PasswordNoUserInfoError": "The password must not contain your name or email.",
        "PasswordHistoryError": "This password was used recently; choose another.",
    }
    return messages.get(exc.name, exc.short_message)


@router.get("/avatars/{initials}.svg")
async def avatar(initials: str) -> Response:
    """A generated avatar with the user's initials (the default ``picture``)."""
    text = initials.upper()[:2] if _INITIALS.match(initials.upper()[:2]) else "?"
    hue = int(hashlib.sha256(text.encode()).hexdigest()[:4], 16) % 360
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="120" viewBox="0 0 120 120">'
        f'<rect width="120" height="120" fill="hsl({hue},45%,45%)"/>'
        '<text x="60" y="60" dy=".35em" text-anchor="middle" fill="#fff" '
        f'font-family="sans-serif" font-size="48">{escape(text)}</text></svg>'
    )
    return Response(
        svg,
        media_type="image/svg+xml",
        headers={"Cache-Control": "public, max-age=86400", "X-Content-Type-Options": "nosniff"},
    )
