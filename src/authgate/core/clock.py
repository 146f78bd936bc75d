"""Injected time (STYLE §8): every expiry and lockout decision reads a ``Clock``."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    def time(self) -> float:
        """Seconds since the epoch."""
        ...

    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        ...


class SystemClock:
    """Wall-clock time, optionally shifted by an offset read on each call (test hook)."""

    def __init__(self, offset: Callable[[], float] | None = None) -> None:
        self._offset = offset

    def time(self) -> float:
        base = time.time()
        return base + self._offset() if self._offset is not None else base

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.time(), UTC)


class FrozenClock:
    """A clock that only moves when told to; for unit tests."""

    def __init__(self, at: float) -> None:
        self._at = at

    def time(self) -> float:
        return self._at

    def now(self) -> datetime:
        return datetime.fromtimestamp(self._at, UTC)

    def advance(self, seconds: float) -> None:
        self._at += seconds
