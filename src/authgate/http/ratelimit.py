"""Rate limits of the Authentication API and the Management API (reference §3.4).

An ASGI middleware takes a token for each request to a limited endpoint of the Authentication
API, keyed by endpoint group and client IP, before the app sees it; the Management API takes
one per authenticated client in its token check (``api.dependencies.require``) and leaves the
decision in the request state. Either way every response of a limited endpoint carries
``X-RateLimit-Limit``, ``X-RateLimit-Remaining`` and ``X-RateLimit-Reset`` (Unix seconds), and
a refusal is a 429 in the API's own error shape with ``Retry-After``, logged ``api_limit``.
The limits are the tenant's ``rate-limits`` settings (``protection.settings``).
"""

from __future__ import annotations

import math
import time

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from authgate.http.forwarding import client_ip
from authgate.http.responses import json_response
from authgate.http.tenancy import UnknownHost, resolve_tenant, services_of
from authgate.logs.service import Event
from authgate.protection.ratelimit import Decision
from authgate.protection.settings import RATE_LIMITS
from authgate.services import Services

STATE_KEY = "rate_limit"
MANAGEMENT_PREFIX = "/api/v2/"
REFUSED = "Too many requests. Try again later."
GROUPS: dict[tuple[str, str], str] = {
    ("POST", "/oauth/token"): "token",
    ("GET", "/authorize"): "authorize",
    ("POST", "/authorize"): "authorize",
    ("GET", "/userinfo"): "userinfo",
    ("POST", "/userinfo"): "userinfo",
    ("POST", "/dbconnections/signup"): "dbconnections",
    ("POST", "/dbconnections/change_password"): "change_password",
    ("POST", "/u/reset-password/request"): "change_password",
    ("POST", "/oauth/revoke"): "revoke",
    ("GET", "/.well-known/jwks.json"): "jwks",
}


async def take(services: Services, tenant_id: str, group: str, key: str) -> Decision | None:
    """A token of ``group`` for ``key``, or None when the tenant does not limit the group."""
    config = await services.protection.settings.document(tenant_id, RATE_LIMITS)
    limit = config["limits"].get(group)
    if not config["enabled"] or not limit or not limit["enabled"]:
        return None
    return await services.protection.limiter.take(
        tenant_id,
        f"{group}:{key}",
        burst=int(limit["burst"]),
        interval_ms=int(limit["interval_ms"]),
    )


def log_refusal(services: Services, tenant_id: str, hostname: str, group: str, ip: str) -> None:
    event = Event(type="api_limit", description=f"Rate limit of {group} reached.", ip=ip)
    services.logs.record(tenant_id, hostname, event)


def retry_after(decision: Decision) -> str:
    return str(max(1, math.ceil(decision.reset - time.time())))


def _with_headers(scope: Scope, send: Send, decision: Decision | None) -> Send:
    """``send`` adding the ``X-RateLimit-*`` headers of ``decision`` (or of the one the
    Management API's token check left in the request state) to the response start."""

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            found = decision or scope.get("state", {}).get(STATE_KEY)
            if found is not None:
                message["headers"] = [*message.get("headers", ()), *found.raw_headers()]
        await send(message)

    return sending


class RateLimits:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        group = GROUPS.get((scope["method"], scope["path"]))
        if group is None:
            if scope["path"].startswith(MANAGEMENT_PREFIX):
                await self.app(scope, receive, _with_headers(scope, send, None))
            else:
                await self.app(scope, receive, send)
            return
        decision = await self._decide(scope, receive, group)
        if decision is None:
            await self.app(scope, receive, send)
        elif decision.allowed:
            await self.app(scope, receive, _with_headers(scope, send, decision))
        else:
            await self._refuse(scope, receive, send, decision)

    async def _decide(self, scope: Scope, receive: Receive, group: str) -> Decision | None:
        request = Request(scope, receive)
        try:
            tenant = await resolve_tenant(request)
        except UnknownHost:
            return None  # the app answers the unknown host
        services = services_of(request)
        ip = client_ip(request, services.settings.trusted_proxies)
        decision = await take(services, tenant.id, group, ip)
        if decision is not None and not decision.allowed:
            log_refusal(services, tenant.id, tenant.domain, group, ip)
        return decision

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, decision: Decision) -> None:
        headers = {**decision.headers(), "Retry-After": retry_after(decision)}
        body = {"error": "too_many_requests", "error_description": REFUSED}
        response = json_response(body, status=429, headers=headers)
        await response(scope, receive, send)
