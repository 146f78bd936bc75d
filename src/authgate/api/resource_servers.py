"""``/api/v2/resource-servers``: APIs in Auth0's shape."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.responses import Response

from authgate.api.dependencies import (
    Caller,
    PagingDep,
    ServicesDep,
    SessionDep,
    TenantDep,
    page_body,
    require,
)
from authgate.apis.schemas import ResourceServerCreate, ResourceServerUpdate
from authgate.apis.service import api_to_wire
from authgate.http.responses import json_response

router = APIRouter(prefix="/api/v2", tags=["resource-servers"])


@router.get("/resource-servers")
async def list_resource_servers(
    caller: Annotated[Caller, Depends(require("read:resource_servers"))],
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
    paging: PagingDep,
    identifiers: str | None = None,
) -> Response:
    wanted = [i for i in identifiers.split(",") if i] if identifiers else None
    items, total = await services.apis.page(
        session, tenant.id, offset=paging.offset, limit=paging.per_page, identifiers=wanted
    )
    bodies = [api_to_wire(api, services.apis.signing_secret(api)) for api in items]
    return json_response(page_body(paging, "resource_servers", bodies, total))


@router.post("/resource-servers", status_code=201)
async def create_resource_server(
    caller: Annotated[Caller, Depends(require("create:resource_servers"))],
    body: ResourceServerCreate,
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    api = await services.apis.create(session, tenant, body)
    return json_response(api_to_wire(api, services.apis.signing_secret(api)), status=201)


@router.get("/resource-servers/{api_id:path}")
async def get_resource_server(
    api_id: str,
    caller: Annotated[Caller, Depends(require("read:resource_servers"))],
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    api = await services.apis.get(session, tenant.id, api_id)
    return json_response(api_to_wire(api, services.apis.signing_secret(api)))


@router.patch("/resource-servers/{api_id:path}")
async def update_resource_server(
    api_id: str,
    caller: Annotated[Caller, Depends(require("update:resource_servers"))],
    body: ResourceServerUpdate,
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    api = await services.apis.update(session, tenant.id, api_id, body)
    return json_response(api_to_wire(api, services.apis.signing_secret(api)))


@router.delete("/resource-servers/{api_id:path}", status_code=204)
async def delete_resource_server(
    api_id: str,
    caller: Annotated[Caller, Depends(require("delete:resource_servers"))],
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    await services.apis.delete(session, tenant.id, api_id)
    return Response(status_code=204)
