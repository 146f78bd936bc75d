"""One writer at a time on SQLite, queued instead of polling.

SQLite admits a single writer; a second ``BEGIN IMMEDIATE`` waits in SQLite's busy handler,
which sleeps in growing steps (up to 100 ms) and retries. Under concurrent writes from several
worker processes those sleeps, not the work, set the throughput. The gate queues writers
instead: an ``asyncio.Lock`` inside a process, then an exclusive ``flock`` on a file beside the
database across processes, taken in a thread so the event loop keeps running. The transaction
begins once both are held and finds the database free.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path


class WriteGate:
    def __init__(self, lock_path: Path) -> None:
        self._path = lock_path
        self._fd: int | None = None
        self._locks: dict[asyncio.AbstractEventLoop, asyncio.Lock] = {}
        self._owner: asyncio.Task[object] | None = None

    def _lock(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        lock = self._locks.get(loop)
        if lock is None:
            self._locks = {loop: (lock := asyncio.Lock())}  # one loop per process in practice
        return lock

    def _file(self) -> int:
        if self._fd is None:
            self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
        return self._fd

    @asynccontextmanager
    async def held(self) -> AsyncIterator[None]:
        task = asyncio.current_task()
        if task is not None and task is self._owner:
            raise RuntimeError("a write transaction inside another one would wait for itself")
        async with self._lock():
            self._owner = task
            fd = self._file()
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                await asyncio.to_thread(fcntl.flock, fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
                self._owner = None

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
