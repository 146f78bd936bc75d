"""SQL for customized templates, tenant providers and the message outbox.

Messages are claimed with one conditional ``UPDATE``: a row moves to ``sending`` only if it is
still due when the update runs, so two workers (or two nodes) can never both claim it. On
PostgreSQL the candidate rows are picked with ``FOR UPDATE SKIP LOCKED``, so concurrent workers
take different rows instead of queueing on the same ones; SQLite serializes writers anyway.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from authgate.email.models import EmailMessage, EmailProvider, EmailTemplate


@dataclass(frozen=True)
class ClaimedMessage:
    id: str
    tenant_id: str
    template: str
    locale: str
    sender: str
    recipient: str
    content: str
    attempts: int


# -- templates and providers ------------------------------------------------------------------


async def template(session: AsyncSession, tenant_id: str, name: str) -> EmailTemplate | None:
    return await session.get(EmailTemplate, (tenant_id, name))


async def templates_of(session: AsyncSession, tenant_id: str) -> Sequence[EmailTemplate]:
    stmt = select(EmailTemplate).where(EmailTemplate.tenant_id == tenant_id)
    return (await session.execute(stmt)).scalars().all()


async def provider(session: AsyncSession, tenant_id: str) -> EmailProvider | None:
    return await session.get(EmailProvider, tenant_id)


async def add(session: AsyncSession, row: EmailTemplate | EmailProvider | EmailMessage) -> None:
    session.add(row)
    await session.flush()


async def remove(session: AsyncSession, row: EmailProvider) -> None:
    await session.delete(row)
    await session.flush()


# -- the outbox -------------------------------------------------------------------------------


def _due(now: datetime, max_attempts: int) -> ColumnElement[bool]:
    """Pending and due, or claimed by a worker whose lease ran out (it stopped or crashed)."""
    return or_(
        and_(EmailMessage.status == "pending", EmailMessage.next_attempt_at <= now),
        and_(
            EmailMessage.status == "sending",
            EmailMessage.lease_until < now,
            EmailMessage.attempts < max_attempts,
        ),
    )


async def any_due(session: AsyncSession, *, now: datetime, max_attempts: int) -> bool:
    """A cheap read, so that idle workers poll without taking a write lock."""
    found = await session.execute(select(EmailMessage.id).where(_due(now, max_attempts)).limit(1))
    return found.first() is not None


async def claim(
    session: AsyncSession,
    *,
    now: datetime,
    lease_until: datetime,
    token: str,
    max_attempts: int,
    limit: int,
    message_id: str | None = None,
) -> list[ClaimedMessage]:
    """Move due messages (or the one ``message_id``) to ``sending`` under ``token``."""
    due = _due(now, max_attempts)
    candidates = select(EmailMessage.id).where(due)
    if message_id is not None:
        candidates = candidates.where(EmailMessage.id == message_id)
    candidates = (
        candidates.order_by(EmailMessage.next_attempt_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    ids = list((await session.execute(candidates)).scalars())
    if not ids:
        return []
    claimed = await session.execute(
        update(EmailMessage)
        .where(EmailMessage.id.in_(ids), due)
        .values(
            status="sending",
            claim=token,
            lease_until=lease_until,
            attempts=EmailMessage.attempts + 1,
            updated_at=now,
        )
        .returning(
            EmailMessage.id,
            EmailMessage.tenant_id,
            EmailMessage.template,
            EmailMessage.locale,
            EmailMessage.sender,
            EmailMessage.recipient,
            EmailMessage.content,
            EmailMessage.attempts,
        )
        .execution_options(synchronize_session=False)
    )
    return [ClaimedMessage(**row._asdict()) for row in claimed.all()]


async def finish(
    session: AsyncSession,
    message_id: str,
    token: str,
    *,
    status: str,
    now: datetime,
    next_attempt_at: datetime | None = None,
    last_error: str | None = None,
) -> bool:
    """Record the outcome of a claimed attempt; ``False`` if the claim was lost meanwhile."""
    values: dict[str, object] = {
        "status": status,
        "claim": None,
        "lease_until": None,
        "updated_at": now,
        "last_error": last_error,
    }
    if next_attempt_at is not None:
        values["next_attempt_at"] = next_attempt_at
    if status == "sent":
        values["sent_at"] = now
    result = await session.execute(
        update(EmailMessage)
        .where(
            EmailMessage.id == message_id,
            EmailMessage.claim == token,
            EmailMessage.status == "sending",
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


async def fail_abandoned(session: AsyncSession, *, now: datetime, max_attempts: int) -> int:
    """Claims that ran out of lease on their last attempt: nobody will retry them."""
    result = await session.execute(
        update(EmailMessage)
        .where(
            EmailMessage.status == "sending",
            EmailMessage.lease_until < now,
            EmailMessage.attempts >= max_attempts,
        )
        .values(
            status="failed",
            claim=None,
            lease_until=None,
            updated_at=now,
            last_error="delivery interrupted on the last attempt",
        )
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0))


async def purge(session: AsyncSession, *, before: datetime) -> int:
    result = await session.execute(
        delete(EmailMessage)
        .where(
            EmailMessage.status.in_(("sent", "failed", "outbox")),
            EmailMessage.created_at < before,
        )
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0))


async def message(session: AsyncSession, message_id: str) -> EmailMessage | None:
    return await session.get(EmailMessage, message_id)


async def recent(
    session: AsyncSession, *, recipient: str | None, limit: int
) -> Sequence[EmailMessage]:
    stmt = select(EmailMessage).order_by(EmailMessage.created_at.desc(), EmailMessage.id.desc())
    if recipient:
        stmt = stmt.where(func.lower(EmailMessage.recipient) == recipient.lower())
    return (await session.execute(stmt.limit(limit))).scalars().all()
