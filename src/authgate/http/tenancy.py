"""Resolve the tenant of a request from its host (DESIGN §3.3)."""

from __future__ import annotations

from starlette.requests import HTTPConnection

from authgate.core.request_info import RequestInfo
from authgate.http.forwarding import client_ip, request_host
from authgate.protocol.ports import TenantRecord
from authgate.services import Services

MAX_HOST_LENGTH = 255


class UnknownHost(Exception):
    """No tenant is configured for the host of this request."""


def services_of(connection: HTTPConnection) -> Services:
    services: Services = connection.app.state.services
    return services


TENANT_STATE = "authgate.tenant"


async def resolve_tenant(connection: HTTPConnection) -> TenantRecord:
    """The request's tenant; resolved once per request (kept in the request state)."""
    state = connection.scope.get("state")
    if state is not None:
        known: TenantRecord | None = state.get(TENANT_STATE)
        if known is not None:
            return known
    services = services_of(connection)
    host = request_host(connection, services.settings.trusted_proxies)
    if not host or len(host) > MAX_HOST_LENGTH:
        raise UnknownHost
    tenant = await services.tenants.resolve(host)
    if tenant is None:
        raise UnknownHost
    connection.scope.setdefault("state", {})[TENANT_STATE] = tenant
    return tenant


def request_info(connection: HTTPConnection, tenant: TenantRecord) -> RequestInfo:
    """The caller's address (behind trusted proxies only), user agent and the tenant's host."""
    proxies = services_of(connection).settings.trusted_proxies
    return RequestInfo(
        ip=client_ip(connection, proxies),
        user_agent=connection.headers.get("user-agent"),
        hostname=tenant.domain,
    )
