"""Queries of ``grants``."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from authgate.grants.models import UserGrant
from authgate.users.models import User


async def find(
    session: AsyncSession, tenant_id: str, user_ref: str, client_id: str, audience: str
) -> UserGrant | None:
    stmt = select(UserGrant).where(
        UserGrant.tenant_id == tenant_id,
        UserGrant.user_id == user_ref,
        UserGrant.client_id == client_id,
        UserGrant.audience == audience,
    )
    found: UserGrant | None = await session.scalar(stmt)
    return found


def _filters(
    tenant_id: str, *, user_ref: str | None, client_id: str | None, audience: str | None
) -> list[ColumnElement[bool]]:
    conditions = [UserGrant.tenant_id == tenant_id]
    if user_ref is not None:
        conditions.append(UserGrant.user_id == user_ref)
    if client_id is not None:
        conditions.append(UserGrant.client_id == client_id)
    if audience is not None:
        conditions.append(UserGrant.audience == audience)
    return conditions


async def page(
    session: AsyncSession,
    tenant_id: str,
    *,
    user_ref: str | None,
    client_id: str | None,
    audience: str | None,
    offset: int,
    limit: int,
) -> Sequence[tuple[UserGrant, str]]:
    """Grants with their user's wire id, oldest first."""
    conditions = _filters(tenant_id, user_ref=user_ref, client_id=client_id, audience=audience)
    stmt = (
        select(UserGrant, User.user_id)
        .join(User, User.id == UserGrant.user_id)
        .where(*conditions)
        .order_by(UserGrant.created_at, UserGrant.id)
        .offset(offset)
        .limit(limit)
    )
    rows = await session.execute(stmt)
    return [(grant, user_id) for grant, user_id in rows.all()]


async def count(
    session: AsyncSession,
    tenant_id: str,
    *,
    user_ref: str | None,
    client_id: str | None,
    audience: str | None,
) -> int:
    conditions = _filters(tenant_id, user_ref=user_ref, client_id=client_id, audience=audience)
    stmt = select(func.count()).select_from(UserGrant).where(*conditions)
    return int(await session.scalar(stmt) or 0)


async def delete_one(session: AsyncSession, tenant_id: str, grant_id: str) -> bool:
    stmt = delete(UserGrant).where(UserGrant.tenant_id == tenant_id, UserGrant.id == grant_id)
    result = await session.execute(stmt)
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def delete_of_user(session: AsyncSession, tenant_id: str, user_ref: str) -> int:
    stmt = delete(UserGrant).where(UserGrant.tenant_id == tenant_id, UserGrant.user_id == user_ref)
    result = await session.execute(stmt)
    return int(result.rowcount)  # type: ignore[attr-defined]
