"""Work that runs after the response, tracked so that shutdown waits for it.

For steps whose duration must not show in the response time (a password reset request does
the same visible work whether or not the user exists) and that need not survive a crash.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

log = logging.getLogger("authgate.background")
DRAIN_SECONDS = 10.0


class Background:
    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[None]] = set()

    def spawn(self, work: Callable[[], Coroutine[Any, Any, None]], name: str) -> None:
        task = asyncio.create_task(self._guarded(work, name), name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @staticmethod
    async def _guarded(work: Callable[[], Coroutine[Any, Any, None]], name: str) -> None:
        try:
            await work()
        except Exception:
            log.exception("background work %s failed", name)

    async def drain(self) -> None:
        """Wait for the work in flight (bounded), for tests and for a graceful shutdown."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=DRAIN_SECONDS)
