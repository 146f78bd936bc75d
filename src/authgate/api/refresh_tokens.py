"""``/api/v2/refresh-tokens/{id}`` and ``/api/v2/users/{id}/refresh-tokens`` (reference §2.2):
a user's usable refresh tokens in Auth0's shape with checkpoint paging (``from``/``take``), one
token, and their revocation (answered 202, as Auth0 does)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from starlette.responses import Response

from authgate.api import cursors
from authgate.api.dependencies import (
    MAX_PER_PAGE,
    Caller,
    ServicesDep,
    SessionDep,
    TenantDep,
    require,
)
from authgate.http.responses import json_response
from authgate.tokens.admin import refresh_token_to_wire

router = APIRouter(prefix="/api/v2", tags=["refresh-tokens"])
TokenId = Annotated[str, Path(max_length=64)]


@router.get("/users/{user_id}/refresh-tokens")
async def list_user_refresh_tokens(
    user_id: str,
    caller: Annotated[Caller, Depends(require("read:refresh_tokens"))],
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
    from_: Annotated[str | None, Query(alias="from", max_length=200)] = None,
    take: Annotated[int, Query(ge=1, le=MAX_PER_PAGE)] = 50,
) -> Response:
    items = await services.refresh_token_admin.of_user(
        session, tenant, user_id, after_id=cursors.decode(from_), limit=take + 1
    )
    return json_response(cursors.page("tokens", items, take))


@router.delete("/users/{user_id}/refresh-tokens", status_code=202)
async def delete_user_refresh_tokens(
    user_id: str,
    caller: Annotated[Caller, Depends(require("delete:refresh_tokens"))],
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    await services.refresh_token_admin.delete_of_user(session, tenant.id, user_id)
    return Response(status_code=202)


@router.get("/refresh-tokens/{token_id}")
async def get_refresh_token(
    token_id: TokenId,
    caller: Annotated[Caller, Depends(require("read:refresh_tokens"))],
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    token, user_id = await services.refresh_token_admin.get(session, tenant.id, token_id)
    return json_response(refresh_token_to_wire(token, user_id, tenant.issuer))


@router.delete("/refresh-tokens/{token_id}", status_code=202)
async def delete_refresh_token(
    token_id: TokenId,
    caller: Annotated[Caller, Depends(require("delete:refresh_tokens"))],
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    await services.refresh_token_admin.delete(session, tenant.id, token_id)
    return Response(status_code=202)
