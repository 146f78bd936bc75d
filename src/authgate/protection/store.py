"""Where attack-protection counters live: the database by default, Redis when configured.

Both stores are atomic, so parallel attempts never slip past a limit: the database through one
``INSERT ... ON CONFLICT DO UPDATE ... RETURNING`` per count or take (``blocks.repository``,
``protection.repository``), Redis through Lua scripts, which run one at a time.

Two kinds of state:

- **attempt counts** per (identifier, IP) for brute-force protection, forgotten 30 days after
  the last failure (Auth0's block lifetime, reference §3.1);
- **token buckets** for suspicious IP throttling and notification limits: ``capacity`` tokens,
  one regained every ``interval_ms``. A bucket is kept as the tokens spent and the time they
  were counted, so an idle bucket costs nothing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from authgate.blocks import repository as blocks
from authgate.db import Database
from authgate.protection import repository

BLOCK_LIFETIME = timedelta(days=30)


@dataclass(frozen=True)
class Attempts:
    identifier: str
    ip: str
    connection: str | None
    failures: int


@dataclass(frozen=True)
class Take:
    allowed: bool
    spent: float


@dataclass(frozen=True)
class BucketTake:
    key: str
    capacity: int
    interval_ms: int


@dataclass(frozen=True)
class AttemptCount:
    identifier: str
    ip: str
    connection: str | None
    max_attempts: int


class ProtectionStore(Protocol):
    in_database: bool
    """Whether the counters live in the database (so their writes can join a transaction)."""

    async def count_attempt(
        self,
        tenant_id: str,
        identifier: str,
        ip: str,
        *,
        connection: str | None,
        max_attempts: int,
        now: datetime,
    ) -> int: ...

    async def clear_attempts(self, tenant_id: str, identifier: str, ip: str | None) -> None: ...

    async def attempts(
        self, tenant_id: str, identifiers: list[str], now: datetime
    ) -> list[Attempts]: ...

    async def release(
        self, tenant_id: str, identifiers: list[str], session: AsyncSession | None = None
    ) -> int:
        """Forget the attempts of ``identifiers``; in ``session``'s transaction when given."""
        ...

    async def take(
        self, tenant_id: str, key: str, *, capacity: int, interval_ms: int, now_ms: int
    ) -> Take: ...

    async def give_back(self, tenant_id: str, key: str) -> None: ...

    async def spent(self, tenant_id: str, key: str, *, interval_ms: int, now_ms: int) -> float: ...

    async def drop(
        self, tenant_id: str, keys: list[str], session: AsyncSession | None = None
    ) -> int: ...

    async def admit_login(
        self,
        tenant_id: str,
        bucket: BucketTake | None,
        attempt: AttemptCount | None,
        now: datetime,
        session: AsyncSession | None = None,
    ) -> tuple[Take | None, int]:
        """The IP bucket's take, then (if it got a token) the attempt's count."""
        ...

    async def settle_login(
        self,
        tenant_id: str,
        bucket_key: str | None,
        attempt: tuple[str, str] | None,
        session: AsyncSession | None = None,
    ) -> None:
        """After a successful login: the bucket's token back, the attempts forgotten."""
        ...


