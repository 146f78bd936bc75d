"""``/api/v2/client-grants``: checkpoint paging (``from``/``take``) as Auth0 documents it, and
offset paging when ``page`` or ``per_page`` is given."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
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
)
from authgate.client_grants.schemas import ClientGrantCreate, ClientGrantUpdate
from authgate.client_grants.service import grant_to_wire
from authgate.http.responses import json_response

router = APIRouter(prefix="/api/v2", tags=["client-grants"])


@router.get("/client-grants")
async def list_client_grants(
    caller: Annotated[Caller, Depends(require("read:client_grants"))],
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
    audience: str | None = None,
    client_id: str | None = None,
    from_: Annotated[str | None, Query(alias="from", max_length=200)] = None,
    take: Annotated[int, Query(ge=1, le=MAX_PER_PAGE)] = 50,
    page: Annotated[int | None, Query(ge=0, le=100_000)] = None,
    per_page: Annotated[int | None, Query(ge=1, le=MAX_PER_PAGE)] = None,
    include_totals: bool = False,
) -> Response:
    if page is not None or per_page is not None:
        paging = Paging(page=page or 0, per_page=per_page or 50, include_totals=include_totals)
        items, total = await services.client_grants.page(
            session,
            tenant.id,
            offset=paging.offset,
            limit=paging.per_page,
            audience=audience,
            client_id=client_id,
        )
        return json_response(
            page_body(paging, "client_grants", [grant_to_wire(g) for g in items], total)
        )
    grants = await services.client_grants.after(
        session,
        tenant.id,
        after_id=cursors.decode(from_, prefix="cgr_"),
        limit=take + 1,
        audience=audience,
        client_id=client_id,
    )
    body: dict[str, object] = {"client_grants": [grant_to_wire(g) for g in grants[:take]]}
    if len(grants) > take:
        body["next"] = cursors.encode(grants[take - 1].id)
    return json_response(body)


@router.post("/client-grants", status_code=201)
async def create_client_grant(
    caller: Annotated[Caller, Depends(require("create:client_grants"))],
    body: ClientGrantCreate,
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    grant = await services.client_grants.create(session, tenant.id, body)
    return json_response(grant_to_wire(grant), status=201)


@router.get("/client-grants/{grant_id}")
async def get_client_grant(
    grant_id: str,
    caller: Annotated[Caller, Depends(require("read:client_grants"))],
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    grant = await services.client_grants.get(session, tenant.id, grant_id)
    return json_response(grant_to_wire(grant))


@router.patch("/client-grants/{grant_id}")
async def update_client_grant(
    grant_id: str,
    caller: Annotated[Caller, Depends(require("update:client_grants"))],
    body: ClientGrantUpdate,
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    grant = await services.client_grants.update(session, tenant.id, grant_id, body)
    return json_response(grant_to_wire(grant))


@router.delete("/client-grants/{grant_id}", status_code=204)
async def delete_client_grant(
    grant_id: str,
    caller: Annotated[Caller, Depends(require("delete:client_grants"))],
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    await services.client_grants.delete(session, tenant.id, grant_id)
    return Response(status_code=204)
