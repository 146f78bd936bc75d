"""SQL for authorization codes and refresh tokens; single-use steps are one conditional UPDATE
each (STYLE §5), never a read followed by a write."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from authgate.tokens.models import AuthorizationCode, RefreshToken
from authgate.users.models import User


async def code(session: AsyncSession, tenant_id: str, digest: str) -> AuthorizationCode | None:
    stmt = select(AuthorizationCode).where(
        AuthorizationCode.code_digest == digest, AuthorizationCode.tenant_id == tenant_id
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def consume_code(session: AsyncSession, tenant_id: str, digest: str, at: datetime) -> bool:
    """Marks the code consumed; True for the one caller that did it."""
    stmt = (
        update(AuthorizationCode)
        .where(
            AuthorizationCode.code_digest == digest,
            AuthorizationCode.tenant_id == tenant_id,
            AuthorizationCode.consumed_at.is_(None),
        )
        .values(consumed_at=at)
        .returning(AuthorizationCode.code_digest)
    )
    return (await session.execute(stmt)).first() is not None


async def refresh_token(session: AsyncSession, tenant_id: str, digest: str) -> RefreshToken | None:
    stmt = select(RefreshToken).where(
        RefreshToken.token_digest == digest, RefreshToken.tenant_id == tenant_id
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def rotate(session: AsyncSession, token_id: str, at: datetime) -> bool:
    """Marks a live token rotated; True for the one caller that did it."""
    stmt = (
        update(RefreshToken)
        .where(
            RefreshToken.id == token_id,
            RefreshToken.rotated_at.is_(None),
            RefreshToken.revoked_at.is_(None),
        )
        .values(rotated_at=at, last_exchanged_at=at)
        .returning(RefreshToken.id)
    )
    return (await session.execute(stmt)).first() is not None


async def exchange_live(
    session: AsyncSession,
    tenant_id: str,
    digest: str,
    client_id: str,
    at: datetime,
    *,
    rotate: bool,
    idle_expires_at: datetime | None,
) -> RefreshToken | None:
    """The common case in one statement: a live, unexpired token of this client is marked
    rotated (or its idle expiry pushed back) and returned; None for anything else."""
    values: dict[str, object] = {"last_exchanged_at": at}
    if rotate:
        values["rotated_at"] = at
    else:
        values["idle_expires_at"] = idle_expires_at
    stmt = (
        update(RefreshToken)
        .where(
            RefreshToken.token_digest == digest,
            RefreshToken.tenant_id == tenant_id,
            RefreshToken.client_id == client_id,
            RefreshToken.rotated_at.is_(None),
            RefreshToken.revoked_at.is_(None),
            or_(RefreshToken.expires_at.is_(None), RefreshToken.expires_at > at),
            or_(RefreshToken.idle_expires_at.is_(None), RefreshToken.idle_expires_at > at),
        )
        .values(**values)
        .returning(RefreshToken)
        .execution_options(synchronize_session=False)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def touch(
    session: AsyncSession, token_id: str, at: datetime, idle_expires_at: datetime | None
) -> None:
    stmt = (
        update(RefreshToken)
        .where(RefreshToken.id == token_id)
        .values(last_exchanged_at=at, idle_expires_at=idle_expires_at)
    )
    await session.execute(stmt)


async def revoke_family(session: AsyncSession, tenant_id: str, family_id: str, at: datetime) -> int:
    stmt = (
        update(RefreshToken)
        .where(
            RefreshToken.tenant_id == tenant_id,
            RefreshToken.family_id == family_id,
            RefreshToken.revoked_at.is_(None),
        )
        .values(revoked_at=at)
    )
    return (await session.execute(stmt)).rowcount or 0  # type: ignore[attr-defined]


def _live(tenant_id: str, now: datetime) -> ColumnElement[bool]:
    """Usable refresh tokens: neither revoked nor rotated nor expired."""
    return and_(
        RefreshToken.tenant_id == tenant_id,
        RefreshToken.revoked_at.is_(None),
        RefreshToken.rotated_at.is_(None),
        or_(RefreshToken.expires_at.is_(None), RefreshToken.expires_at > now),
        or_(RefreshToken.idle_expires_at.is_(None), RefreshToken.idle_expires_at > now),
    )


async def live_with_user(
    session: AsyncSession, tenant_id: str, token_id: str, now: datetime
) -> tuple[RefreshToken, str] | None:
    """A usable refresh token and its user's wire id (``auth0|...``)."""
    stmt = (
        select(RefreshToken, User.user_id)
        .join(User, User.id == RefreshToken.user_id)
        .where(RefreshToken.id == token_id, _live(tenant_id, now))
    )
    row = (await session.execute(stmt)).first()
    return None if row is None else (row[0], row[1])


async def live_of_user(
    session: AsyncSession,
    tenant_id: str,
    user_ref: str,
    now: datetime,
    *,
    after_id: str | None,
    limit: int,
) -> list[RefreshToken]:
    """A user's usable refresh tokens in id order, from after ``after_id``."""
    stmt = select(RefreshToken).where(RefreshToken.user_id == user_ref, _live(tenant_id, now))
    if after_id is not None:
        stmt = stmt.where(RefreshToken.id > after_id)
    stmt = stmt.order_by(RefreshToken.id).limit(limit)
    return list((await session.execute(stmt)).scalars())


async def revoke_of_user(session: AsyncSession, tenant_id: str, user_ref: str, at: datetime) -> int:
    """Revokes every refresh token of a user; how many were still unrevoked."""
    return await _revoke(session, tenant_id, RefreshToken.user_id == user_ref, at)


async def revoke_of_session(
    session: AsyncSession, tenant_id: str, session_id: str, at: datetime
) -> int:
    """Revokes every refresh token issued through an SSO session."""
    return await _revoke(session, tenant_id, RefreshToken.session_id == session_id, at)


async def _revoke(
    session: AsyncSession, tenant_id: str, which: ColumnElement[bool], at: datetime
) -> int:
    stmt = (
        update(RefreshToken)
        .where(RefreshToken.tenant_id == tenant_id, RefreshToken.revoked_at.is_(None), which)
        .values(revoked_at=at)
    )
    return (await session.execute(stmt)).rowcount or 0  # type: ignore[attr-defined]
