"""Reading and releasing login blocks. A block expires 30 days after the last failed attempt
(Auth0's rule, reference §3.1)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from authgate.blocks import repository
from authgate.core.clock import Clock
from authgate.core.errors import NotFound
from authgate.users import repository as users
from authgate.users.models import User

BLOCK_LIFETIME = timedelta(days=30)


def identifiers_of(user: User) -> list[str]:
    return [key for key in (user.email_key, user.username_key, user.phone_number) if key]


class BlockService:
    def __init__(self, clock: Clock) -> None:
        self._clock = clock

    async def blocked_for(
        self, session: AsyncSession, tenant_id: str, identifiers: list[str]
    ) -> dict[str, Any]:
        """Auth0's ``{"blocked_for": [{identifier, ip, connection}]}``."""
        since = self._clock.now() - BLOCK_LIFETIME
        keys = [identifier.lower() for identifier in identifiers]
        rows = await repository.blocking(session, tenant_id, keys, since)
        return {
            "blocked_for": [
                {"identifier": row.identifier, "ip": row.ip or None, "connection": row.connection}
                for row in rows
            ]
        }

    async def blocked_for_user(
        self, session: AsyncSession, tenant_id: str, user_id: str
    ) -> dict[str, Any]:
        return await self.blocked_for(
            session, tenant_id, await self._identifiers(session, tenant_id, user_id)
        )

    async def release_user(self, session: AsyncSession, tenant_id: str, user_id: str) -> int:
        return await self.release(
            session, tenant_id, await self._identifiers(session, tenant_id, user_id)
        )

    async def _identifiers(self, session: AsyncSession, tenant_id: str, user_id: str) -> list[str]:
        user = await users.by_user_id(session, tenant_id, user_id)
        if user is None:
            raise NotFound("The user does not exist.", error_code="inexistent_user")
        return identifiers_of(user)

    async def release(self, session: AsyncSession, tenant_id: str, identifiers: list[str]) -> int:
        return await repository.release(
            session, tenant_id, [identifier.lower() for identifier in identifiers]
        )
