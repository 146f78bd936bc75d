"""Tickets: unguessable links, stored as digests, single use, expiring, bound to one user and
one purpose (security.md §5, "recovery / invitation token flaws")."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from authgate.core.clock import Clock
from authgate.core.randomness import random_token
from authgate.protocol.ports import TenantRecord
from authgate.tickets import repository
from authgate.tickets.models import Ticket
from authgate.users.models import User

EMAIL_VERIFICATION = "email_verification"
PASSWORD_CHANGE = "password_change"
UNBLOCK = "unblock"
DEFAULT_TTL_SECONDS = 432_000
MAX_TTL_SECONDS = 30 * 86_400
PAGES = {
    EMAIL_VERIFICATION: "u/email-verification",
    PASSWORD_CHANGE: "u/reset-password",
    UNBLOCK: "u/unblock",
}


@dataclass(frozen=True)
class IssuedTicket:
    url: str
    ticket: Ticket


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class TicketService:
    def __init__(self, clock: Clock) -> None:
        self._clock = clock

    async def issue(
        self,
        session: AsyncSession,
        tenant: TenantRecord,
        user: User,
        purpose: str,
        *,
        ttl_seconds: int | None = None,
        client_id: str | None = None,
        result_url: str | None = None,
        mark_email_as_verified: bool = False,
        include_email_in_redirect: bool = False,
    ) -> IssuedTicket:
        token = random_token(32)
        now = self._clock.now()
        ttl = min(ttl_seconds or DEFAULT_TTL_SECONDS, MAX_TTL_SECONDS)
        ticket = Ticket(
            id=digest(token),
            tenant_id=tenant.id,
            user_pk=user.id,
            purpose=purpose,
            email=user.email,
            client_id=client_id,
            result_url=result_url,
            mark_email_as_verified=mark_email_as_verified,
            include_email_in_redirect=include_email_in_redirect,
            created_at=now,
            expires_at=now + timedelta(seconds=ttl),
        )
        await repository.add(session, ticket)
        suffix = "#" if purpose == PASSWORD_CHANGE else ""
        return IssuedTicket(
            url=f"{tenant.issuer}{PAGES[purpose]}?ticket={token}{suffix}", ticket=ticket
        )

    async def peek(
        self, session: AsyncSession, tenant_id: str, token: str, purpose: str
    ) -> Ticket | None:
        """The ticket if it can still be used, without using it."""
        ticket = await repository.get(session, tenant_id, digest(token))
        if ticket is None or ticket.purpose != purpose or ticket.consumed_at is not None:
            return None
        return ticket if ticket.expires_at > self._clock.now() else None

    async def consume(
        self, session: AsyncSession, tenant_id: str, token: str, purpose: str
    ) -> Ticket | None:
        """Use the ticket: exactly one concurrent caller gets it, and only before it expires."""
        ticket_id = digest(token)
        if not await repository.consume(session, tenant_id, ticket_id, purpose, self._clock.now()):
            return None
        return await repository.get(session, tenant_id, ticket_id)

    async def revoke_open(self, session: AsyncSession, user: User, purpose: str) -> None:
        await repository.revoke_for_user(session, user.id, purpose, self._clock.now())
