"""Rendering hosted pages with the security headers every page carries (RFC 9700 §4.16,
security.md BCP-37): no framing, no referrer to other origins, a self-only content security
policy.

``Referrer-Policy: same-origin`` rather than ``no-referrer``: under ``no-referrer`` browsers send
``Origin: null`` on the page's own form posts (Fetch, "serializing a request origin"), which the
CSRF check must refuse; ``same-origin`` keeps the Origin of same-origin posts and still sends
nothing to other origins (RFC 9700 §4.2.4, security.md BCP-07).

A tenant's branding (``authgate.branding.view.BrandingView``, from ``BrandingService.view``)
is optional: its logo and favicon are shown, its colors and font come from the tenant
stylesheet ``/u/branding.css`` (no inline styles, so ``style-src 'self'`` stays), and the
origins of its logo, favicon and font are the only ones added to the policy. With a page
template (https://auth0.com/docs/customize/login-pages/universal-login/customize-templates)
the page's head and widget are rendered into it by ``authgate.branding.page_template``, which
treats it as untrusted text; a template that fails to render falls back to the default layout.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse

from authgate.branding import page_template
from authgate.branding.view import BrandingView
from authgate.protocol.ports import TenantRecord
from authgate.web import csrf
from authgate.web.i18n import translations

log = logging.getLogger("authgate.web")


def content_security_policy(
    branding: BrandingView | None = None,
    form_targets: Sequence[str] = (),
    extra: Mapping[str, Sequence[str]] | None = None,
) -> str:
    """The page's policy. ``form_targets``: origins the page's forms may end at after
    redirects (browsers check ``form-action`` on each redirect that follows a submission, so
    the login page of an authorization request must allow the client's redirect URI origin)."""
    images = ("'self'", "data:", *(branding.origins("logo_url", "favicon_url") if branding else ()))
    fonts = ("'self'", *(branding.origins("font_url") if branding else ()))
    forms = " ".join(("'self'", *form_targets))
    added = extra or {}

    def sources(directive: str) -> str:
        return " ".join(("'self'", *added.get(directive, ())))

    policy = (
        f"default-src 'self'; img-src {' '.join(images)}; font-src {' '.join(fonts)}; "
        f"style-src {sources('style-src')}; script-src {sources('script-src')}; "
        f"form-action {forms}; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
    )
    # a CAPTCHA provider's widget (``captcha.providers``) needs its frames, calls and workers
    for directive in ("frame-src", "connect-src", "worker-src"):
        if directive in added:
            policy += f"; {directive} {sources(directive)}"
    return policy


def security_headers(
    branding: BrandingView | None = None,
    form_targets: Sequence[str] = (),
    extra: Mapping[str, Sequence[str]] | None = None,
) -> dict[str, str]:
    return {
        "Content-Security-Policy": content_security_policy(branding, form_targets, extra),
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "same-origin",
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-store",
    }


SECURITY_HEADERS = security_headers()


environment = Environment(
    loader=PackageLoader("authgate.web", "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def _layout(
    source: str, branding: BrandingView, tenant: TenantRecord, data: dict[str, Any]
) -> Callable[[Markup, Markup], Markup]:
    """The tenant template ``source`` as ``base.html``'s ``page_layout(head, widget)``."""
    background = branding.page_background
    values = {
        **data,
        "tenant": {"name": tenant.name, "friendly_name": tenant.friendly_name or tenant.name},
        "branding": {
            "logo_url": branding.logo_url,
            "favicon_url": branding.favicon_url,
            "colors": {
                "primary": branding.primary_color,
                "page_background": background if isinstance(background, str) else None,
            },
        },
    }

    def layout(head: Markup, widget: Markup) -> Markup:
        return page_template.render(source, head, widget, values)

    return layout


def page(
    request: Request,
    tenant: TenantRecord,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status: int = 200,
    locale: str = "en",
    branding: BrandingView | None = None,
    prompt: str | None = None,
    screen: str | None = None,
    form_targets: Sequence[str] = (),
    sources: Mapping[str, Sequence[str]] | None = None,
) -> HTMLResponse:
    """Render ``template`` in ``locale`` (``_`` in templates translates a message);
    ``prompt`` and ``screen`` are Auth0's names of the page, given to a tenant page template
    as ``prompt.name`` and ``prompt.screen.name``."""
    token = csrf.token_for(request)
    values: dict[str, Any] = {
        "tenant": tenant,
        "csrf_field": csrf.FIELD,
        "csrf_token": token,
        "branding": branding,
        "lang": locale,
        "_": translations(locale).gettext,
        "t": {},
        **(context or {}),
    }
    compiled = environment.get_template(template)
    body: str | None = None
    if branding is not None and branding.template is not None:
        data = {
            "locale": locale,
            "prompt": {"name": prompt, "screen": {"name": screen or prompt}},
        }
        try:
            layout = _layout(branding.template, branding, tenant, data)
            body = compiled.render(values, page_layout=layout)
        except page_template.PageTemplateError as exc:
            failure = {"event": "page_template_failed", "tenant_id": tenant.id, "error": str(exc)}
            log.warning(failure)
    if body is None:
        body = compiled.render(values)
    headers = security_headers(branding, form_targets, sources)
    response = HTMLResponse(body, status_code=status, headers=headers)
    csrf.remember(response, token, secure=tenant.issuer.startswith("https://"))
    return response
