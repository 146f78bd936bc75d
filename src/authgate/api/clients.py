"""``/api/v2/clients``: applications in Auth0's shape.

The secret is shown only to callers holding ``read:client_keys`` or ``read:client_credentials``;
callers with only ``read:client_summary`` see the summary fields.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from starlette.responses import Response

from authgate.api.dependencies import (
    Caller,
    PagingDep,
    ServicesDep,
    SessionDep,
    TenantDep,
    page_body,
    require,
    select_fields,
)
from authgate.clients.models import Client
from authgate.clients.schemas import ClientCreate, ClientUpdate
from authgate.clients.service import client_to_wire
from authgate.http.responses import NO_STORE, json_response
from authgate.protocol.errors import InsufficientScope
from authgate.services import Services

router = APIRouter(prefix="/api/v2", tags=["clients"])

READ = ("read:clients", "read:client_keys", "read:client_credentials", "read:client_summary")
FULL_READ = ("read:clients", "read:client_keys", "read:client_credentials")
SECRET_READ = ("read:client_keys", "read:client_credentials")
SECRET_UPDATE = ("update:client_keys", "update:client_credentials")
SUMMARY_FIELDS = frozenset({"client_id", "app_type", "name", "description"})

Reader = Annotated[Caller, Depends(require(*READ))]


def _render(
    services: Services, tenant_name: str, client: Client, caller: Caller, *, secret: bool
) -> dict[str, Any]:
    shown = services.clients.secret(client) if secret else None
    body = client_to_wire(client, tenant_name, shown)
    if not caller.has_any(*FULL_READ):
        body = {key: value for key, value in body.items() if key in SUMMARY_FIELDS}
    return body


def _headers(secret: bool) -> dict[str, str] | None:
    return NO_STORE if secret else None


@router.get("/clients")
async def list_clients(
    caller: Reader,
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
    paging: PagingDep,
    fields: str | None = None,
    include_fields: bool | None = None,
    app_type: str | None = None,
    is_first_party: bool | None = None,
) -> Response:
    items, total = await services.clients.page(
        session,
        tenant.id,
        offset=paging.offset,
        limit=paging.per_page,
        app_types=[t.strip() for t in app_type.split(",")] if app_type else None,
        is_first_party=is_first_party,
    )
    secret = caller.has_any(*SECRET_READ)
    bodies = [
        select_fields(
            _render(services, tenant.name, c, caller, secret=secret), fields, include_fields
        )
        for c in items
    ]
    return json_response(page_body(paging, "clients", bodies, total), headers=_headers(secret))


@router.post("/clients", status_code=201)
async def create_client(
    caller: Annotated[Caller, Depends(require("create:clients"))],
    body: ClientCreate,
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    client = await services.clients.create(session, tenant.id, body)
    rendered = client_to_wire(client, tenant.name, services.clients.secret(client))
    return json_response(rendered, status=201, headers=NO_STORE)


@router.get("/clients/{client_id}")
async def get_client(
    client_id: str,
    caller: Reader,
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
    fields: str | None = None,
    include_fields: bool | None = None,
) -> Response:
    client = await services.clients.get(session, tenant.id, client_id)
    secret = caller.has_any(*SECRET_READ)
    body = _render(services, tenant.name, client, caller, secret=secret)
    return json_response(select_fields(body, fields, include_fields), headers=_headers(secret))


@router.patch("/clients/{client_id}")
async def update_client(
    client_id: str,
    caller: Annotated[
        Caller,
        Depends(require("update:clients", "update:client_keys", "update:client_credentials")),
    ],
    body: ClientUpdate,
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    if "client_secret" in body.model_fields_set and not caller.has_any(*SECRET_UPDATE):
        raise InsufficientScope(f"Insufficient scope, expected any of: {','.join(SECRET_UPDATE)}")
    client = await services.clients.update(session, tenant.id, client_id, body)
    rendered = client_to_wire(client, tenant.name, services.clients.secret(client))
    return json_response(rendered, headers=NO_STORE)


@router.delete("/clients/{client_id}", status_code=204)
async def delete_client(
    client_id: str,
    caller: Annotated[Caller, Depends(require("delete:clients"))],
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    await services.clients.delete(session, tenant.id, client_id)
    return Response(status_code=204)


@router.post("/clients/{client_id}/rotate-secret")
async def rotate_secret(
    client_id: str,
    caller: Annotated[Caller, Depends(require("update:client_keys"))],
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    client = await services.clients.rotate_secret(session, tenant.id, client_id)
    rendered = client_to_wire(client, tenant.name, services.clients.secret(client))
    return json_response(rendered, headers=NO_STORE)
