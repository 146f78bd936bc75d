"""Resolve the tenant of a request from its host (DESIGN §3.3)."""

from __future__ import annotations

from starlette.requests import HTTPConnection

from authgate.http.forwarding import request_host
from authgate.protocol.ports import TenantRecord
from authgate.services import Services

MAX_HOST_LENGTH = 255


class UnknownHost(Exception):
    """No tenant is configured for the host of this request."""


def services_of(connection: HTTPConnection) -> Services:
    services: Services = connection.app.state.services
    return services


async def resolve_tenant(connection: HTTPConnection) -> TenantRecord:
    services = services_of(connection)
    host = request_host(connection, services.settings.trusted_proxies)
    if not host or len(host) > MAX_HOST_LENGTH:
        raise UnknownHost
    tenant = await services.tenants.resolve(host)
    if tenant is None:
        raise UnknownHost
    return tenant
