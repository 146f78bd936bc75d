"""SSO sessions and refresh tokens in the Management API (reference §2.2 sessions and
refresh-tokens rows; object shapes §2.3): list a user's, read one, revoke."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from authgate.core.clock import Clock
from authgate.core.errors import NotFound
from authgate.core.fields import wire_time
from authgate.sessions import repository
from authgate.sessions.models import LoginSession
from authgate.tokens.models import RefreshToken
from authgate.users import repository as users


def session_to_wire(row: LoginSession, user_id: str) -> dict[str, Any]:
    device = {"initial_ip": row.ip, "initial_user_agent": row.user_agent}
    return {
        "id": row.id,
        "user_id": user_id,
        "created_at": wire_time(row.created_at),
        "updated_at": wire_time(row.last_interaction_at),
        "authenticated_at": wire_time(row.authenticated_at),
        "last_interacted_at": wire_time(row.last_interaction_at),
        "idle_expires_at": wire_time(row.idle_expires_at),
        "expires_at": wire_time(row.expires_at),
        "device": {**device, "last_ip": row.ip, "last_user_agent": row.user_agent},
        "clients": [{"client_id": client_id} for client_id in row.clients],
        "authentication": {
            "methods": [{"name": "pwd", "timestamp": wire_time(row.authenticated_at)}]
        },
    }


def refresh_token_to_wire(row: RefreshToken, user_id: str) -> dict[str, Any]:
    optional = {"idle_expires_at": row.idle_expires_at, "expires_at": row.expires_at}
    body: dict[str, Any] = {
        "id": row.id,
        "user_id": user_id,
        "client_id": row.client_id,
        "session_id": row.session_id,
        "rotating": row.rotating,
        "created_at": wire_time(row.created_at),
        "last_exchanged_at": wire_time(row.last_exchanged_at) if row.last_exchanged_at else None,
        "device": dict(row.device),
        "resource_servers": [{"audience": row.audience, "scopes": row.scope}]
        if row.audience
        else [],
    }
    for name, value in optional.items():
        body[name] = wire_time(value) if value is not None else None
    return body


class SessionAdmin:
    def __init__(self, clock: Clock) -> None:
        self._clock = clock

    async def _user(self, session: AsyncSession, tenant_id: str, user_id: str) -> str:
        user = await users.by_user_id(session, tenant_id, user_id)
        if user is None:
            raise NotFound("The user does not exist.")
        return user.id

    async def sessions_of(
        self, session: AsyncSession, tenant_id: str, user_id: str
    ) -> dict[str, Any]:
        ref = await self._user(session, tenant_id, user_id)
        now = self._clock.now()
        rows = [
            row
            for row in await repository.of_user(session, tenant_id, ref)
            if row.expires_at > now and row.idle_expires_at > now
        ]
        return {"sessions": [session_to_wire(row, user_id) for row in rows]}

    async def get(self, session: AsyncSession, tenant_id: str, session_id: str) -> dict[str, Any]:
        row = await repository.get(session, tenant_id, session_id)
        if row is None:
            raise NotFound("The session does not exist.")
        user = await users.by_pk(session, row.user_id)
        return session_to_wire(row, user.user_id if user else "")

    async def delete(
        self, session: AsyncSession, tenant_id: str, session_id: str, *, tokens: bool
    ) -> None:
        """Ends the session; with ``tokens`` also revokes the refresh tokens it issued."""
        if not await repository.remove(session, tenant_id, session_id):
            raise NotFound("The session does not exist.")
        if tokens:
            await repository.remove_refresh_tokens_of_session(
                session, tenant_id, session_id, self._clock.now()
            )

    async def refresh_tokens_of(
        self, session: AsyncSession, tenant_id: str, user_id: str
    ) -> dict[str, Any]:
        ref = await self._user(session, tenant_id, user_id)
        rows = await repository.live_refresh_tokens(session, tenant_id, ref, self._clock.now())
        return {"tokens": [refresh_token_to_wire(row, user_id) for row in rows]}

    async def refresh_token(
        self, session: AsyncSession, tenant_id: str, token_id: str
    ) -> dict[str, Any]:
        row = await repository.refresh_token_by_id(session, tenant_id, token_id)
        if row is None:
            raise NotFound("The refresh token does not exist.")
        user = await users.by_pk(session, row.user_id)
        return refresh_token_to_wire(row, user.user_id if user else "")

    async def revoke_refresh_token(
        self, session: AsyncSession, tenant_id: str, token_id: str
    ) -> None:
        if await repository.refresh_token_by_id(session, tenant_id, token_id) is None:
            raise NotFound("The refresh token does not exist.")
        await repository.revoke_refresh_tokens(
            session, tenant_id, self._clock.now(), token_id=token_id
        )

    async def revoke_refresh_tokens_of(
        self, session: AsyncSession, tenant_id: str, user_id: str
    ) -> None:
        ref = await self._user(session, tenant_id, user_id)
        await repository.revoke_refresh_tokens(session, tenant_id, self._clock.now(), user_ref=ref)
