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

from authgate.http.tenancy import request_info, resolve_tenant, services_of
from authgate.web.login import (
    CHALLENGE_FAILED,
    challenge,
    challenge_failed,
    connection_of,
    expired,
    posted,
    render,
    step_of,
)

router = APIRouter(include_in_schema=False)
PATH = "/u/reset-password/request"
TEMPLATE = "reset_request.html"
MAX_EMAIL = 320
RESET_FLOW = "password_reset"


@router.get(PATH)
async def request_page(request: Request, state: str = "") -> Response:
    tenant = await resolve_tenant(request)
    step = await step_of(request, tenant, state)
    if step is None:
        return expired(request, tenant)
    email = step.txn.params.get("login_hint", "")
    widget = await challenge(request, tenant, step, RESET_FLOW)
    return await render(request, tenant, TEMPLATE, step, email=email, error=None, widget=widget)


@router.post(PATH)
async def request_reset(request: Request) -> Response:
    tenant = await resolve_tenant(request)
    services = services_of(request)
    form, step = await posted(request, tenant)
    if step is None:
        return expired(request, tenant)
    email = form.get("email", "").strip()
    if not email or "@" not in email or len(email) > MAX_EMAIL:
        error = "Enter a valid email address."
        widget = await challenge(request, tenant, step, RESET_FLOW)
        return await render(
            request, tenant, TEMPLATE, step, 400, email=email, error=error, widget=widget
        )
    widget = await challenge_failed(request, tenant, step, form, RESET_FLOW)
    if widget is not None:
        return await render(
            request, tenant, TEMPLATE, step, 400, email=email, error=CHALLENGE_FAILED, widget=widget
        )
    info = request_info(request, tenant)
    services.flows.request_password_reset(
        tenant,
        email=email,
        connection=await connection_of(request, tenant, step),
        client_id=step.client.client_id,
        info=info,
    )
    return await render(request, tenant, TEMPLATE, step, email=email, sent=True)
