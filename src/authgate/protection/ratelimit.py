"""Token-bucket rate limits (reference §3.4: "bucket size = burst, refill = sustained rate").

In Redis when ``AUTHGATE_REDIS_URL`` is set, so every node shares one budget; otherwise in the
worker's memory (a budget per worker process: with N workers a caller gets up to N times the
burst). Both are exact for the requests they see. Answers carry what the ``X-RateLimit-*``
headers report: the burst, the tokens left and when the bucket is full again (Unix seconds).
"""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass
from typing import Protocol

from authgate.core.clock import Clock
from authgate.protection.store import Take

MAX_BUCKETS = 100_000


@dataclass(frozen=True)
class Decision:
    allowed: bool
    limit: int
    remaining: int
    reset: int
    """Unix time (seconds) at which the bucket is full again."""

    def headers(self) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(self.reset),
        }

    def raw_headers(self) -> list[tuple[bytes, bytes]]:
        """The headers as an ASGI response start carries them."""
        return [
            (b"x-ratelimit-limit", str(self.limit).encode()),
            (b"x-ratelimit-remaining", str(self.remaining).encode()),
            (b"x-ratelimit-reset", str(self.reset).encode()),
        ]


class BucketStore(Protocol):
    async def take(
        self, tenant_id: str, key: str, *, capacity: int, interval_ms: int, now_ms: int
    ) -> Take: ...


class MemoryBuckets:
    """Buckets of one process, the least recently used forgotten beyond ``MAX_BUCKETS``."""

    def __init__(self, max_buckets: int = MAX_BUCKETS) -> None:
        self._buckets: OrderedDict[tuple[str, str], tuple[float, int]] = OrderedDict()
        self._max = max_buckets

    async def take(
        self, tenant_id: str, key: str, *, capacity: int, interval_ms: int, now_ms: int
    ) -> Take:
        name = (tenant_id, key)
        spent, at = self._buckets.pop(name, (0.0, now_ms))
        level = max(0.0, spent - (now_ms - at) / interval_ms)
        allowed = level + 1 <= capacity
        if allowed:
            level += 1
        self._buckets[name] = (level, now_ms)
        if len(self._buckets) > self._max:
            self._buckets.popitem(last=False)
        return Take(allowed, level)


class RateLimiter:
    def __init__(self, store: BucketStore, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    async def take(self, tenant_id: str, key: str, *, burst: int, interval_ms: int) -> Decision:
        now_ms = int(self._clock.time() * 1000)
        taken = await self._store.take(
            tenant_id, f"rl:{key}", capacity=burst, interval_ms=interval_ms, now_ms=now_ms
        )
        remaining = max(0, math.floor(burst - taken.spent))
        reset = math.ceil((now_ms + taken.spent * interval_ms) / 1000)
        return Decision(taken.allowed, burst, remaining, reset)
