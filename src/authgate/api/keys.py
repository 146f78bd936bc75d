"""``/api/v2/keys/signing``: list, read, rotate and revoke the tenant's signing keys."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.responses import Response

from authgate.api.dependencies import Caller, ServicesDep, SessionDep, TenantDep, require
from authgate.http.responses import json_response
from authgate.keys.service import key_to_wire

router = APIRouter(prefix="/api/v2", tags=["keys"])


@router.get("/keys/signing")
async def list_signing_keys(
    caller: Annotated[Caller, Depends(require("read:signing_keys"))],
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    keys = await services.keys.list(session, tenant.id)
    return json_response([key_to_wire(key) for key in keys])


@router.post("/keys/signing/rotate", status_code=201)
async def rotate_signing_key(
    caller: Annotated[Caller, Depends(require("create:signing_keys", "update:signing_keys"))],
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    key = await services.keys.rotate(session, tenant)
    return json_response({"cert": key.cert, "kid": key.kid}, status=201)


@router.get("/keys/signing/{kid}")
async def get_signing_key(
    kid: str,
    caller: Annotated[Caller, Depends(require("read:signing_keys"))],
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    key = await services.keys.get(session, tenant.id, kid)
    return json_response(key_to_wire(key))


@router.put("/keys/signing/{kid}/revoke")
async def revoke_signing_key(
    kid: str,
    caller: Annotated[Caller, Depends(require("update:signing_keys"))],
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    key = await services.keys.revoke(session, tenant.id, kid)
    return json_response({"cert": key.cert, "kid": key.kid})
