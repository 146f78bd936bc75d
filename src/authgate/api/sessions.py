"""``/api/v2/sessions``, ``/api/v2/refresh-tokens`` and a user's sessions and refresh tokens
(reference §2.2)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.responses import Response

from authgate.api.dependencies import Caller, ServicesDep, SessionDep, TenantDep, require
from authgate.http.responses import json_response

router = APIRouter(prefix="/api/v2", tags=["sessions"])
ReadSessions = Annotated[Caller, Depends(require("read:sessions"))]
DeleteSessions = Annotated[Caller, Depends(require("delete:sessions"))]
ReadTokens = Annotated[Caller, Depends(require("read:refresh_tokens"))]
DeleteTokens = Annotated[Caller, Depends(require("delete:refresh_tokens"))]


@router.get("/users/{user_id}/sessions")
async def user_sessions(
    user_id: str,
    caller: ReadSessions,
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    return json_response(await services.session_admin.sessions_of(session, tenant.id, user_id))


@router.get("/sessions/{session_id}")
async def get_session(
    session_id: str,
    caller: ReadSessions,
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    return json_response(await services.session_admin.get(session, tenant.id, session_id))


@router.delete("/sessions/{session_id}", status_code=204)
async def delete_session(
    session_id: str,
    caller: DeleteSessions,
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    await services.session_admin.delete(session, tenant.id, session_id, tokens=False)
    return Response(status_code=204)


@router.post("/sessions/{session_id}/revoke", status_code=202)
async def revoke_session(
    session_id: str,
    caller: Annotated[Caller, Depends(require("delete:sessions"))],
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    """Ends the session and revokes the refresh tokens issued in it."""
    await services.session_admin.delete(session, tenant.id, session_id, tokens=True)
    return Response(status_code=202)


@router.get("/users/{user_id}/refresh-tokens")
async def user_refresh_tokens(
    user_id: str, caller: ReadTokens, tenant: TenantDep, session: SessionDep, services: ServicesDep
) -> Response:
    body = await services.session_admin.refresh_tokens_of(session, tenant.id, user_id)
    return json_response(body)


@router.delete("/users/{user_id}/refresh-tokens", status_code=204)
async def delete_user_refresh_tokens(
    user_id: str,
    caller: DeleteTokens,
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    await services.session_admin.revoke_refresh_tokens_of(session, tenant.id, user_id)
    return Response(status_code=204)


@router.get("/refresh-tokens/{token_id}")
async def get_refresh_token(
    token_id: str, caller: ReadTokens, tenant: TenantDep, session: SessionDep, services: ServicesDep
) -> Response:
    return json_response(await services.session_admin.refresh_token(session, tenant.id, token_id))


@router.delete("/refresh-tokens/{token_id}", status_code=204)
async def delete_refresh_token(
    token_id: str,
    caller: DeleteTokens,
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    await services.session_admin.revoke_refresh_token(session, tenant.id, token_id)
    return Response(status_code=204)
