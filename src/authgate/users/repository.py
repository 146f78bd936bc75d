"""SQL for users and their password history."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, delete, func, literal_column, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from authgate.connections.models import Connection
from authgate.users.models import PasswordHistory, User
from authgate.users.search import UserFilter

MAX_HISTORY = 24


async def by_user_id(session: AsyncSession, tenant_id: str, user_id: str) -> User | None:
    stmt = select(User).where(User.tenant_id == tenant_id, User.user_id == user_id)
    return (await session.execute(stmt)).scalar_one_or_none()


async def by_pk(session: AsyncSession, pk: str) -> User | None:
    return await session.get(User, pk)


async def by_email(session: AsyncSession, tenant_id: str, email_key: str) -> list[User]:
    stmt = (
        select(User)
        .where(User.tenant_id == tenant_id, User.email_key == email_key)
        .order_by(User.created_at, User.id)
    )
    return list((await session.execute(stmt)).scalars())


async def in_connection(
    session: AsyncSession,
    connection_id: str,
    *,
    email_key: str | None = None,
    username_key: str | None = None,
) -> User | None:
    stmt = select(User).where(User.connection_id == connection_id)
    if email_key is not None:
        stmt = stmt.where(User.email_key == email_key)
    if username_key is not None:
        stmt = stmt.where(User.username_key == username_key)
    return (await session.execute(stmt.limit(1))).scalar_one_or_none()


SQLITE_BROAD = 5000
"""On SQLite, a search whose integer and date tests match at least this many users is paged by
walking the index of its sort order, with those tests kept off their own indexes. SQLite has no
statistics on how many rows a range holds (no STAT4), so left to itself it reads every match
of ``logins_count:[0 TO 400]`` through the range index and sorts them all for one page. Under
this many matches that plan is the cheaper one (it reads the matches only); above it the walk
meets a page's worth of matches early."""


async def search(
    session: AsyncSession,
    tenant_id: str,
    *,
    matching: UserFilter,
    order_by: list[Any],
    offset: int,
    limit: int,
    count_up_to: int | None,
) -> tuple[list[User], int | None]:
    """One page of the users ``matching`` keeps, and with ``count_up_to`` how many there are,
    counted no further than that."""
    conditions = [User.tenant_id == tenant_id, *matching.where()]
    probe = SQLITE_BROAD if matching.tests_ranged and _is_sqlite(session) else 0
    matched = 0
    if probe or count_up_to is not None:
        matched = await _count(session, conditions, up_to=max(probe, count_up_to or 0))
    if probe and matched >= probe:
        conditions = [User.tenant_id == tenant_id, *matching.where(indexed=False)]
    stmt = select(User).where(*conditions).order_by(*order_by).offset(offset).limit(limit)
    items = list((await session.execute(stmt)).scalars())
    return items, None if count_up_to is None else min(matched, count_up_to)


async def _count(
    session: AsyncSession, conditions: list[ColumnElement[bool]], *, up_to: int
) -> int:
    """How many users pass ``conditions``, counting no further than ``up_to``."""
    matches = (
        select(literal_column("1")).select_from(User).where(*conditions).limit(up_to).subquery()
    )
    return int(await session.scalar(select(func.count()).select_from(matches)) or 0)


def _is_sqlite(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "sqlite"


async def connection_names(session: AsyncSession, connection_ids: set[str]) -> dict[str, str]:
    if not connection_ids:
        return {}
    stmt = select(Connection.id, Connection.name).where(Connection.id.in_(connection_ids))
    return {row.id: row.name for row in (await session.execute(stmt)).all()}


async def record_login(
    session: AsyncSession, pk: str, *, at: datetime, ip: str | None, password_hash: str | None
) -> None:
    """One small write per login: the counters, and an upgraded hash when there is one."""
    values: dict[str, Any] = {
        "logins_count": User.logins_count + 1,
        "last_login": at,
        "last_ip": ip,
    }
    if password_hash is not None:
        values["password_hash"] = password_hash
    await session.execute(update(User).where(User.id == pk).values(**values))


async def add(session: AsyncSession, user: User) -> None:
    session.add(user)
    await session.flush()


async def delete_user(session: AsyncSession, user: User) -> None:
    await session.delete(user)
    await session.flush()


async def password_history(session: AsyncSession, user_pk: str, size: int) -> list[str]:
    stmt = (
        select(PasswordHistory.password_hash)
        .where(PasswordHistory.user_pk == user_pk)
        .order_by(PasswordHistory.created_at.desc(), PasswordHistory.id.desc())
        .limit(size)
    )
    return list((await session.execute(stmt)).scalars())


async def remember_password(session: AsyncSession, entry: PasswordHistory) -> None:
    session.add(entry)
    await session.flush()
    keep = (
        select(PasswordHistory.id)
        .where(PasswordHistory.user_pk == entry.user_pk)
        .order_by(PasswordHistory.created_at.desc(), PasswordHistory.id.desc())
        .limit(MAX_HISTORY)
    )
    await session.execute(
        delete(PasswordHistory).where(
            PasswordHistory.user_pk == entry.user_pk, PasswordHistory.id.not_in(keep)
        )
    )
