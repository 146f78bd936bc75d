"""``/api/v2/attack-protection/*`` and ``/api/v2/anomaly/blocks/ips/{ip}``.

Sources: https://auth0.com/docs/api/management/v2/attack-protection/get-brute-force-protection
and the pages next to it (GET answers the whole document with defaults, PATCH the document
after the change); https://auth0.com/docs/api/management/v2/anomaly/get-ips-by-id (200 when the
IP is throttled, 404 when not) and .../delete-ips-by-id (204). ``rate-limits`` is Authgate's
(``protection.settings``).
"""

from __future__ import annotations

import ipaddress
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ValidationError
from starlette.requests import Request
from starlette.responses import Response

from authgate.api.dependencies import Caller, ServicesDep, SessionDep, TenantDep, require
from authgate.captcha.schemas import CaptchaPatch, public_captcha
from authgate.core.errors import Invalid, NotFound
from authgate.core.fields import describe_validation_error
from authgate.http.responses import json_response
from authgate.protection.settings import CAPTCHA, PATCHES, effective, patch_document

router = APIRouter(prefix="/api/v2", tags=["attack-protection"])
READ = "read:attack_protection"
UPDATE = "update:attack_protection"


def _feature(name: str) -> None:
    @router.get(f"/attack-protection/{name}", name=f"get-{name}")
    async def read(
        caller: Annotated[Caller, Depends(require(READ))],
        tenant: TenantDep,
        services: ServicesDep,
    ) -> Response:
        return json_response(await services.protection.settings.document(tenant.id, name))

    @router.patch(f"/attack-protection/{name}", name=f"patch-{name}")
    async def update(
        request: Request,
        caller: Annotated[Caller, Depends(require(UPDATE))],
        tenant: TenantDep,
        session: SessionDep,
        services: ServicesDep,
    ) -> Response:
        patch = _parse(PATCHES[name], await _json(request))
        stored = await services.protection.settings.update(session, tenant.id, name, patch)
        return json_response(effective(name, stored))


async def _json(request: Request) -> Any:
    try:
        return await request.json()
    except ValueError:
        raise Invalid("Payload validation error: the body is not JSON.") from None


def _parse(model: type[BaseModel], document: Any) -> BaseModel:
    if not isinstance(document, dict):
        raise Invalid("Payload validation error: the body must be a JSON object.")
    try:
        return model.model_validate(document)
    except ValidationError as exc:
        raise Invalid(
            f"Payload validation error: {describe_validation_error(exc)}",
            error_code="invalid_body",
        ) from None


for _name in PATCHES:
    _feature(_name)


@router.get("/attack-protection/captcha")
async def read_captcha(
    caller: Annotated[Caller, Depends(require(READ))],
    tenant: TenantDep,
    services: ServicesDep,
) -> Response:
    document = await services.protection.settings.document(tenant.id, CAPTCHA)
    return json_response(public_captcha(document))


@router.patch("/attack-protection/captcha")
async def update_captcha(
    request: Request,
    caller: Annotated[Caller, Depends(require(UPDATE))],
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    patch = _parse(CaptchaPatch, await _json(request))
    changes = services.bots.seal(tenant.id, patch_document(patch))
    stored = await services.protection.settings.update(session, tenant.id, CAPTCHA, changes)
    return json_response(public_captcha(effective(CAPTCHA, stored)))


def _ip(value: str) -> str:
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        raise Invalid("Path validation error: 'id' must be an IP address.") from None


@router.get("/anomaly/blocks/ips/{ip}")
async def check_ip(
    ip: str,
    caller: Annotated[Caller, Depends(require("read:anomaly_blocks"))],
    tenant: TenantDep,
    services: ServicesDep,
) -> Response:
    if not await services.protection.throttle.blocked(tenant.id, _ip(ip)):
        raise NotFound("IP address is not blocked.")
    return Response(status_code=200)


@router.delete("/anomaly/blocks/ips/{ip}", status_code=204)
async def release_ip(
    ip: str,
    caller: Annotated[Caller, Depends(require("delete:anomaly_blocks"))],
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    await services.protection.throttle.release(tenant.id, _ip(ip), session)
    return Response(status_code=204)
