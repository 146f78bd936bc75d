"""SQL for SSO sessions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from authgate.sessions.models import LoginSession


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


async def of_user(session: AsyncSession, tenant_id: str, user_ref: str) -> list[LoginSession]:
    stmt = (
        select(LoginSession)
        .where(LoginSession.tenant_id == tenant_id, LoginSession.user_id == user_ref)
        .order_by(LoginSession.created_at.desc(), LoginSession.id)
    )
    return list((await session.execute(stmt)).scalars())


async def touch(
    session: AsyncSession, session_id: str, at: datetime, idle_expires_at: datetime
) -> None:
    stmt = (
        update(LoginSession)
        .where(LoginSession.id == session_id)
        .values(last_interaction_at=at, idle_expires_at=idle_expires_at)
    )
    await session.execute(stmt)


async def remove(session: AsyncSession, tenant_id: str, session_id: str) -> bool:
    stmt = delete(LoginSession).where(
        LoginSession.id == session_id, LoginSession.tenant_id == tenant_id
    )
    return bool((await session.execute(stmt)).rowcount)  # type: ignore[attr-defined]
