"""SQL for attack protection: settings documents and token buckets.

A take is one ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING``: the bucket drains by the
time elapsed, gives a token when one is left and reports whether it did, atomically on both
engines (concurrent takes serialize on the row), so a burst never gets more than it may.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import case, delete, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from authgate.protection.models import ProtectionSetting, ThrottleBucket


def _insert(session: AsyncSession) -> Any:
    dialect = session.get_bind().dialect.name
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


async def documents(session: AsyncSession, tenant_id: str) -> dict[str, dict[str, Any]]:
    rows = await session.execute(
        select(ProtectionSetting.feature, ProtectionSetting.document).where(
            ProtectionSetting.tenant_id == tenant_id
        )
    )
    return {feature: dict(document) for feature, document in rows}


async def save_document(
    session: AsyncSession, tenant_id: str, feature: str, document: dict[str, Any], now: datetime
) -> None:
    stmt = _insert(session)(ProtectionSetting).values(
        tenant_id=tenant_id, feature=feature, document=document, updated_at=now
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=["tenant_id", "feature"],
        set_={"document": stmt.excluded.document, "updated_at": stmt.excluded.updated_at},
    )
    await session.execute(stmt)


async def take(
    session: AsyncSession,
    tenant_id: str,
    key: str,
    *,
    capacity: int,
    interval_ms: int,
    now_ms: int,
) -> tuple[bool, float]:
    """Take one token; ``(allowed, tokens spent afterwards)``."""
    table = ThrottleBucket.__table__
    drained = table.c.spent - (literal(now_ms) - table.c.at_ms) * 1.0 / interval_ms
    level = case((drained < 0, 0.0), else_=drained)
    allowed = level + 1 <= capacity
    stmt = _insert(session)(ThrottleBucket).values(
        tenant_id=tenant_id, key=key, spent=1.0, at_ms=now_ms, allowed=capacity >= 1
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=["tenant_id", "key"],
        set_={
            "spent": case((allowed, level + 1), else_=level),
            "at_ms": now_ms,
            "allowed": allowed,
        },
    ).returning(ThrottleBucket.allowed, ThrottleBucket.spent)
    row = (await session.execute(stmt)).one()
    return bool(row[0]), float(row[1])


async def give_back(session: AsyncSession, tenant_id: str, key: str) -> None:
    """Return a token taken for an attempt that turned out not to count."""
    await session.execute(
        update(ThrottleBucket)
        .where(
            ThrottleBucket.tenant_id == tenant_id,
            ThrottleBucket.key == key,
            ThrottleBucket.spent >= 1,
        )
        .values(spent=ThrottleBucket.spent - 1)
    )


async def spent(
    session: AsyncSession, tenant_id: str, key: str, *, interval_ms: int, now_ms: int
) -> float:
    row = await session.get(ThrottleBucket, (tenant_id, key))
    if row is None:
        return 0.0
    return max(0.0, row.spent - (now_ms - row.at_ms) / interval_ms)


async def drop(session: AsyncSession, tenant_id: str, keys: list[str]) -> int:
    result = await session.execute(
        delete(ThrottleBucket).where(
            ThrottleBucket.tenant_id == tenant_id, ThrottleBucket.key.in_(keys)
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)
