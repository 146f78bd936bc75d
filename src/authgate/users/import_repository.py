"""SQL for bulk imports: what a file's users collide with, read in a few queries, and inserts.

An import checks thousands of users at once, so the checks ``UserService`` makes one user at a
time (one query per email, username and ``user_id``) are made here for the whole file, in
chunks that stay within every engine's bound on bound parameters.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from authgate.users.models import PasswordHistory, User

CHUNK = 500


def _chunks(values: Iterable[str]) -> Iterator[list[str]]:
    ordered = sorted(set(values))
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


async def users_by_email(
    session: AsyncSession, connection_id: str, email_keys: Iterable[str]
) -> dict[str, User]:
    """The users of the connection with these emails (lower-cased keys), by key."""
    found: dict[str, User] = {}
    for chunk in _chunks(email_keys):
        stmt = select(User).where(User.connection_id == connection_id, User.email_key.in_(chunk))
        for user in (await session.execute(stmt)).scalars():
            found[str(user.email_key)] = user
    return found


async def taken_usernames(
    session: AsyncSession, connection_id: str, username_keys: Iterable[str]
) -> set[str]:
    taken: set[str] = set()
    for chunk in _chunks(username_keys):
        stmt = select(User.username_key).where(
            User.connection_id == connection_id, User.username_key.in_(chunk)
        )
        taken.update(str(key) for key in (await session.execute(stmt)).scalars())
    return taken


async def taken_user_ids(
    session: AsyncSession, tenant_id: str, user_ids: Iterable[str]
) -> set[str]:
    taken: set[str] = set()
    for chunk in _chunks(user_ids):
        stmt = select(User.user_id).where(User.tenant_id == tenant_id, User.user_id.in_(chunk))
        taken.update((await session.execute(stmt)).scalars())
    return taken


async def add(session: AsyncSession, user: User, history: PasswordHistory | None) -> None:
    """Insert a new user and the first entry of its password history (no older ones to trim)."""
    session.add(user)
    await session.flush()  # first: the history refers to the user, and no relationship says so
    if history is not None:
        session.add(history)
        await session.flush()
