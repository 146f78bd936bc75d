"""SQL for SSO sessions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from authgate.sessions.models import LoginSession
from authgate.users.models import User


async def by_digest(session: AsyncSession, tenant_id: str, digest: str) -> LoginSession | None:
    stmt = select(LoginSession).where(
        LoginSession.token_digest == digest, LoginSession.tenant_id == tenant_id
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def get(session: AsyncSession, tenant_id: str, session_id: str) -> LoginSession | None:
    stmt = select(LoginSession).where(
        LoginSession.id == session_id, LoginSession.tenant_id == tenant_id
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def touch(
    session: AsyncSession,
    session_id: str,
    at: datetime,
    idle_expires_at: datetime,
    **device: str | None,
) -> None:
    """A use of the session at ``at``; ``device``: its ``last_ip`` and ``last_user_agent``."""
    stmt = (
        update(LoginSession)
        .where(LoginSession.id == session_id)
        .values(last_interaction_at=at, idle_expires_at=idle_expires_at, **device)
    )
    await session.execute(stmt)


async def remove(session: AsyncSession, tenant_id: str, *session_ids: str) -> int:
    """Deletes the sessions; how many there were."""
    stmt = delete(LoginSession).where(
        LoginSession.id.in_(session_ids), LoginSession.tenant_id == tenant_id
    )
    return (await session.execute(stmt)).rowcount or 0  # type: ignore[attr-defined]


def _live(tenant_id: str, now: datetime) -> ColumnElement[bool]:
    """Sessions of the tenant that have reached neither their absolute nor idle end."""
    return and_(
        LoginSession.tenant_id == tenant_id,
        LoginSession.expires_at > now,
        LoginSession.idle_expires_at > now,
    )


async def live_with_user(
    session: AsyncSession, tenant_id: str, session_id: str, now: datetime
) -> tuple[LoginSession, str] | None:
    """A live session and its user's wire id (``auth0|...``)."""
    stmt = (
        select(LoginSession, User.user_id)
        .join(User, User.id == LoginSession.user_id)
        .where(LoginSession.id == session_id, _live(tenant_id, now))
    )
    row = (await session.execute(stmt)).first()
    return None if row is None else (row[0], row[1])


async def live_of_user(
    session: AsyncSession,
    tenant_id: str,
    user_ref: str,
    now: datetime,
    *,
    after_id: str | None = None,
    limit: int | None = None,
) -> list[LoginSession]:
    """A user's live sessions in id order, from after ``after_id`` (checkpoint paging)."""
    stmt = select(LoginSession).where(LoginSession.user_id == user_ref, _live(tenant_id, now))
    if after_id is not None:
        stmt = stmt.where(LoginSession.id > after_id)
    stmt = stmt.order_by(LoginSession.id).limit(limit)
    return list((await session.execute(stmt)).scalars())


async def user_id_of(session: AsyncSession, user_ref: str) -> str | None:
    """The wire id of the user whose internal key is ``user_ref``."""
    return await session.scalar(select(User.user_id).where(User.id == user_ref))
