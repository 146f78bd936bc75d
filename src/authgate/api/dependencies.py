"""Dependencies of Management API routes: the tenant, the caller, the unit of work, paging."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Coroutine
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Query
from fastapi.exceptions import RequestValidationError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request

from authgate.core.errors import DomainError, TooManyRequests
from authgate.http import ratelimit
from authgate.http.forwarding import client_ip
from authgate.http.tenancy import resolve_tenant, services_of
from authgate.logs.service import Event
from authgate.protocol.bearer import token_scopes, verify_access_token
from authgate.protocol.errors import InsufficientScope, OAuthError
from authgate.protocol.ports import TenantRecord
from authgate.services import Services

MANAGEMENT_ALGORITHMS = ("RS256",)
MAX_PER_PAGE = 100


@dataclass(frozen=True)
class Caller:
    """The verified Management API token of this request."""

    subject: str
    client_id: str | None
    scopes: frozenset[str]

    def has_any(self, *scopes: str) -> bool:
        return any(scope in self.scopes for scope in scopes)


async def tenant(request: Request) -> TenantRecord:
    record = await resolve_tenant(request)
    request.state.tenant = record
    return record


async def unit_of_work(request: Request) -> AsyncIterator[AsyncSession]:
    """One transaction per request, committed before the response is sent (DESIGN §4).

    A successful write is logged (``sapi``) in the same transaction; a refused one (``fapi``)
    is logged on its own, since its transaction is rolled back.
    """
    write = request.method not in ("GET", "HEAD", "OPTIONS")
    services = services_of(request)
    try:
        async with services.db.unit_of_work(write=write) as session:
            yield session
            if write:
                event, tenant_id, hostname = _api_event(request, "sapi", 200)
                services.logs.add(session, tenant_id, hostname, event)
    except (DomainError, OAuthError, RequestValidationError) as exc:
        if write and getattr(request.state, "caller", None) is not None:
            status = getattr(exc, "status", 400)
            event, tenant_id, hostname = _api_event(request, "fapi", status)
            event.description = getattr(exc, "message", None) or getattr(exc, "description", None)
            await services.logs.record_now(tenant_id, hostname, event)
        raise


def _api_event(request: Request, code: str, status: int) -> tuple[Event, str, str]:
    """A Management API log event; never the bodies, which carry secrets."""
    caller: Caller = request.state.caller
    tenant_record: TenantRecord = request.state.tenant
    route = request.scope.get("route")
    template = getattr(route, "path", request.url.path)
    event = Event(
        type=code,
        description=f"{request.method} {template}",
        client_id=caller.client_id,
        ip=request.client.host if request.client else None,
        user_agent=request.headers.get("user-agent"),
        details={
            "request": {
                "method": request.method,
                "path": request.url.path,
                "channel": "api",
                "auth": {"subject": caller.subject},
            },
            "response": {"statusCode": status},
        },
    )
    return event, tenant_record.id, tenant_record.domain


def get_services(request: Request) -> Services:
    return services_of(request)


def require(*scopes: str) -> Callable[..., Coroutine[Any, Any, Caller]]:
    """A dependency that admits a valid Management API token holding any of ``scopes``."""

    async def caller(request: Request, tenant: TenantDep) -> Caller:
        services = services_of(request)
        keys = await services.keys.tenant_keys(tenant)
        claims = verify_access_token(
            request.headers.get("authorization"),
            keys=keys.verification,
            algorithms=MANAGEMENT_ALGORITHMS,
            issuer=tenant.issuer,
            audience=tenant.management_audience,
            now=services.clock.time(),
        )
        granted = token_scopes(claims)
        client_id = claims.get("azp") or claims.get("client_id")
        found = Caller(
            subject=str(claims.get("sub", "")),
            client_id=str(client_id) if client_id else None,
            scopes=granted,
        )
        request.state.caller = found
        await _rate_limit(request, services, tenant, found)
        if not any(scope in granted for scope in scopes):
            error = InsufficientScope(f"Insufficient scope, expected any of: {','.join(scopes)}")
            event, tenant_id, hostname = _api_event(request, "fapi", 403)
            event.description = error.description
            await services.logs.record_now(tenant_id, hostname, event)
            raise error
        return found

    return caller


async def _rate_limit(
    request: Request, services: Services, tenant: TenantRecord, caller: Caller
) -> None:
    """The per-client limit of the Management API; the middleware sends its headers."""
    key = caller.client_id or caller.subject
    decision = await ratelimit.take(services, tenant.id, "management", key)
    if decision is None:
        return
    setattr(request.state, ratelimit.STATE_KEY, decision)
    if not decision.allowed:
        ip = client_ip(request, services.settings.trusted_proxies)
        ratelimit.log_refusal(services, tenant.id, tenant.domain, "management", ip)
        raise TooManyRequests("Global limit has been reached")


@dataclass(frozen=True)
class Paging:
    page: int
    per_page: int
    include_totals: bool

    @property
    def offset(self) -> int:
        return self.page * self.per_page


def paging(
    page: Annotated[int, Query(ge=0, le=100_000)] = 0,
    per_page: Annotated[int, Query(ge=1, le=MAX_PER_PAGE)] = 50,
    include_totals: bool = False,
) -> Paging:
    return Paging(page=page, per_page=per_page, include_totals=include_totals)


def page_body(paging: Paging, name: str, items: list[dict[str, Any]], total: int) -> Any:
    """A bare array, or Auth0's ``{start, limit, length, total, <name>}`` envelope."""
    if not paging.include_totals:
        return items
    return {
        "start": paging.offset,
        "limit": paging.per_page,
        "length": len(items),
        "total": total,
        name: items,
    }


def select_fields(
    body: dict[str, Any], fields: str | None, include_fields: bool | None
) -> dict[str, Any]:
    """Auth0's ``fields``/``include_fields`` projection."""
    if not fields:
        return body
    wanted = {name.strip() for name in fields.split(",") if name.strip()}
    include = include_fields is not False
    return {key: value for key, value in body.items() if (key in wanted) == include}


TenantDep = Annotated[TenantRecord, Depends(tenant)]
SessionDep = Annotated[AsyncSession, Depends(unit_of_work, scope="function")]
ServicesDep = Annotated[Services, Depends(get_services)]
PagingDep = Annotated[Paging, Depends(paging)]
