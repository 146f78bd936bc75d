"""Users as the protocol sees them (``protocol.ports.UserDirectory``): the profile claims an
ID token or ``/userinfo`` may release (OpenID Connect Core §5.1), read fresh from the user."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from authgate.core.fields import wire_time
from authgate.db import Database
from authgate.protocol.ports import ResourceOwner, TenantRecord
from authgate.users import repository
from authgate.users.models import User
from authgate.users.wire import default_picture


def profile_claims(user: User, issuer: str) -> dict[str, Any]:
    return {
        "name": user.name or user.email or user.username,
        "nickname": user.nickname or (user.email or "").partition("@")[0] or user.username,
        "picture": user.picture or default_picture(issuer, user),
        "given_name": user.given_name,
        "family_name": user.family_name,
        "email": user.email,
        "email_verified": user.email_verified,
        "phone_number": user.phone_number,
        "updated_at": wire_time(user.updated_at),
    }


def resource_owner(user: User, issuer: str) -> ResourceOwner:
    return ResourceOwner(
        user_id=user.user_id,
        claims=profile_claims(user, issuer),
        ref=user.id,
        blocked=user.blocked,
    )


class UserProfiles:
    """``UserDirectory`` for one tenant."""

    def __init__(self, db: Database, tenant: TenantRecord) -> None:
        self._db, self._tenant = db, tenant

    async def owner(self, ref: str) -> ResourceOwner | None:
        async with self._db.unit_of_work(write=False) as session:
            return await self.owner_in(session, ref)

    async def owner_in(self, session: AsyncSession, ref: str) -> ResourceOwner | None:
        """``owner`` inside a transaction the caller holds."""
        user = await repository.by_pk(session, ref)
        if user is None or user.tenant_id != self._tenant.id:
            return None
        return resource_owner(user, self._tenant.issuer)

    async def owner_by_id(self, user_id: str) -> ResourceOwner | None:
        async with self._db.unit_of_work(write=False) as session:
            user = await repository.by_user_id(session, self._tenant.id, user_id)
        return None if user is None else resource_owner(user, self._tenant.issuer)
