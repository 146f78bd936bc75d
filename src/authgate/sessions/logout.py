"""Ending SSO sessions: from the browser (``/v2/logout``, ``/oidc/logout``) and from the
Management API (``DELETE /api/v2/sessions/{id}``, ``POST .../revoke``); ASVS 7.4.1 (a session
that ended cannot be used again: its row is deleted) and 7.4.5 (admins end sessions).

Refresh tokens outlive the session they came from, as in Auth0: logging out, or deleting a
session, ends the browser's single sign-on, not the offline access an application was
granted (Auth0, "Manage User Sessions with Auth0 Management API": refresh tokens remain valid
after the session is deleted or the user logs out). An application revokes its own refresh
token with ``/oauth/revoke``; an admin revokes a session together with its refresh tokens with
``POST /api/v2/sessions/{id}/revoke``, or a user's with ``DELETE
/api/v2/users/{id}/refresh-tokens``.

Every ended session is announced to its applications by back-channel logout
(``sessions.backchannel``) once the ending transaction commits. A browser logout is logged
as ``slo`` in that same transaction; a refused one as ``flo``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from authgate.core.clock import Clock
from authgate.core.errors import NotFound
from authgate.core.request_info import RequestInfo
from authgate.logs.service import Event, LogService
from authgate.protocol.logout_token import RP_LOGOUT, SESSION_REVOKED
from authgate.protocol.ports import ClientRecord, TenantRecord
from authgate.sessions import repository
from authgate.sessions.backchannel import BackchannelLogout, EndedSession
from authgate.sessions.models import LoginSession
from authgate.sessions.service import SessionService
from authgate.tokens.admin import RefreshTokenAdmin

UNKNOWN_SESSION = "The session does not exist."


@dataclass(frozen=True, slots=True)
class CurrentSession:
    """The browser's live session, as the end-session endpoint compares it with a hint."""

    id: str
    user_id: str | None


class LogoutService:
    def __init__(
        self,
        clock: Clock,
        sessions: SessionService,
        backchannel: BackchannelLogout,
        refresh_tokens: RefreshTokenAdmin,
        logs: LogService,
    ) -> None:
        self._clock, self._sessions, self._backchannel = clock, sessions, backchannel
        self._refresh_tokens, self._logs = refresh_tokens, logs

    # -- the browser -----------------------------------------------------------------------

    async def current(
        self, session: AsyncSession, tenant: TenantRecord, cookie: str | None
    ) -> CurrentSession | None:
        active = await self._sessions.current(session, tenant.id, cookie)
        if active is None:
            return None
        return CurrentSession(active.id, await repository.user_id_of(session, active.user_ref))

    async def log_out(
        self,
        session: AsyncSession,
        tenant: TenantRecord,
        cookie: str | None,
        *,
        client: ClientRecord | None,
        info: RequestInfo,
        return_to: str | None,
    ) -> EndedSession | None:
        """Ends the browser's session (if it has one) and logs ``slo``."""
        row = await self._sessions.end(session, tenant.id, cookie) if cookie else None
        ended = await self._ended(session, row) if row is not None else None
        if ended is not None:
            await self._backchannel.schedule(session, tenant, ended, RP_LOGOUT)
        details: dict[str, object] = {"return_to": return_to}
        if ended is not None:
            details["session_id"] = ended.id
        event = Event(
            type="slo",
            client_id=client.client_id if client else None,
            client_name=client.name if client else None,
            user_id=ended.user_id if ended else None,
            ip=info.ip,
            user_agent=info.user_agent,
            details=details,
        )
        self._logs.add(session, tenant.id, info.hostname, event)
        return ended

    async def refused(
        self, tenant: TenantRecord, description: str, client_id: str | None, info: RequestInfo
    ) -> None:
        """A logout request that was answered with an error page (``flo``)."""
        event = Event(
            type="flo",
            description=description,
            client_id=client_id[:64] if client_id else None,
            ip=info.ip,
            user_agent=info.user_agent,
        )
        await self._logs.record_now(tenant.id, info.hostname, event)

    # -- the Management API ----------------------------------------------------------------

    async def end(
        self,
        session: AsyncSession,
        tenant: TenantRecord,
        session_id: str,
        *,
        revoke_refresh_tokens: bool = False,
    ) -> EndedSession:
        """Ends a session by id (404 when there is no such live session); with
        ``revoke_refresh_tokens``, the refresh tokens issued through it are revoked too."""
        found = await repository.live_with_user(session, tenant.id, session_id, self._clock.now())
        if found is None or not await repository.remove(session, tenant.id, session_id):
            raise NotFound(UNKNOWN_SESSION, error_code="inexistent_session")
        row, user_id = found
        if revoke_refresh_tokens:
            await self._refresh_tokens.revoke_of_session(session, tenant.id, row.id)
        ended = _ended(row, user_id)
        await self._backchannel.schedule(session, tenant, ended, SESSION_REVOKED)
        return ended

    async def end_all_of_user(
        self, session: AsyncSession, tenant: TenantRecord, user_ref: str, user_id: str
    ) -> int:
        """Ends every live session of a user; how many there were."""
        rows = await repository.live_of_user(session, tenant.id, user_ref, self._clock.now())
        if rows:
            await repository.remove(session, tenant.id, *(row.id for row in rows))
        for row in rows:
            await self._backchannel.schedule(session, tenant, _ended(row, user_id), SESSION_REVOKED)
        return len(rows)

    async def _ended(self, session: AsyncSession, row: LoginSession) -> EndedSession:
        return _ended(row, await repository.user_id_of(session, row.user_id))


def _ended(row: LoginSession, user_id: str | None) -> EndedSession:
    return EndedSession(id=row.id, user_id=user_id, clients=tuple(row.clients))
