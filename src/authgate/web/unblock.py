"""The unblock link of the ``blocked_account`` mail (reference §3.1, brute-force protection).

``GET /u/unblock?ticket=...`` shows a button and ``POST /u/unblock`` uses the single-use ticket,
so a mail scanner that follows links cannot spend it. The page asks nothing else: holding the
link proves control of the mailbox, as it does for a password reset.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from authgate.http.params import unique_pairs
from authgate.http.tenancy import request_info, resolve_tenant, services_of
from authgate.protocol.errors import InvalidRequest
from authgate.protocol.ports import TenantRecord
from authgate.web import csrf
from authgate.web.render import page

router = APIRouter(include_in_schema=False)
PROMPT = "brute-force-protection"
MAX_FORM_BYTES = 4 * 1024
INVALID = "This link is invalid, has already been used or has expired."


async def _page(
    request: Request, tenant: TenantRecord, template: str, context: dict[str, object], status: int
) -> Response:
    branding = await services_of(request).branding.view(tenant.id)
    return page(
        request,
        tenant,
        template,
        context,
        status=status,
        branding=branding,
        prompt=PROMPT,
        screen="brute-force-protection-unblock",
    )


@router.get("/u/unblock")
async def unblock_page(request: Request, ticket: str = "") -> Response:
    tenant = await resolve_tenant(request)
    if not ticket:
        return await _message(request, tenant, "Unblock failed", INVALID, 400)
    return await _page(request, tenant, "unblock.html", {"ticket": ticket[:200]}, 200)


@router.post("/u/unblock")
async def unblock(request: Request) -> Response:
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
        message = "The form expired. Open the link from your email again."
        return await _message(request, tenant, "Unblock failed", message, 400)
    async with services.db.unit_of_work(write=True) as session:
        user = await services.flows.unblock(
            session, tenant, form.get("ticket", "")[:200], request_info(request, tenant)
        )
    if user is None:
        return await _message(request, tenant, "Unblock failed", INVALID, 400)
    message = "Your account is unblocked. You can sign in again."
    return await _message(request, tenant, "Account unblocked", message, 200)


async def _message(
    request: Request, tenant: TenantRecord, heading: str, message: str, status: int
) -> Response:
    context = {"heading": heading, "message": message, "error": status >= 400}
    return await _page(request, tenant, "message.html", context, status)
