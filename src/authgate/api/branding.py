"""``/api/v2/branding`` and ``/api/v2/branding/templates/universal-login``.

Sources: https://auth0.com/docs/api/management/v2/branding/get-branding,
https://auth0.com/docs/api/management/v2/branding/patch-branding,
https://auth0.com/docs/api/management/v2/branding/get-universal-login (``{"body": ...}``; 404
"Template does not exist." when there is none), .../put-universal-login (JSON
``{"template": ...}``, a JSON string or a ``text/html`` body; 201 when created, 204 when
replaced) and .../delete-universal-login (204). Unlike Auth0, no custom domain or paid plan is
needed for a page template.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import Response

from authgate.api.dependencies import Caller, ServicesDep, SessionDep, TenantDep, require
from authgate.branding.schemas import BrandingPatch, TemplateBody
from authgate.core.errors import Invalid
from authgate.core.fields import describe_validation_error
from authgate.http.responses import json_response

router = APIRouter(prefix="/api/v2", tags=["branding"])
TEMPLATE_PATH = "/branding/templates/universal-login"


@router.get("/branding")
async def get_branding(
    caller: Annotated[Caller, Depends(require("read:branding"))],
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    return json_response(await services.branding.settings(session, tenant.id))


@router.patch("/branding")
async def update_branding(
    caller: Annotated[Caller, Depends(require("update:branding"))],
    body: BrandingPatch,
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    return json_response(await services.branding.update(session, tenant.id, body))


@router.get(TEMPLATE_PATH)
async def get_template(
    caller: Annotated[Caller, Depends(require("read:branding"))],
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    return json_response({"body": await services.branding.template(session, tenant.id)})


@router.put(TEMPLATE_PATH)
async def set_template(
    request: Request,
    caller: Annotated[Caller, Depends(require("update:branding"))],
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    template = template_of(request.headers.get("content-type", ""), await request.body())
    created = await services.branding.set_template(session, tenant.id, template)
    return Response(status_code=201 if created else 204)


@router.delete(TEMPLATE_PATH, status_code=204)
async def delete_template(
    caller: Annotated[Caller, Depends(require("delete:branding"))],
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    await services.branding.delete_template(session, tenant.id)
    return Response(status_code=204)


def template_of(content_type: str, raw: bytes) -> str:
    """The template of a PUT body: ``text/html``, a JSON string or ``{"template": ...}``."""
    try:
        text = raw.decode()
    except UnicodeDecodeError as exc:
        raise Invalid("Payload validation error: 'the body is not valid UTF-8'.") from exc
    if content_type.split(";", maxsplit=1)[0].strip().lower() == "text/html":
        return text
    try:
        parsed: Any = json.loads(text)
    except ValueError as exc:
        raise Invalid("Payload validation error: 'Invalid JSON'.") from exc
    if isinstance(parsed, str):
        return parsed
    try:
        return TemplateBody.model_validate(parsed).template
    except ValidationError as exc:
        raise Invalid(describe_validation_error(exc)) from exc
