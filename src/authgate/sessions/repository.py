"""SQL for SSO sessions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from authgate.sessions.models import LoginSession
from authgate.tokens.models import RefreshToken


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


async def remove_refresh_tokens_of_session(
    session: AsyncSession, tenant_id: str, session_id: str, at: datetime
) -> None:
    stmt = (
        update(RefreshToken)
        .where(
            RefreshToken.tenant_id == tenant_id,
            RefreshToken.session_id == session_id,
            RefreshToken.revoked_at.is_(None),
        )
        .values(revoked_at=at)
    )
    await session.execute(stmt)


async def live_refresh_tokens(
    session: AsyncSession, tenant_id: str, user_ref: str, at: datetime
) -> list[RefreshToken]:
    stmt = (
        select(RefreshToken)
        .where(
            RefreshToken.tenant_id == tenant_id,
            RefreshToken.user_id == user_ref,
            RefreshToken.revoked_at.is_(None),
            RefreshToken.rotated_at.is_(None),
            or_(RefreshToken.expires_at.is_(None), RefreshToken.expires_at > at),
        )
        .order_by(RefreshToken.created_at, RefreshToken.id)
    )
    return list((await session.execute(stmt)).scalars())


async def refresh_token_by_id(
    session: AsyncSession, tenant_id: str, token_id: str
) -> RefreshToken | None:
    stmt = select(RefreshToken).where(
        RefreshToken.tenant_id == tenant_id,
        RefreshToken.id == token_id,
        RefreshToken.revoked_at.is_(None),
        RefreshToken.rotated_at.is_(None),
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def revoke_refresh_tokens(
    session: AsyncSession,
    tenant_id: str,
    at: datetime,
    *,
    user_ref: str | None = None,
    token_id: str | None = None,
) -> None:
    stmt = update(RefreshToken).where(
        RefreshToken.tenant_id == tenant_id, RefreshToken.revoked_at.is_(None)
    )
    if user_ref is not None:
        stmt = stmt.where(RefreshToken.user_id == user_ref)
    if token_id is not None:
        stmt = stmt.where(RefreshToken.id == token_id)
    await session.execute(stmt.values(revoked_at=at))
