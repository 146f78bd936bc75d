"""Rendering hosted pages with the security headers every page carries (RFC 9700 §4.16,
security.md BCP-37): no framing, no referrer to other origins, a self-only content security
policy.

``Referrer-Policy: same-origin`` rather than ``no-referrer``: under ``no-referrer`` browsers send
``Origin: null`` on the page's own form posts (Fetch, "serializing a request origin"), which the
CSRF check must refuse; ``same-origin`` keeps the Origin of same-origin posts and still sends
nothing to other origins (RFC 9700 §4.2.4, security.md BCP-07)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from authgate.protocol.ports import TenantRecord
from authgate.web import csrf

_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "form-action {form_action}; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": _CSP.format(form_action="'self'"),
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}


def security_headers(form_targets: Sequence[str] = ()) -> dict[str, str]:
    """The headers of a page whose forms, once submitted, may be redirected to ``form_targets``
    (origins): browsers check ``form-action`` on each redirect that follows a submission
    (Chromium blocks the whole navigation otherwise), so the login page of an authorization
    request must allow the origin of the client's redirect URI, and only that one."""
    if not form_targets:
        return SECURITY_HEADERS
    headers = dict(SECURITY_HEADERS)
    sources = " ".join(("'self'", *form_targets))
    headers["Content-Security-Policy"] = _CSP.format(form_action=sources)
    return headers


environment = Environment(
    loader=PackageLoader("authgate.web", "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def page(
    request: Request,
    tenant: TenantRecord,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status: int = 200,
    form_targets: Sequence[str] = (),
) -> HTMLResponse:
    token = csrf.token_for(request)
    body = environment.get_template(template).render(
        tenant=tenant, csrf_field=csrf.FIELD, csrf_token=token, **(context or {})
    )
    headers = security_headers(form_targets)
    response = HTMLResponse(body, status_code=status, headers=headers)
    csrf.remember(response, token, secure=tenant.issuer.startswith("https://"))
    return response
