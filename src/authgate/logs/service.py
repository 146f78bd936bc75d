"""Writing and reading the tenant log (Auth0 log events, reference §2.3 "Log event", §4).

Three ways to record, by what the event is worth:

- ``add(session, ...)`` writes in the caller's transaction: the event exists exactly when the
  change it describes was committed (signups, password changes, Management API writes);
- ``record_now(...)`` commits at once in its own transaction, before the response: failures
  and security events that must survive whatever happens next;
- ``record(...)`` queues high-volume success events (token exchanges, logins) that a background
  task writes in batches, so they add no database round trip to a hot path. Queued events are
  flushed on shutdown; a crash can lose the last half second of them.

Events older than the retention period are purged in the background.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import os
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from authgate.core.clock import Clock
from authgate.db import Database, after_end
from authgate.logs import repository
from authgate.logs.codes import DESCRIPTIONS
from authgate.logs.models import LogEvent

log = logging.getLogger("authgate.logs")
MAX_QUEUE = 50_000


@dataclass
class Event:
    type: str
    description: str | None = None
    client_id: str | None = None
    client_name: str | None = None
    connection: str | None = None
    connection_id: str | None = None
    user_id: str | None = None
    user_name: str | None = None
    ip: str | None = None
    user_agent: str | None = None
    audience: str | None = None
    scope: str | None = None
    strategy: str | None = None
    strategy_type: str | None = None
    details: dict[str, Any] = field(default_factory=dict)


class LogService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        *,
        retention_days: int,
        flush_seconds: float = 0.5,
        batch_size: int = 500,
    ) -> None:
        self._db = db
        self._clock = clock
        self._retention = timedelta(days=retention_days)
        self._flush_seconds = flush_seconds
        self._batch_size = batch_size
        self._queue: list[dict[str, Any]] = []
        self._flushing = asyncio.Lock()
        self._wake = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._sequence = itertools.count()
        self._node = int.from_bytes(os.urandom(3), "big")

    # -- recording -------------------------------------------------------------------------

    def new_id(self) -> str:
        """Sortable by time: microseconds, then a per-process tag and sequence."""
        micros = int(self._clock.time() * 1_000_000)
        return f"{micros:017d}{self._node:06x}{next(self._sequence) % 0x10000:04x}"

    def build(self, tenant_id: str, hostname: str | None, event: Event) -> LogEvent:
        return LogEvent(**self.row(tenant_id, hostname, event))

    def row(self, tenant_id: str, hostname: str | None, event: Event) -> dict[str, Any]:
        """The columns for ``event``; caller-supplied strings are clipped to their sizes."""
        return {
            "log_id": self.new_id(),
            "tenant_id": tenant_id,
            "date": self._clock.now(),
            "type": event.type,
            "description": _clip(event.description or DESCRIPTIONS.get(event.type), 2000),
            "connection": _clip(event.connection, 128),
            "connection_id": _clip(event.connection_id, 32),
            "client_id": _clip(event.client_id, 64),
            "client_name": _clip(event.client_name, 255),
            "ip": _clip(event.ip, 64),
            "hostname": _clip(hostname, 255),
            "user_id": _clip(event.user_id, 320),
            "user_name": _clip(event.user_name, 320),
            "audience": _clip(event.audience, 600),
            "scope": _clip(event.scope, 4000),
            "strategy": _clip(event.strategy, 64),
            "strategy_type": _clip(event.strategy_type, 32),
            "user_agent": _clip(event.user_agent, 512),
            "is_mobile": False,
            "details": event.details,
        }

    def add(
        self, session: AsyncSession, tenant_id: str, hostname: str | None, event: Event
    ) -> None:
        session.add(self.build(tenant_id, hostname, event))

    async def record_now(self, tenant_id: str, hostname: str | None, event: Event) -> None:
        async with self._db.independent() as session:
            session.add(self.build(tenant_id, hostname, event))

    def record_after(
        self, session: AsyncSession, tenant_id: str, hostname: str | None, event: Event
    ) -> None:
        """Write ``event`` durably once ``session``'s transaction is over, whatever its fate."""

        async def write() -> None:
            await self.record_now(tenant_id, hostname, event)

        after_end(session, write)

    def record(self, tenant_id: str, hostname: str | None, event: Event) -> None:
        if len(self._queue) >= MAX_QUEUE:
            log.warning("log queue full; dropping a success event")
            return
        self._queue.append(self.row(tenant_id, hostname, event))
        if len(self._queue) >= self._batch_size:
            self._wake.set()

    async def flush(self) -> None:
        """Write the queued events; when it returns, every event recorded before the call is
        written, including those a concurrent flush (the background flusher) had taken."""
        async with self._flushing:
            await self._flush()

    async def _flush(self) -> None:
        while self._queue:
            batch, self._queue = self._queue[: self._batch_size], self._queue[self._batch_size :]
            try:
                async with self._db.independent() as session:
                    await session.execute(insert(LogEvent), batch)
            except Exception:
                log.exception("could not write %d log events", len(batch))

    # -- background ------------------------------------------------------------------------

    async def start(self) -> None:
        self._tasks.append(asyncio.create_task(self._flusher()))
        self._tasks.append(asyncio.create_task(self._purger()))

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
        await self.flush()

    async def _flusher(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self._flush_seconds)
            self._wake.clear()
            await self.flush()

    async def purge(self) -> int:
        cutoff = self._clock.now() - self._retention
        async with self._db.independent() as session:
            return await repository.purge_before(session, cutoff)

    async def _purger(self) -> None:
        while True:
            try:
                removed = await self.purge()
                if removed:
                    log.info({"event": "log_retention", "removed": removed})
            except Exception:
                log.warning("log retention purge failed", exc_info=True)
            await asyncio.sleep(3600)


def _clip(value: str | None, size: int) -> str | None:
    return value[:size] if value else None
