"""``/api/v2/email-templates`` and ``/api/v2/emails/provider`` (reference §2.3 "Branding /
prompts / email").

``GET /emails/provider`` answers ``name`` and ``enabled`` unless ``fields`` asks for more, as
Auth0 does; the SMTP password is never part of any response.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path
from starlette.responses import Response

from authgate.api.dependencies import (
    Caller,
    ServicesDep,
    SessionDep,
    TenantDep,
    require,
    select_fields,
)
from authgate.email.provider import provider_to_wire
from authgate.email.schemas import ProviderCreate, ProviderPatch, TemplateBody, TemplatePatch
from authgate.email.templates_admin import template_to_wire
from authgate.http.responses import json_response

router = APIRouter(prefix="/api/v2", tags=["email"])

PROVIDER_DEFAULT_FIELDS = "name,enabled"
TemplateName = Annotated[str, Path(alias="templateName", max_length=64)]


@router.post("/email-templates")
async def create_template(
    caller: Annotated[Caller, Depends(require("create:email_templates"))],
    body: TemplateBody,
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    row = await services.email.templates.create(session, tenant.id, body)
    return json_response(template_to_wire(row))


@router.get("/email-templates/{templateName}")
async def get_template(
    template_name: TemplateName,
    caller: Annotated[Caller, Depends(require("read:email_templates"))],
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    row = await services.email.templates.get(session, tenant.id, template_name)
    return json_response(template_to_wire(row))


@router.put("/email-templates/{templateName}")
async def replace_template(
    template_name: TemplateName,
    caller: Annotated[Caller, Depends(require("update:email_templates"))],
    body: TemplateBody,
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    row = await services.email.templates.replace(session, tenant.id, template_name, body)
    return json_response(template_to_wire(row))


@router.patch("/email-templates/{templateName}")
async def update_template(
    template_name: TemplateName,
    caller: Annotated[Caller, Depends(require("update:email_templates"))],
    body: TemplatePatch,
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    row = await services.email.templates.update(session, tenant.id, template_name, body)
    return json_response(template_to_wire(row))


@router.get("/emails/provider")
async def get_provider(
    caller: Annotated[Caller, Depends(require("read:email_provider"))],
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
    fields: str | None = None,
    include_fields: bool | None = None,
) -> Response:
    row = await services.email.provider.get(session, tenant.id)
    body = provider_to_wire(row)
    if not fields:
        return json_response(select_fields(body, PROVIDER_DEFAULT_FIELDS, True))
    return json_response(select_fields(body, fields, include_fields))


@router.post("/emails/provider", status_code=201)
async def create_provider(
    caller: Annotated[Caller, Depends(require("create:email_provider"))],
    body: ProviderCreate,
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    row = await services.email.provider.create(session, tenant.id, body)
    return json_response(provider_to_wire(row), status=201)


@router.patch("/emails/provider")
async def update_provider(
    caller: Annotated[Caller, Depends(require("update:email_provider"))],
    body: ProviderPatch,
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    row = await services.email.provider.update(session, tenant.id, body)
    return json_response(provider_to_wire(row))


@router.delete("/emails/provider", status_code=204)
async def delete_provider(
    caller: Annotated[Caller, Depends(require("delete:email_provider"))],
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    await services.email.provider.delete(session, tenant.id)
    return Response(status_code=204)