class SqlStore:
    """Counters in the database; each operation is its own short write transaction."""

    in_database = True

    def __init__(self, db: Database) -> None:
        self._db = db

    async def count_attempt(
        self,
        tenant_id: str,
        identifier: str,
        ip: str,
        *,
        connection: str | None,
        max_attempts: int,
        now: datetime,
    ) -> int:
        async with self._db.unit_of_work(write=True) as session:
            return await blocks.count_attempt(
                session,
                tenant_id,
                identifier,
                ip,
                connection=connection,
                max_attempts=max_attempts,
                now=now,
                since=now - BLOCK_LIFETIME,
            )

    async def clear_attempts(self, tenant_id: str, identifier: str, ip: str | None) -> None:
        async with self._db.unit_of_work(write=True) as session:
            await blocks.clear(session, tenant_id, identifier, ip)

    async def attempts(
        self, tenant_id: str, identifiers: list[str], now: datetime
    ) -> list[Attempts]:
        async with self._db.unit_of_work(write=False) as session:
            rows = await blocks.counted(session, tenant_id, identifiers, now - BLOCK_LIFETIME)
        return [Attempts(row.identifier, row.ip, row.connection, row.failures) for row in rows]

    async def release(
        self, tenant_id: str, identifiers: list[str], session: AsyncSession | None = None
    ) -> int:
        if session is not None:
            return await blocks.release(session, tenant_id, identifiers)
        async with self._db.unit_of_work(write=True) as own:
            return await blocks.release(own, tenant_id, identifiers)

    async def take(
        self, tenant_id: str, key: str, *, capacity: int, interval_ms: int, now_ms: int
    ) -> Take:
        async with self._db.unit_of_work(write=True) as session:
            allowed, spent = await repository.take(
                session, tenant_id, key, capacity=capacity, interval_ms=interval_ms, now_ms=now_ms
            )
        return Take(allowed, spent)

    async def give_back(self, tenant_id: str, key: str) -> None:
        async with self._db.unit_of_work(write=True) as session:
            await repository.give_back(session, tenant_id, key)

    async def spent(self, tenant_id: str, key: str, *, interval_ms: int, now_ms: int) -> float:
        async with self._db.unit_of_work(write=False) as session:
            return await repository.spent(
                session, tenant_id, key, interval_ms=interval_ms, now_ms=now_ms
            )

    async def drop(
        self, tenant_id: str, keys: list[str], session: AsyncSession | None = None
    ) -> int:
        if session is not None:
            return await repository.drop(session, tenant_id, keys)
        async with self._db.unit_of_work(write=True) as own:
            return await repository.drop(own, tenant_id, keys)

    async def admit_login(
        self,
        tenant_id: str,
        bucket: BucketTake | None,
        attempt: AttemptCount | None,
        now: datetime,
        session: AsyncSession | None = None,
    ) -> tuple[Take | None, int]:
        """The IP bucket's take and the attempt's count, in one transaction (``session``'s
        when given, so the caller's lookup shares it)."""
        if bucket is None and attempt is None:
            return None, 0
        if session is not None:
            return await _admit(session, tenant_id, bucket, attempt, now)
        async with self._db.unit_of_work(write=True) as own:
            return await _admit(own, tenant_id, bucket, attempt, now)

    async def settle_login(
        self,
        tenant_id: str,
        bucket_key: str | None,
        attempt: tuple[str, str] | None,
        session: AsyncSession | None = None,
    ) -> None:
        if bucket_key is None and attempt is None:
            return
        if session is not None:
            await _settle(session, tenant_id, bucket_key, attempt)
            return
        async with self._db.unit_of_work(write=True) as own:
            await _settle(own, tenant_id, bucket_key, attempt)


async def _admit(
    session: AsyncSession,
    tenant_id: str,
    bucket: BucketTake | None,
    attempt: AttemptCount | None,
    now: datetime,
) -> tuple[Take | None, int]:
    taken: Take | None = None
    if bucket is not None:
        allowed, spent = await repository.take(
            session,
            tenant_id,
            bucket.key,
            capacity=bucket.capacity,
            interval_ms=bucket.interval_ms,
            now_ms=_ms(now),
        )
        taken = Take(allowed, spent)
    if attempt is None or (taken is not None and not taken.allowed):
        return taken, 0
    count = await blocks.count_attempt(
        session,
        tenant_id,
        attempt.identifier,
        attempt.ip,
        connection=attempt.connection,
        max_attempts=attempt.max_attempts,
        now=now,
        since=now - BLOCK_LIFETIME,
    )
    return taken, count


async def _settle(
    session: AsyncSession,
    tenant_id: str,
    bucket_key: str | None,
    attempt: tuple[str, str] | None,
) -> None:
    if bucket_key is not None:
        await repository.give_back(session, tenant_id, bucket_key)
    if attempt is not None:
        await blocks.clear(session, tenant_id, attempt[0], attempt[1])


_COUNT = """
local field = 'n:' .. ARGV[1]
local last = tonumber(redis.call('HGET', KEYS[1], 't:' .. ARGV[1]) or '0')
local n
if last < tonumber(ARGV[3]) then
  n = 1
  redis.call('HSET', KEYS[1], field, 1)
else
  n = redis.call('HINCRBY', KEYS[1], field, 1)
end
redis.call('HSET', KEYS[1], 't:' .. ARGV[1], ARGV[2], 'c:' .. ARGV[1], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return n
"""

_TAKE = """
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local capacity = tonumber(ARGV[3])
local spent = tonumber(redis.call('HGET', KEYS[1], 's') or '0')
local at = tonumber(redis.call('HGET', KEYS[1], 'a') or ARGV[1])
local level = spent - (now - at) / interval
if level < 0 then level = 0 end
local allowed = 0
if level + 1 <= capacity then
  level = level + 1
  allowed = 1
end
redis.call('HSET', KEYS[1], 's', tostring(level), 'a', ARGV[1])
redis.call('PEXPIRE', KEYS[1], math.ceil(level * interval) + 1000)
return {allowed, tostring(level)}
"""

_GIVE_BACK = """
local spent = tonumber(redis.call('HGET', KEYS[1], 's') or '0')
if spent >= 1 then redis.call('HSET', KEYS[1], 's', tostring(spent - 1)) end
return 1
"""


