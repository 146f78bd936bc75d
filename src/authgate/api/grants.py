"""``/api/v2/grants`` (reference §2.2): the consents users gave applications, listed with
Auth0's filters and offset paging, deleted one by one or all of a user's at once."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
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
from authgate.core.errors import Invalid
from authgate.http.responses import json_response

router = APIRouter(prefix="/api/v2", tags=["grants"])
Filter = Annotated[str | None, Query(min_length=1, max_length=600)]


@router.get("/grants")
async def list_grants(
    caller: Annotated[Caller, Depends(require("read:grants"))],
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
    paging: PagingDep,
    user_id: Filter = None,
    client_id: Filter = None,
    audience: Filter = None,
) -> Response:
    items, total = await services.grants.page(
        session,
        tenant.id,
        user_id=user_id,
        client_id=client_id,
        audience=audience,
        offset=paging.offset,
        limit=paging.per_page,
        totals=paging.include_totals,
    )
    return json_response(page_body(paging, "grants", items, total))


@router.delete("/grants", status_code=204)
async def delete_grants_of_user(
    caller: Annotated[Caller, Depends(require("delete:grants"))],
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
    user_id: Filter = None,
) -> Response:
    if user_id is None:
        raise Invalid("Query parameter user_id is required.")
    await services.grants.delete_of_user(session, tenant.id, user_id)
    return Response(status_code=204)


@router.delete("/grants/{grant_id}", status_code=204)
async def delete_grant(
    grant_id: Annotated[str, Path(max_length=64)],
    caller: Annotated[Caller, Depends(require("delete:grants"))],
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    await services.grants.delete(session, tenant.id, grant_id)
    return Response(status_code=204)
