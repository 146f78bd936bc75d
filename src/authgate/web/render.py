"""Rendering hosted pages with the security headers every page carries (RFC 9700 §4.16,
security.md BCP-37): no framing, no referrer, a self-only content security policy."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from authgate.protocol.ports import TenantRecord
from authgate.web import csrf
from authgate.web.i18n import translations

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
    ),
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}

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
    locale: str = "en",
) -> HTMLResponse:
    """``template`` rendered in ``locale`` (``_`` in templates translates a message)."""
    token = csrf.token_for(request)
    body = environment.get_template(template).render(
        tenant=tenant,
        csrf_field=csrf.FIELD,
        csrf_token=token,
        lang=locale,
        _=translations(locale).gettext,
        **(context or {}),
    )
    response = HTMLResponse(body, status_code=status, headers=SECURITY_HEADERS)
    csrf.remember(response, token, secure=tenant.issuer.startswith("https://"))
    return response
