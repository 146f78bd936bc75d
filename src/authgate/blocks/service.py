"""Reading and releasing brute-force blocks (``/api/v2/user-blocks``, the unblock link, a
password reset). An identifier is blocked from an IP while its failed attempts there reach the
tenant's ``max_attempts``; the count is forgotten 30 days after the last failed attempt
(Auth0's rule, reference §3.1), so raising ``max_attempts`` also lifts blocks below it."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from authgate.core.clock import Clock
from authgate.core.errors import NotFound
from authgate.protection.service import ProtectionSettings
from authgate.protection.settings import BRUTE_FORCE
from authgate.protection.store import ProtectionStore
from authgate.users import repository as users
from authgate.users.models import User


def identifiers_of(user: User) -> list[str]:
    return [key for key in (user.email_key, user.username_key, user.phone_number) if key]


class BlockService:
    def __init__(self, clock: Clock, store: ProtectionStore, settings: ProtectionSettings) -> None:
        self._clock = clock
        self._store = store
        self._settings = settings

    async def blocked_for(
        self, tenant_id: str, identifiers: list[str], *, consider_enablement: bool = False
    ) -> dict[str, Any]:
        """Auth0's ``{"blocked_for": [{identifier, ip, connection}]}``."""
        config = await self._settings.document(tenant_id, BRUTE_FORCE)
        if consider_enablement and not config["enabled"]:
            return {"blocked_for": []}
        keys = sorted({identifier.lower() for identifier in identifiers})
        rows = await self._store.attempts(tenant_id, keys, self._clock.now())
        limit = int(config["max_attempts"])
        return {
            "blocked_for": [
                {"identifier": row.identifier, "ip": row.ip or None, "connection": row.connection}
                for row in rows
                if row.failures >= limit
            ]
        }

    async def blocked_for_user(
        self, session: AsyncSession, tenant_id: str, user_id: str, *, consider_enablement: bool
    ) -> dict[str, Any]:
        identifiers = await self._identifiers(session, tenant_id, user_id)
        return await self.blocked_for(
            tenant_id, identifiers, consider_enablement=consider_enablement
        )

    async def release_user(self, session: AsyncSession, tenant_id: str, user_id: str) -> int:
        identifiers = await self._identifiers(session, tenant_id, user_id)
        return await self.release(tenant_id, identifiers, session)

    async def _identifiers(self, session: AsyncSession, tenant_id: str, user_id: str) -> list[str]:
        user = await users.by_user_id(session, tenant_id, user_id)
        if user is None:
            raise NotFound("The user does not exist.", error_code="inexistent_user")
        return identifiers_of(user)

    async def release(
        self, tenant_id: str, identifiers: list[str], session: AsyncSession | None = None
    ) -> int:
        """Lift the blocks of ``identifiers`` (in ``session``'s transaction when given)."""
        keys = sorted({identifier.lower() for identifier in identifiers})
        return await self._store.release(tenant_id, keys, session)
