"""``/api/v2/users`` and ``/api/v2/users-by-email``: Auth0's user object, search and paging."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from starlette.responses import Response

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
from authgate.http.responses import json_response
from authgate.protocol.errors import InsufficientScope
from authgate.users.schemas import UserCreate, UserUpdate

router = APIRouter(prefix="/api/v2", tags=["users"])
MAX_SEARCH_RESULTS = 1000
APP_METADATA_ONLY = frozenset({"app_metadata"})


@router.get("/users")
async def list_users(
    caller: Annotated[Caller, Depends(require("read:users", "read:user_idp_tokens"))],
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
    q: Annotated[str | None, Query(max_length=2000)] = None,
    sort: Annotated[str | None, Query(max_length=100)] = None,
    connection: Annotated[str | None, Query(max_length=128)] = None,
    fields: str | None = None,
    include_fields: bool | None = None,
    search_engine: Annotated[str | None, Query(pattern="^v[123]$")] = None,
    page: Annotated[int, Query(ge=0, le=MAX_SEARCH_RESULTS)] = 0,
    per_page: Annotated[int, Query(ge=1, le=MAX_PER_PAGE)] = 50,
    include_totals: bool = False,
) -> Response:
    paging = Paging(page=page, per_page=per_page, include_totals=include_totals)
    users, total = await services.users.search(
        session,
        tenant.id,
        q=q,
        sort=sort,
        connection=connection,
        offset=paging.offset,
        limit=paging.per_page,
        count=include_totals,
        max_results=MAX_SEARCH_RESULTS,
    )
    bodies = [
        select_fields(body, fields, include_fields)
        for body in await services.users.render(session, tenant, users)
    ]
    return json_response(page_body(paging, "users", bodies, total or 0))


@router.get("/users-by-email")
async def users_by_email(
    caller: Annotated[Caller, Depends(require("read:users"))],
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
    email: Annotated[str, Query(min_length=1, max_length=320)],
    fields: str | None = None,
    include_fields: bool | None = None,
) -> Response:
    users = await services.users.by_email(session, tenant.id, email)
    bodies = await services.users.render(session, tenant, users)
    return json_response([select_fields(body, fields, include_fields) for body in bodies])


@router.post("/users", status_code=201)
async def create_user(
    caller: Annotated[Caller, Depends(require("create:users"))],
    body: UserCreate,
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    user = await services.users.create(session, tenant, body)
    return json_response((await services.users.render(session, tenant, [user]))[0], status=201)


@router.get("/users/{user_id}")
async def get_user(
    user_id: str,
    caller: Annotated[Caller, Depends(require("read:users", "read:user_idp_tokens"))],
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
    fields: str | None = None,
    include_fields: bool | None = None,
) -> Response:
    user = await services.users.get(session, tenant.id, user_id)
    body = (await services.users.render(session, tenant, [user]))[0]
    return json_response(select_fields(body, fields, include_fields))


@router.patch("/users/{user_id}")
async def update_user(
    user_id: str,
    caller: Annotated[Caller, Depends(require("update:users", "update:users_app_metadata"))],
    body: UserUpdate,
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    if not caller.has_any("update:users") and not body.model_fields_set <= APP_METADATA_ONLY:
        raise InsufficientScope("Insufficient scope, expected any of: update:users")
    user = await services.users.update(session, tenant, user_id, body)
    return json_response((await services.users.render(session, tenant, [user]))[0])


@router.delete("/users/{user_id}", status_code=204)
async def delete_user(
    user_id: str,
    caller: Annotated[Caller, Depends(require("delete:users"))],
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    await services.users.delete(session, tenant.id, user_id)
    return Response(status_code=204)
