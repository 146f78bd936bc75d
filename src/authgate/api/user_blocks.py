"""``/api/v2/user-blocks``: brute-force blocks by identifier and by user id.

Source: https://auth0.com/docs/api/management/v2/user-blocks/get-user-blocks and the pages next
to it; ``consider_brute_force_enablement=true`` answers no blocks while brute-force protection
is off.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from starlette.responses import Response

from authgate.api.dependencies import Caller, ServicesDep, SessionDep, TenantDep, require
from authgate.http.responses import json_response

router = APIRouter(prefix="/api/v2", tags=["user-blocks"])
Identifier = Annotated[str, Query(min_length=1, max_length=320)]
Consider = Annotated[bool, Query()]


@router.get("/user-blocks")
async def blocks_by_identifier(
    caller: Annotated[Caller, Depends(require("read:users"))],
    identifier: Identifier,
    tenant: TenantDep,
    services: ServicesDep,
    consider_brute_force_enablement: Consider = False,
) -> Response:
    blocks = await services.blocks.blocked_for(
        tenant.id, [identifier], consider_enablement=consider_brute_force_enablement
    )
    return json_response(blocks)


@router.delete("/user-blocks", status_code=204)
async def release_identifier(
    caller: Annotated[Caller, Depends(require("update:users"))],
    identifier: Identifier,
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    await services.blocks.release(tenant.id, [identifier], session)
    return Response(status_code=204)


@router.get("/user-blocks/{user_id}")
async def blocks_of_user(
    user_id: str,
    caller: Annotated[Caller, Depends(require("read:users"))],
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
    consider_brute_force_enablement: Consider = False,
) -> Response:
    blocks = await services.blocks.blocked_for_user(
        session, tenant.id, user_id, consider_enablement=consider_brute_force_enablement
    )
    return json_response(blocks)


@router.delete("/user-blocks/{user_id}", status_code=204)
async def release_user(
    user_id: str,
    caller: Annotated[Caller, Depends(require("update:users"))],
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    await services.blocks.release_user(session, tenant.id, user_id)
    return Response(status_code=204)
