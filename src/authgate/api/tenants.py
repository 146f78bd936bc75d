"""``/api/v2/tenants/settings``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.responses import Response

from authgate.api.dependencies import (
    Caller,
    ServicesDep,
    SessionDep,
    TenantDep,
    require,
    select_fields,
)
from authgate.http.responses import json_response
from authgate.tenants.schemas import TenantSettingsPatch, settings_to_wire

router = APIRouter(prefix="/api/v2", tags=["tenants"])


@router.get("/tenants/settings")
async def get_settings(
    caller: Annotated[Caller, Depends(require("read:tenant_settings"))],
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
    fields: str | None = None,
    include_fields: bool | None = None,
) -> Response:
    settings = await services.tenants.settings(session, tenant.id)
    return json_response(select_fields(settings_to_wire(settings), fields, include_fields))


@router.patch("/tenants/settings")
async def update_settings(
    caller: Annotated[Caller, Depends(require("update:tenant_settings"))],
    body: TenantSettingsPatch,
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    settings = await services.tenants.update_settings(session, tenant.id, body)
    return json_response(settings_to_wire(settings))
