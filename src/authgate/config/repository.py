"""SQL for the configuration version row."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from authgate.config.models import SINGLETON_ID, ConfigState


async def read_version(session: AsyncSession) -> int:
    value = await session.scalar(select(ConfigState.version).where(ConfigState.id == SINGLETON_ID))
    return int(value or 0)


async def bump_version(session: AsyncSession) -> int:
    """Add one to the version and return it (atomic: concurrent bumps serialize on the row)."""
    result = await session.execute(
        update(ConfigState)
        .where(ConfigState.id == SINGLETON_ID)
        .values(version=ConfigState.version + 1)
        .returning(ConfigState.version)
    )
    return int(result.scalar_one())