class RedisStore:
    """Counters in Redis, shared by every node; keys expire when they no longer matter."""

    in_database = False

    def __init__(self, redis: Any, prefix: str) -> None:
        self._redis = redis
        self._prefix = prefix
        self._count = redis.register_script(_COUNT)
        self._take = redis.register_script(_TAKE)
        self._give_back = redis.register_script(_GIVE_BACK)

    def _attempts_key(self, tenant_id: str, identifier: str) -> str:
        return f"{self._prefix}bf:{tenant_id}:{identifier}"

    def _bucket_key(self, tenant_id: str, key: str) -> str:
        return f"{self._prefix}tb:{tenant_id}:{key}"

    async def count_attempt(
        self,
        tenant_id: str,
        identifier: str,
        ip: str,
        *,
        connection: str | None,
        max_attempts: int,
        now: datetime,
    ) -> int:
        now_ms = _ms(now)
        since_ms = _ms(now - BLOCK_LIFETIME)
        lifetime_ms = int(BLOCK_LIFETIME.total_seconds() * 1000)
        count = await self._count(
            keys=[self._attempts_key(tenant_id, identifier)],
            args=[ip, now_ms, since_ms, connection or "", lifetime_ms],
        )
        return int(count)

    async def clear_attempts(self, tenant_id: str, identifier: str, ip: str | None) -> None:
        key = self._attempts_key(tenant_id, identifier)
        if ip is None:
            await self._redis.delete(key)
        else:
            await self._redis.hdel(key, f"n:{ip}", f"t:{ip}", f"c:{ip}")

    async def attempts(
        self, tenant_id: str, identifiers: list[str], now: datetime
    ) -> list[Attempts]:
        since_ms = _ms(now - BLOCK_LIFETIME)
        found: list[Attempts] = []
        for identifier in sorted(set(identifiers)):
            fields = await self._redis.hgetall(self._attempts_key(tenant_id, identifier))
            for name, value in sorted(fields.items()):
                if not name.startswith("n:"):
                    continue
                ip = name[2:]
                if int(fields.get(f"t:{ip}", 0)) < since_ms:
                    continue
                connection = fields.get(f"c:{ip}") or None
                found.append(Attempts(identifier, ip, connection, int(value)))
        return found

    async def release(
        self, tenant_id: str, identifiers: list[str], session: AsyncSession | None = None
    ) -> int:
        if not identifiers:
            return 0
        keys = [self._attempts_key(tenant_id, identifier) for identifier in identifiers]
        return int(await self._redis.delete(*keys))

    async def take(
        self, tenant_id: str, key: str, *, capacity: int, interval_ms: int, now_ms: int
    ) -> Take:
        allowed, spent = await self._take(
            keys=[self._bucket_key(tenant_id, key)], args=[now_ms, interval_ms, capacity]
        )
        return Take(bool(int(allowed)), float(spent))

    async def give_back(self, tenant_id: str, key: str) -> None:
        await self._give_back(keys=[self._bucket_key(tenant_id, key)], args=[])

    async def spent(self, tenant_id: str, key: str, *, interval_ms: int, now_ms: int) -> float:
        fields = await self._redis.hgetall(self._bucket_key(tenant_id, key))
        if not fields:
            return 0.0
        level = float(fields.get("s", 0)) - (now_ms - int(fields.get("a", now_ms))) / interval_ms
        return max(0.0, level)

    async def drop(
        self, tenant_id: str, keys: list[str], session: AsyncSession | None = None
    ) -> int:
        if not keys:
            return 0
        return int(await self._redis.delete(*[self._bucket_key(tenant_id, key) for key in keys]))

    async def admit_login(
        self,
        tenant_id: str,
        bucket: BucketTake | None,
        attempt: AttemptCount | None,
        now: datetime,
        session: AsyncSession | None = None,
    ) -> tuple[Take | None, int]:
        taken: Take | None = None
        count = 0
        if bucket is not None:
            taken = await self.take(
                tenant_id,
                bucket.key,
                capacity=bucket.capacity,
                interval_ms=bucket.interval_ms,
                now_ms=_ms(now),
            )
        if attempt is not None and (taken is None or taken.allowed):
            count = await self.count_attempt(
                tenant_id,
                attempt.identifier,
                attempt.ip,
                connection=attempt.connection,
                max_attempts=attempt.max_attempts,
                now=now,
            )
        return taken, count

    async def settle_login(
        self,
        tenant_id: str,
        bucket_key: str | None,
        attempt: tuple[str, str] | None,
        session: AsyncSession | None = None,
    ) -> None:
        if bucket_key is not None:
            await self.give_back(tenant_id, bucket_key)
        if attempt is not None:
            await self.clear_attempts(tenant_id, attempt[0], attempt[1])


def _ms(moment: datetime) -> int:
    return math.floor(moment.astimezone(UTC).timestamp() * 1000)
