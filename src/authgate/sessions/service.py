"""SSO sessions (OWASP ASVS V7; OpenID Connect Core §3.1.2.3 ``max_age``/``auth_time``).

The browser holds a 256-bit random value in an HttpOnly cookie; the database holds its SHA-256
and a separate public id (the ``sid`` claim). Every login creates a new session with new
values, so a value planted before the login is worthless after it (session fixation, ASVS
7.2.4). A session ends at its absolute lifetime or after its idle lifetime without an
interaction (the tenant's ``session_lifetime`` and ``idle_session_lifetime``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from authgate.core.clock import Clock
from authgate.core.randomness import random_hex, random_token
from authgate.core.request_info import RequestInfo
from authgate.protocol.ports import TenantRecord
from authgate.sessions import repository
from authgate.sessions.models import LoginSession

COOKIE = "authgate_session"
MAX_COOKIE_LENGTH = 128


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


@dataclass(frozen=True)
class ActiveSession:
    id: str
    user_ref: str
    authenticated_at: datetime
    connection: str | None
    clients: tuple[str, ...]


class SessionService:
    def __init__(self, clock: Clock) -> None:
        self._clock = clock

    async def start(
        self,
        session: AsyncSession,
        tenant: TenantRecord,
        *,
        user_ref: str,
        connection: str | None,
        info: RequestInfo,
        replaces: str | None = None,
    ) -> tuple[str, ActiveSession]:
        """A new session (and its cookie value) for a user who just authenticated; the
        session the browser held before, if any, ends."""
        if replaces:
            await self.end(session, tenant.id, replaces)
        now = self._clock.now()
        value = random_token(32)
        row = LoginSession(
            id=random_hex(16),
            tenant_id=tenant.id,
            user_id=user_ref,
            token_digest=_digest(value),
            connection=connection,
            clients=[],
            ip=info.ip,
            user_agent=_agent(info),
            last_ip=info.ip,
            last_user_agent=_agent(info),
            created_at=now,
            authenticated_at=now,
            last_interaction_at=now,
            expires_at=now + timedelta(seconds=tenant.session_lifetime),
            idle_expires_at=now + timedelta(seconds=tenant.idle_session_lifetime),
        )
        session.add(row)
        await session.flush()
        return value, _active(row)

    async def current(
        self, session: AsyncSession, tenant_id: str, value: str | None
    ) -> ActiveSession | None:
        """The live session the cookie ``value`` belongs to, if any."""
        if not value or len(value) > MAX_COOKIE_LENGTH:
            return None
        row = await repository.by_digest(session, tenant_id, _digest(value))
        now = self._clock.now()
        if row is None or row.expires_at <= now or row.idle_expires_at <= now:
            return None
        return _active(row)

    async def used(
        self,
        session: AsyncSession,
        tenant: TenantRecord,
        active: ActiveSession,
        client_id: str,
        info: RequestInfo | None = None,
    ) -> None:
        """An interaction: the idle lifetime starts again, the device is noted and the client
        is remembered."""
        now = self._clock.now()
        idle = now + timedelta(seconds=tenant.idle_session_lifetime)
        device = {"last_ip": info.ip, "last_user_agent": _agent(info)} if info else {}
        await repository.touch(session, active.id, now, idle, **device)
        if client_id not in active.clients:
            row = await repository.get(session, tenant.id, active.id)
            if row is not None:
                row.clients = [*row.clients, client_id]

    async def end(self, session: AsyncSession, tenant_id: str, value: str) -> LoginSession | None:
        """Ends the session of cookie ``value``; the ended session, None when there was none."""
        if not value or len(value) > MAX_COOKIE_LENGTH:
            return None
        row = await repository.by_digest(session, tenant_id, _digest(value))
        if row is None or not await repository.remove(session, tenant_id, row.id):
            return None  # none, or ended meanwhile by a concurrent request
        return row


def _agent(info: RequestInfo) -> str | None:
    return (info.user_agent or "")[:512] or None


def _active(row: LoginSession) -> ActiveSession:
    return ActiveSession(
        id=row.id,
        user_ref=row.user_id,
        authenticated_at=row.authenticated_at,
        connection=row.connection,
        clients=tuple(row.clients),
    )
