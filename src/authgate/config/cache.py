"""The per-process configuration cache and how its entries are invalidated (DESIGN §5).

Hot paths (the token endpoint, JWKS, discovery, Management API token checks) read tenants,
clients, APIs, client grants and signing keys from here, so a warm client-credentials request
makes no database round trip at all. Every configuration write calls ``changed(session)`` in its
transaction: it bumps the version row and, once committed, announces the change

- to the other workers of this host through the shared memory-mapped counter, which every
  lookup compares at the cost of one memory read (so the next request anywhere on the host sees
  the change);
- to other nodes through Redis pub/sub when ``AUTHGATE_REDIS_URL`` is set;
- and, as the backstop for nodes without Redis, each worker re-reads the version row every
  ``config_poll_seconds``.

Entries are loaded on demand with a short read transaction and kept in a bounded LRU, negative
answers included (an unknown client id is remembered as unknown until the next change).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from authgate.config import repository
from authgate.core.shared_state import CONFIG_VERSION, SharedState
from authgate.db import Database, after_commit

T = TypeVar("T")
log = logging.getLogger("authgate.config")

REDIS_CHANNEL = "authgate:config"
MAX_ENTRIES = 20_000
_MISSING = object()


class ConfigCache:
    def __init__(
        self,
        db: Database,
        shared: SharedState,
        *,
        poll_seconds: float,
        redis: Any | None = None,
    ) -> None:
        self._db = db
        self._shared = shared
        self._poll_seconds = poll_seconds
        self._redis = redis
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._generation = 0
        self._seen_local = shared.read(CONFIG_VERSION)
        self._seen_db: int | None = None
        self._tasks: list[asyncio.Task[None]] = []

    # -- reading ---------------------------------------------------------------------------

    async def get(self, key: Hashable, load: Callable[[AsyncSession], Awaitable[T]]) -> T:
        """The cached value for ``key``, loaded with ``load`` in a read transaction on a miss."""
        self._check_local()
        value = self._entries.get(key, _MISSING)
        if value is not _MISSING:
            self._entries.move_to_end(key)
            return value  # type: ignore[no-any-return]
        generation = self._generation
        async with self._db.unit_of_work(write=False) as session:
            loaded = await load(session)
        self._check_local()
        if generation == self._generation:
            self._entries[key] = loaded
            if len(self._entries) > MAX_ENTRIES:
                self._entries.popitem(last=False)
        return loaded

    def clear(self) -> None:
        self._entries.clear()
        self._generation += 1

    def _check_local(self) -> None:
        seen = self._shared.read(CONFIG_VERSION)
        if seen != self._seen_local:
            self._seen_local = seen
            self.clear()

    # -- writing ---------------------------------------------------------------------------

    async def changed(self, session: AsyncSession) -> None:
        """Record a configuration change in this transaction; announce it after commit."""
        version = await repository.bump_version(session)

        async def announce() -> None:
            await self._announce(version)

        after_commit(session, announce)

    async def _announce(self, version: int) -> None:
        self._seen_local = self._shared.increment(CONFIG_VERSION)
        self._seen_db = max(self._seen_db or 0, version)
        self.clear()
        if self._redis is not None:
            try:
                await self._redis.publish(REDIS_CHANNEL, "changed")
            except Exception:  # the version poll still carries the change
                log.warning("could not publish a configuration change to Redis", exc_info=True)

    # -- background listeners --------------------------------------------------------------

    async def start(self) -> None:
        self._tasks.append(asyncio.create_task(self._poll_database()))
        if self._redis is not None:
            self._tasks.append(asyncio.create_task(self._listen_redis()))

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()

    async def poll_once(self) -> None:
        async with self._db.unit_of_work(write=False) as session:
            version = await repository.read_version(session)
        # versions only grow: a poll that read the version before this node's own change was
        # announced returns an older one, which must not clear the cache again
        if self._seen_db is not None and version > self._seen_db:
            self.clear()
        self._seen_db = version if self._seen_db is None else max(self._seen_db, version)

    async def _poll_database(self) -> None:
        while True:
            try:
                await self.poll_once()
            except Exception:
                log.warning("configuration version poll failed", exc_info=True)
            await asyncio.sleep(self._poll_seconds)

    async def _listen_redis(self) -> None:
        while True:
            try:
                pubsub = self._redis.pubsub()  # type: ignore[union-attr]
                await pubsub.subscribe(REDIS_CHANNEL)
                async for message in pubsub.listen():
                    if message.get("type") == "message":
                        self.clear()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("Redis configuration channel lost; retrying", exc_info=True)
                await asyncio.sleep(1.0)
