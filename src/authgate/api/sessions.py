"""``/api/v2/sessions/{id}`` and ``/api/v2/users/{id}/sessions`` (reference §2.2): read a
session, end it (``DELETE``: the refresh tokens stay, as in Auth0), revoke it with its refresh
tokens (``POST .../revoke``); each ended session is announced by back-channel logout. Lists use
checkpoint paging (``from``/``take``). Ending is answered 202: the applications are told
afterwards."""

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
from authgate.protocol.errors import InsufficientScope

router = APIRouter(prefix="/api/v2", tags=["sessions"])
SessionId = Annotated[str, Path(max_length=64)]


@router.get("/users/{user_id}/sessions")
async def list_user_sessions(
    user_id: str,
    caller: Annotated[Caller, Depends(require("read:sessions"))],
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
    from_: Annotated[str | None, Query(alias="from", max_length=200)] = None,
    take: Annotated[int, Query(ge=1, le=MAX_PER_PAGE)] = 50,
) -> Response:
    items = await services.session_admin.of_user(
        session, tenant.id, user_id, after_id=cursors.decode(from_), limit=take + 1
    )
    return json_response(cursors.page("sessions", items, take))


@router.delete("/users/{user_id}/sessions", status_code=202)
async def delete_user_sessions(
    user_id: str,
    caller: Annotated[Caller, Depends(require("delete:sessions"))],
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    await services.session_admin.delete_of_user(session, tenant, user_id)
    return Response(status_code=202)


@router.get("/sessions/{session_id}")
async def get_session(
    session_id: SessionId,
    caller: Annotated[Caller, Depends(require("read:sessions"))],
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    return json_response(await services.session_admin.get(session, tenant.id, session_id))


@router.delete("/sessions/{session_id}", status_code=202)
async def delete_session(
    session_id: SessionId,
    caller: Annotated[Caller, Depends(require("delete:sessions"))],
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    await services.session_admin.delete(session, tenant, session_id, revoke=False)
    return Response(status_code=202)


@router.post("/sessions/{session_id}/revoke", status_code=202)
async def revoke_session(
    session_id: SessionId,
    caller: Annotated[Caller, Depends(require("delete:sessions"))],
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    if not caller.has_any("delete:refresh_tokens"):  # it revokes refresh tokens too
        raise InsufficientScope(
            "Insufficient scope, expected all of: delete:sessions,delete:refresh_tokens"
        )
    await services.session_admin.delete(session, tenant, session_id, revoke=True)
    return Response(status_code=202)
