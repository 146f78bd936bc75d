"""Refresh tokens in the Management API (reference §2.2 ``/refresh-tokens`` and
``/users/{id}/refresh-tokens``; the object shape of §2.3 "Refresh token").

Only usable tokens are listed and read: a revoked, rotated or expired token is gone (404).
Deleting a token revokes its whole rotation family, so that a predecessor still inside the
reuse leeway cannot mint a new one (RFC 9700 §4.14.2). Rows stay, marked revoked, so that a
revoked token presented again is still recognised.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from authgate.core.clock import Clock
from authgate.core.errors import NotFound
from authgate.core.fields import wire_time
from authgate.protocol.ports import TenantRecord
from authgate.tokens import repository
from authgate.tokens.models import RefreshToken
from authgate.users.service import UserService

UNKNOWN_TOKEN = "The refresh token does not exist."
DEVICE_FIELDS = ("initial_ip", "initial_user_agent", "last_ip", "last_user_agent")


def refresh_token_to_wire(token: RefreshToken, user_id: str, issuer: str) -> dict[str, Any]:
    """Auth0's refresh token object. A token for no API is one for ``/userinfo``."""
    body: dict[str, Any] = {
        "id": token.id,
        "user_id": user_id,
        "client_id": token.client_id,
        "session_id": token.session_id,
        "rotating": token.rotating,
        "created_at": wire_time(token.created_at),
        "device": {name: token.device[name] for name in DEVICE_FIELDS if token.device.get(name)},
        "resource_servers": [
            {"audience": token.audience or f"{issuer}userinfo", "scopes": token.scope}
        ],
    }
    for name in ("idle_expires_at", "expires_at", "last_exchanged_at"):
        value: datetime | None = getattr(token, name)
        if value is not None:
            body[name] = wire_time(value)
    return body


class RefreshTokenAdmin:
    def __init__(self, clock: Clock, users: UserService) -> None:
        self._clock, self._users = clock, users

    async def of_user(
        self,
        session: AsyncSession,
        tenant: TenantRecord,
        user_id: str,
        *,
        after_id: str | None,
        limit: int,
    ) -> list[dict[str, Any]]:
        """A page of a user's usable tokens in Auth0's shape (404 for an unknown user)."""
        user = await self._users.get(session, tenant.id, user_id)
        tokens = await repository.live_of_user(
            session, tenant.id, user.id, self._clock.now(), after_id=after_id, limit=limit
        )
        return [refresh_token_to_wire(token, user.user_id, tenant.issuer) for token in tokens]

    async def get(
        self, session: AsyncSession, tenant_id: str, token_id: str
    ) -> tuple[RefreshToken, str]:
        """A usable token and its user's wire id; 404 otherwise."""
        found = await repository.live_with_user(session, tenant_id, token_id, self._clock.now())
        if found is None:
            raise NotFound(UNKNOWN_TOKEN, error_code="inexistent_refresh_token")
        return found

    async def delete(self, session: AsyncSession, tenant_id: str, token_id: str) -> None:
        token, _ = await self.get(session, tenant_id, token_id)
        await repository.revoke_family(session, tenant_id, token.family_id, self._clock.now())

    async def delete_of_user(self, session: AsyncSession, tenant_id: str, user_id: str) -> int:
        """Revokes every refresh token of a user (404 for an unknown user); how many."""
        user = await self._users.get(session, tenant_id, user_id)
        return await repository.revoke_of_user(session, tenant_id, user.id, self._clock.now())

    async def revoke_of_session(
        self, session: AsyncSession, tenant_id: str, session_id: str
    ) -> int:
        return await repository.revoke_of_session(session, tenant_id, session_id, self._clock.now())
