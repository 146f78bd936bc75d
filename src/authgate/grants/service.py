"""Consent remembered as grants (reference §2.2 ``/grants``, §2.3 "Grant"; OpenID Connect Core
§3.1.2.4: the authorization server may rely on consent given earlier).

A user who accepts the consent page of an application grants it the requested scopes at the
requested API (``audience``; ``{issuer}userinfo`` when only the user's profile is asked for).
A later request of that application for that API is answered without the page when every
scope it asks for was granted; ``prompt=consent`` always asks again, and a new consent adds its
scopes to the grant. Deleting a grant (``/api/v2/grants``) makes the page ask again; it does
not revoke tokens already issued.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from authgate.core import randomness
from authgate.core.clock import Clock
from authgate.core.errors import NotFound
from authgate.grants import repository
from authgate.grants.models import UserGrant
from authgate.protocol.ports import TenantRecord
from authgate.users.service import UserService

UNKNOWN_GRANT = "The grant does not exist."


def grant_audience(tenant: TenantRecord, audience: str | None) -> str:
    return audience or f"{tenant.issuer}userinfo"


def grant_to_wire(grant: UserGrant, user_id: str) -> dict[str, Any]:
    """Auth0's grant object (``clientID`` is spelled as Auth0 spells it)."""
    return {
        "id": grant.id,
        "clientID": grant.client_id,
        "user_id": user_id,
        "audience": grant.audience,
        "scope": list(grant.scope),
    }


class GrantService:
    def __init__(self, clock: Clock, users: UserService) -> None:
        self._clock, self._users = clock, users

    async def covers(
        self,
        session: AsyncSession,
        tenant: TenantRecord,
        *,
        user_ref: str,
        client_id: str,
        audience: str | None,
        scopes: Iterable[str],
    ) -> bool:
        """Whether the user already granted every one of ``scopes`` to the application."""
        found = await repository.find(
            session, tenant.id, user_ref, client_id, grant_audience(tenant, audience)
        )
        return found is not None and set(scopes) <= set(found.scope)

    async def remember(
        self,
        session: AsyncSession,
        tenant: TenantRecord,
        *,
        user_ref: str,
        client_id: str,
        audience: str | None,
        scopes: Iterable[str],
    ) -> UserGrant:
        """Record a consent: a new grant, or more scopes on the existing one."""
        wanted = list(dict.fromkeys(scopes))
        target = grant_audience(tenant, audience)
        now = self._clock.now()
        found = await repository.find(session, tenant.id, user_ref, client_id, target)
        if found is None:
            grant = UserGrant(
                id=randomness.prefixed_id("gr", 20),
                tenant_id=tenant.id,
                user_id=user_ref,
                client_id=client_id,
                audience=target,
                scope=wanted,
                created_at=now,
                updated_at=now,
            )
            try:
                async with session.begin_nested():
                    session.add(grant)
                return grant
            except IntegrityError:  # a concurrent consent made it first: add to that one
                found = await repository.find(session, tenant.id, user_ref, client_id, target)
                if found is None:
                    raise
        merged = list(dict.fromkeys([*found.scope, *wanted]))
        if merged != found.scope:
            found.scope, found.updated_at = merged, now
        return found

    async def page(
        self,
        session: AsyncSession,
        tenant_id: str,
        *,
        user_id: str | None,
        client_id: str | None,
        audience: str | None,
        offset: int,
        limit: int,
        totals: bool,
    ) -> tuple[list[dict[str, Any]], int]:
        """A page of grants in Auth0's shape, and the total when ``totals``; a ``user_id``
        that names no user matches nothing."""
        user_ref: str | None = None
        if user_id is not None:
            user = await self._users.find(session, tenant_id, user_id)
            if user is None:
                return [], 0
            user_ref = user.id
        filters = {"user_ref": user_ref, "client_id": client_id, "audience": audience}
        rows = await repository.page(session, tenant_id, offset=offset, limit=limit, **filters)
        total = await repository.count(session, tenant_id, **filters) if totals else len(rows)
        return [grant_to_wire(grant, wire_id) for grant, wire_id in rows], total

    async def delete(self, session: AsyncSession, tenant_id: str, grant_id: str) -> None:
        if not await repository.delete_one(session, tenant_id, grant_id):
            raise NotFound(UNKNOWN_GRANT, error_code="inexistent_grant")

    async def delete_of_user(self, session: AsyncSession, tenant_id: str, user_id: str) -> int:
        """Every grant of a user; none for an unknown user id."""
        user = await self._users.find(session, tenant_id, user_id)
        if user is None:
            return 0
        return await repository.delete_of_user(session, tenant_id, user.id)
