"""SSO sessions in the Management API (reference §2.2 ``/sessions`` and
``/users/{id}/sessions``; the object shape of §2.3 "Session"; Auth0, "Manage User Sessions with
Auth0 Management API"). The session ``id`` is the ``sid`` claim of ID and logout tokens.

Only live sessions exist here: an expired one is a 404, as is a deleted one. Ending sessions
is ``sessions.logout``'s, which also tells the applications (back-channel logout).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from authgate.core.clock import Clock
from authgate.core.errors import NotFound
from authgate.core.fields import wire_time
from authgate.protocol.ports import TenantRecord
from authgate.sessions import repository
from authgate.sessions.logout import UNKNOWN_SESSION, LogoutService
from authgate.sessions.models import LoginSession
from authgate.users.service import UserService

PASSWORD_METHOD = "pwd"


def session_to_wire(row: LoginSession, user_id: str) -> dict[str, Any]:
    """Auth0's session object. Every session so far began with a password (``pwd``)."""
    device = {
        "initial_ip": row.ip,
        "initial_user_agent": row.user_agent,
        "last_ip": row.last_ip,
        "last_user_agent": row.last_user_agent,
    }
    return {
        "id": row.id,
        "user_id": user_id,
        "created_at": wire_time(row.created_at),
        "updated_at": wire_time(row.last_interaction_at),
        "authenticated_at": wire_time(row.authenticated_at),
        "last_interacted_at": wire_time(row.last_interaction_at),
        "idle_expires_at": wire_time(row.idle_expires_at),
        "expires_at": wire_time(row.expires_at),
        "device": {name: value for name, value in device.items() if value},
        "clients": [{"client_id": client_id} for client_id in row.clients],
        "authentication": {
            "methods": [{"name": PASSWORD_METHOD, "timestamp": wire_time(row.authenticated_at)}]
        },
    }


class SessionAdmin:
    def __init__(self, clock: Clock, users: UserService, logout: LogoutService) -> None:
        self._clock, self._users, self._logout = clock, users, logout

    async def of_user(
        self,
        session: AsyncSession,
        tenant_id: str,
        user_id: str,
        *,
        after_id: str | None,
        limit: int,
    ) -> list[dict[str, Any]]:
        """A page of a user's live sessions (404 for an unknown user)."""
        user = await self._users.get(session, tenant_id, user_id)
        rows = await repository.live_of_user(
            session, tenant_id, user.id, self._clock.now(), after_id=after_id, limit=limit
        )
        return [session_to_wire(row, user.user_id) for row in rows]

    async def get(self, session: AsyncSession, tenant_id: str, session_id: str) -> dict[str, Any]:
        found = await repository.live_with_user(session, tenant_id, session_id, self._clock.now())
        if found is None:
            raise NotFound(UNKNOWN_SESSION, error_code="inexistent_session")
        return session_to_wire(*found)

    async def delete(
        self, session: AsyncSession, tenant: TenantRecord, session_id: str, *, revoke: bool
    ) -> None:
        """Ends the session; ``revoke`` also revokes the refresh tokens issued through it."""
        await self._logout.end(session, tenant, session_id, revoke_refresh_tokens=revoke)

    async def delete_of_user(
        self, session: AsyncSession, tenant: TenantRecord, user_id: str
    ) -> int:
        user = await self._users.get(session, tenant.id, user_id)
        return await self._logout.end_all_of_user(session, tenant, user.id, user.user_id)
