"""What a mail says and who sends it: the built-in text or the tenant's customization.

The caller passes ``user``, ``url`` (the action link, built from the configured issuer),
``ttl`` (the link lifetime in seconds), and where relevant ``application``, ``organization``
and ``inviter``; the tenant's branding comes from its settings. A customized template that
fails to render falls back to the built-in text, so a typo in a tenant's template never stops
a password reset.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import asdict
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from jinja2 import TemplateError

from authgate.email import liquid
from authgate.email.config import Customization, TenantView
from authgate.email.i18n import describe_duration
from authgate.email.message import mailbox, parse_mailbox
from authgate.email.rendering import (
    BUILT_IN,
    RenderedMail,
    html_to_text,
    one_line,
    render_builtin,
)

log = logging.getLogger("authgate.email")
_USER_FIELDS = ("email", "name", "nickname", "given_name", "family_name", "user_id", "picture")


def _link(url: object) -> str | None:
    if url is None:
        return None
    if not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https"):
        raise ValueError("email links must be absolute http(s) URLs")
    return url


def _seconds(ttl: object) -> int | None:
    if isinstance(ttl, timedelta):
        return int(ttl.total_seconds())
    return int(ttl) if isinstance(ttl, int | float) and ttl > 0 else None


def _mapping(value: object) -> dict[str, Any] | None:
    return dict(value) if isinstance(value, Mapping) else None


def builtin_context(tenant: TenantView, locale: str, raw: Mapping[str, Any]) -> dict[str, Any]:
    user = dict(_mapping(raw.get("user")) or {})
    for key in _USER_FIELDS:
        user.setdefault(key, None)
    application = _mapping(raw.get("application"))
    organization = _mapping(raw.get("organization"))
    seconds = _seconds(raw.get("ttl"))
    invited_to = (
        (organization and (organization.get("display_name") or organization.get("name")))
        or (application and application.get("name"))
        or tenant.friendly_name
    )
    return {
        "user": user,
        "tenant": asdict(tenant),
        "url": _link(raw.get("url")),
        "ttl": describe_duration(seconds, locale) if seconds else None,
        "application": application,
        "organization": organization,
        "inviter": _mapping(raw.get("inviter")),
        "display_name": user["name"] or user["given_name"] or user["nickname"],
        "invited_to": invited_to,
        "alert": _mapping(raw.get("alert")),
    }


def liquid_context(tenant: TenantView, locale: str, raw: Mapping[str, Any]) -> dict[str, Any]:
    """Auth0's variables for customized templates (``user``, ``application``, ``tenant``...)."""
    application = _mapping(raw.get("application")) or {}
    if "client_id" in application:
        application.setdefault("clientID", application["client_id"])
    seconds = _seconds(raw.get("ttl"))
    return {
        "user": _mapping(raw.get("user")) or {},
        "application": application,
        "connection": _mapping(raw.get("connection")) or {},
        "organization": _mapping(raw.get("organization")) or {},
        "tenant": tenant.name,
        "friendly_name": tenant.friendly_name,
        "support_email": tenant.support_email,
        "support_url": tenant.support_url,
        "url": _link(raw.get("url")),
        "ttl": describe_duration(seconds, locale) if seconds else None,
        "locale": locale,
    }


def compose(
    template: str,
    locale: str,
    tenant: TenantView,
    raw: Mapping[str, Any],
    custom: Customization | None,
) -> RenderedMail:
    """The subject and both bodies: the built-in parts, replaced by the customized ones."""
    builtin = (
        render_builtin(template, locale, builtin_context(tenant, locale, raw))
        if template in BUILT_IN
        else None
    )
    parts = _customized(tenant, locale, raw, custom) if custom is not None else None
    subject, html = parts if parts is not None else (None, None)
    if builtin is None:
        if subject is None or html is None:
            raise ValueError(f"the email template {template!r} has no subject or no body")
        return RenderedMail(subject=subject, text=html_to_text(html), html=html)
    return RenderedMail(
        subject=subject or builtin.subject,
        text=builtin.text if html is None else html_to_text(html),
        html=builtin.html if html is None else html,
    )


def _customized(
    tenant: TenantView, locale: str, raw: Mapping[str, Any], custom: Customization
) -> tuple[str | None, str | None] | None:
    """The customized subject and body (``None`` where not customized), or ``None`` when the
    customization fails to render (logged, and the built-in text is used)."""
    try:
        values = liquid_context(tenant, locale, raw)
        html = liquid.render_html(custom.body, values) if custom.body else None
        subject = liquid.render_text(custom.subject, values) if custom.subject else None
    except TemplateError as exc:
        log.warning(_template_error(tenant, custom.template, exc))
        return None
    return (one_line(subject) if subject else None), html


def sender(
    tenant: TenantView,
    locale: str,
    raw: Mapping[str, Any],
    custom: Customization | None,
    default_address: str,
) -> str:
    """The ``From`` header: the template's ``from``, else the default address."""
    if custom is not None and custom.sender:
        try:
            rendered = liquid.render_text(custom.sender, liquid_context(tenant, locale, raw))
        except TemplateError as exc:
            log.warning(_template_error(tenant, custom.template, exc))
        else:
            parsed = parse_mailbox(one_line(rendered))
            if parsed is not None:
                return str(parsed)
            log.warning(
                {
                    "event": "email_template_error",
                    "tenant_id": tenant.id,
                    "template": custom.template,
                    "error": "the from field is not an email address",
                }
            )
    return mailbox(tenant.friendly_name, default_address)


def _template_error(tenant: TenantView, template: str, exc: TemplateError) -> dict[str, Any]:
    return {
        "event": "email_template_error",
        "tenant_id": tenant.id,
        "template": template,
        "error": type(exc).__name__,
    }
