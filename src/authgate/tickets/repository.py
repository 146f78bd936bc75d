"""SQL for tickets; consumption is one atomic UPDATE (STYLE §5)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from authgate.tickets.models import Ticket


async def add(session: AsyncSession, ticket: Ticket) -> None:
    session.add(ticket)
    await session.flush()


async def get(session: AsyncSession, tenant_id: str, ticket_id: str) -> Ticket | None:
    ticket = await session.get(Ticket, ticket_id, populate_existing=True)
    return ticket if ticket is not None and ticket.tenant_id == tenant_id else None


async def consume(
    session: AsyncSession, tenant_id: str, ticket_id: str, purpose: str, now: datetime
) -> bool:
    """Mark the ticket used if it is still unused and unexpired; True when this call did."""
    result = await session.execute(
        update(Ticket)
        .where(
            Ticket.id == ticket_id,
            Ticket.tenant_id == tenant_id,
            Ticket.purpose == purpose,
            Ticket.consumed_at.is_(None),
            Ticket.expires_at > now,
        )
        .values(consumed_at=now)
        .returning(Ticket.id)
    )
    return result.scalar_one_or_none() is not None


async def revoke_for_user(session: AsyncSession, user_pk: str, purpose: str, now: datetime) -> None:
    """Spend every open ticket of ``purpose`` (e.g. after the password changed)."""
    await session.execute(
        update(Ticket)
        .where(Ticket.user_pk == user_pk, Ticket.purpose == purpose, Ticket.consumed_at.is_(None))
        .values(consumed_at=now)
    )
