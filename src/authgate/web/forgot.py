"""The hosted "forgot password" page of an authorization request (Universal Login's
``reset-password-request`` screen; reference §1.6 ``/dbconnections/change_password``).

The page asks for the email address and answers the same whether or not an account exists:
the reset mail is looked up and sent after the response (``AccountFlows.request_password_reset``,
logs ``scpr``/``fcpr``), so neither the words nor the timing tell. The reset link in the mail
leads to ``/u/reset-password``. Bot detection's ``challenge_password_reset_policy`` guards the
form, and the ``change_password`` rate limit counts its posts.
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from authgate.captcha.service import Widget
from authgate.http.tenancy import request_info, resolve_tenant, services_of
from authgate.protocol.ports import TenantRecord
from authgate.web import csrf
from authgate.web.login import (
    CHALLENGE_FAILED,
    Step,
    binding,
    connection_of,
    expired,
    read_form,
    render,
    step_of,
)

router = APIRouter(include_in_schema=False)
PATH = "/u/reset-password/request"
TEMPLATE = "reset_request.html"
MAX_EMAIL = 320


async def _challenge(request: Request, tenant: TenantRecord, step: Step) -> Widget | None:
    bots = services_of(request).bots
    ip = request_info(request, tenant).ip
    if not await bots.needed(tenant.id, "password_reset", ip, request.headers):
        return None
    return await bots.widget(tenant.id, binding(step))


@router.get(PATH)
async def request_page(request: Request, state: str = "") -> Response:
    tenant = await resolve_tenant(request)
    step = await step_of(request, tenant, state)
    if step is None:
        return expired(request, tenant)
    email = step.txn.params.get("login_hint", "")
    widget = await _challenge(request, tenant, step)
    return await render(request, tenant, TEMPLATE, step, email=email, error=None, widget=widget)


@router.post(PATH)
async def request_reset(request: Request) -> Response:
    tenant = await resolve_tenant(request)
    services = services_of(request)
    form = await read_form(request)
    step = await step_of(request, tenant, form.get("state", ""))
    if step is None or not csrf.valid(request, form.get(csrf.FIELD), tenant.issuer):
        return expired(request, tenant)
    email = form.get("email", "").strip()
    if not email or "@" not in email or len(email) > MAX_EMAIL:
        error = "Enter a valid email address."
        widget = await _challenge(request, tenant, step)
        return await render(
            request, tenant, TEMPLATE, step, 400, email=email, error=error, widget=widget
        )
    info = request_info(request, tenant)
    if await services.bots.needed(tenant.id, "password_reset", info.ip, request.headers) and not (
        await services.bots.passes(tenant.id, binding(step), form, info.ip)
    ):
        widget = await services.bots.widget(tenant.id, binding(step))
        return await render(
            request, tenant, TEMPLATE, step, 400, email=email, error=CHALLENGE_FAILED, widget=widget
        )
    services.flows.request_password_reset(
        tenant,
        email=email,
        connection=await connection_of(request, tenant, step),
        client_id=step.client.client_id,
        info=info,
    )
    return await render(request, tenant, TEMPLATE, step, email=email, sent=True)
