"""SQL for attack protection: settings documents and token buckets.

A take is one ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING``: the bucket drains by the
time elapsed, gives a token when one is left and reports whether it did, atomically on both
engines (concurrent takes serialize on the row), so a burst never gets more than it may.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, Float, bindparam, delete, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from authgate.core.sqlite_fast import fetch, is_sqlite
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


# ``level``: the tokens spent, drained by the time elapsed since ``at_ms`` (never below 0)
_TAKE = text(
    """
    INSERT INTO throttle_buckets (tenant_id, key, spent, at_ms, allowed)
    VALUES (:tenant_id, :key, 1.0, :now_ms, :first_allowed)
    ON CONFLICT (tenant_id, key) DO UPDATE SET
        spent = CASE
            WHEN (CASE WHEN throttle_buckets.spent - (:now_ms - throttle_buckets.at_ms)
                            / :interval_ms < 0 THEN 0.0
                       ELSE throttle_buckets.spent - (:now_ms - throttle_buckets.at_ms)
                            / :interval_ms END) + 1 <= :capacity
            THEN (CASE WHEN throttle_buckets.spent - (:now_ms - throttle_buckets.at_ms)
                            / :interval_ms < 0 THEN 0.0
                       ELSE throttle_buckets.spent - (:now_ms - throttle_buckets.at_ms)
                            / :interval_ms END) + 1
            ELSE (CASE WHEN throttle_buckets.spent - (:now_ms - throttle_buckets.at_ms)
                            / :interval_ms < 0 THEN 0.0
                       ELSE throttle_buckets.spent - (:now_ms - throttle_buckets.at_ms)
                            / :interval_ms END) END,
        at_ms = :now_ms,
        allowed = (CASE WHEN throttle_buckets.spent - (:now_ms - throttle_buckets.at_ms)
                             / :interval_ms < 0 THEN 0.0
                        ELSE throttle_buckets.spent - (:now_ms - throttle_buckets.at_ms)
                             / :interval_ms END) + 1 <= :capacity
    RETURNING allowed, spent
    """
).bindparams(
    bindparam("now_ms", type_=BigInteger()),
    bindparam("interval_ms", type_=Float()),
    bindparam("capacity", type_=Float()),
    bindparam("first_allowed", type_=Boolean()),
)
_GIVE_BACK = text(
    "UPDATE throttle_buckets SET spent = spent - 1"
    " WHERE tenant_id = :tenant_id AND key = :key AND spent >= 1"
)


async def take(
    session: AsyncSession,
    tenant_id: str,
    key: str,
    *,
    capacity: int,
    interval_ms: int,
    now_ms: int,
) -> tuple[bool, float]:
    """Take one token; ``(allowed, tokens spent afterwards)``. Plain SQL valid on SQLite and
    PostgreSQL, prepared once (it runs on every password login)."""
    params = {
        "tenant_id": tenant_id,
        "key": key,
        "now_ms": now_ms,
        "interval_ms": float(interval_ms),
        "capacity": float(capacity),
        "first_allowed": capacity >= 1,
    }
    if is_sqlite(session):
        row = (await fetch(session, _TAKE.text, params))[0]
    else:
        row = tuple((await session.execute(_TAKE, params)).one())
    return bool(row[0]), float(row[1])


async def give_back(session: AsyncSession, tenant_id: str, key: str) -> None:
    """Return a token taken for an attempt that turned out not to count."""
    params = {"tenant_id": tenant_id, "key": key}
    if is_sqlite(session):
        await fetch(session, _GIVE_BACK.text, params)
        return
    await session.execute(_GIVE_BACK, params)


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
