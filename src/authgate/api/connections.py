"""``/api/v2/connections`` and ``/api/v2/connections/{id}/clients``.

``options`` are shown only to callers with ``read:connections_options``, as Auth0 documents.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends, Query
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from authgate.api import cursors
from authgate.api.dependencies import (
    MAX_PER_PAGE,
    Caller,
    Paging,
    ServicesDep,
    SessionDep,
    TenantDep,
    page_body,
    require,
    select_fields,
)
from authgate.connections.models import Connection
from authgate.connections.schemas import (
    ConnectionClientChanges,
    ConnectionCreate,
    ConnectionUpdate,
)
from authgate.connections.service import connection_to_wire
from authgate.http.responses import json_response
from authgate.services import Services

router = APIRouter(prefix="/api/v2", tags=["connections"])
OPTIONS_SCOPE = "read:connections_options"
Reader = Annotated[Caller, Depends(require("read:connections"))]


async def _render(
    services: Services, session: AsyncSession, connection: Connection, caller: Caller | None
) -> dict[str, object]:
    """Reads show ``options`` with ``read:connections_options``; writes echo them back."""
    enabled = await services.connections.enabled_clients(session, connection.id)
    with_options = caller is None or caller.has_any(OPTIONS_SCOPE)
    return connection_to_wire(connection, enabled, with_options=with_options)


@router.get("/connections")
async def list_connections(
    caller: Reader,
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
    strategy: Annotated[list[str] | None, Query(max_length=20)] = None,
    name: Annotated[str | None, Query(max_length=128)] = None,
    fields: str | None = None,
    include_fields: bool | None = None,
    from_: Annotated[str | None, Query(alias="from", max_length=200)] = None,
    take: Annotated[int | None, Query(ge=1, le=MAX_PER_PAGE)] = None,
    page: Annotated[int | None, Query(ge=0, le=100_000)] = None,
    per_page: Annotated[int | None, Query(ge=1, le=MAX_PER_PAGE)] = None,
    include_totals: bool = False,
) -> Response:
    if from_ is not None or take is not None:
        limit = take or 50
        items = await services.connections.after(
            session,
            tenant.id,
            after_id=cursors.decode(from_, prefix="con_"),
            limit=limit + 1,
            strategy=strategy,
            name=name,
        )
        bodies = [
            select_fields(await _render(services, session, c, caller), fields, include_fields)
            for c in items[:limit]
        ]
        body: dict[str, object] = {"connections": bodies}
        if len(items) > limit:
            body["next"] = cursors.encode(items[limit - 1].id)
        return json_response(body)
    paging = Paging(page=page or 0, per_page=per_page or 50, include_totals=include_totals)
    connections, total = await services.connections.page(
        session,
        tenant.id,
        offset=paging.offset,
        limit=paging.per_page,
        strategy=strategy,
        name=name,
    )
    bodies = [
        select_fields(await _render(services, session, c, caller), fields, include_fields)
        for c in connections
    ]
    return json_response(page_body(paging, "connections", bodies, total))


@router.post("/connections", status_code=201)
async def create_connection(
    caller: Annotated[Caller, Depends(require("create:connections"))],
    body: ConnectionCreate,
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    connection = await services.connections.create(session, tenant.id, body)
    return json_response(await _render(services, session, connection, None), status=201)


@router.get("/connections/{connection_id}")
async def get_connection(
    connection_id: str,
    caller: Reader,
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
    fields: str | None = None,
    include_fields: bool | None = None,
) -> Response:
    connection = await services.connections.get(session, tenant.id, connection_id)
    body = await _render(services, session, connection, caller)
    return json_response(select_fields(body, fields, include_fields))


@router.patch("/connections/{connection_id}")
async def update_connection(
    connection_id: str,
    caller: Annotated[Caller, Depends(require("update:connections"))],
    body: ConnectionUpdate,
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    connection = await services.connections.update(session, tenant.id, connection_id, body)
    return json_response(await _render(services, session, connection, None))


@router.delete("/connections/{connection_id}", status_code=204)
async def delete_connection(
    connection_id: str,
    caller: Annotated[Caller, Depends(require("delete:connections"))],
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    await services.connections.delete(session, tenant.id, connection_id)
    return Response(status_code=204)


@router.get("/connections/{connection_id}/clients")
async def connection_clients(
    connection_id: str,
    caller: Reader,
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
    from_: Annotated[str | None, Query(alias="from", max_length=200)] = None,
    take: Annotated[int, Query(ge=1, le=MAX_PER_PAGE)] = 50,
) -> Response:
    connection = await services.connections.get(session, tenant.id, connection_id)
    client_ids = await services.connections.enabled_clients_after(
        session, connection.id, after_id=cursors.decode(from_), limit=take + 1
    )
    body: dict[str, object] = {"clients": [{"client_id": c} for c in client_ids[:take]]}
    if len(client_ids) > take:
        body["next"] = cursors.encode(client_ids[take - 1])
    return json_response(body)


@router.patch("/connections/{connection_id}/clients", status_code=204)
async def change_connection_clients(
    connection_id: str,
    caller: Annotated[Caller, Depends(require("update:connections"))],
    changes: Annotated[ConnectionClientChanges, Body()],
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    await services.connections.change_clients(session, tenant.id, connection_id, changes)
    return Response(status_code=204)
