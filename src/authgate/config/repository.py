"""SQL for the configuration version row."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from authgate.config.models import SINGLETON_ID, ConfigState


async def read_version(session: AsyncSession) -> int:
    value = await session.scalar(select(ConfigState.version).where(ConfigState.id == SINGLETON_ID))
    return int(value or 0)


async def bump_version(session: AsyncSession) -> None:
    await session.execute(
        update(ConfigState)
        .where(ConfigState.id == SINGLETON_ID)
        .values(version=ConfigState.version + 1)
    )
