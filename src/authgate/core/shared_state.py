"""A few integers shared by the worker processes of one host, through a memory-mapped file.

Slot 0 counts configuration changes made on this host, so that a worker sees another worker's
change on its very next request (the cache check costs one memory read). Slot 1 holds the test
clock offset in milliseconds (only read when ``AUTHGATE_TESTING`` is on). Cross-node changes are
carried by Redis or by the version row in the database (``authgate.core.config_cache``).
"""

from __future__ import annotations

import fcntl
import mmap
import os
import struct
from pathlib import Path

SLOTS = 8
SLOT_FORMAT = "<q"
SLOT_SIZE = struct.calcsize(SLOT_FORMAT)
CONFIG_VERSION = 0
CLOCK_OFFSET_MS = 1


class SharedState:
    """Signed 64-bit slots in a file mapped by every worker of this host."""

    def __init__(self, path: Path | None) -> None:
        self._fd: int | None = None
        if path is None:
            self._map: mmap.mmap | bytearray = bytearray(SLOTS * SLOT_SIZE)
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        if os.fstat(fd).st_size < SLOTS * SLOT_SIZE:
            os.ftruncate(fd, SLOTS * SLOT_SIZE)
        self._fd = fd
        self._map = mmap.mmap(fd, SLOTS * SLOT_SIZE)

    def read(self, slot: int) -> int:
        value: int = struct.unpack_from(SLOT_FORMAT, self._map, slot * SLOT_SIZE)[0]
        return value

    def write(self, slot: int, value: int) -> None:
        struct.pack_into(SLOT_FORMAT, self._map, slot * SLOT_SIZE, value)

    def increment(self, slot: int) -> int:
        """Add one under an exclusive file lock, so concurrent workers never lose a change."""
        if self._fd is None:
            value = self.read(slot) + 1
            self.write(slot, value)
            return value
        fcntl.flock(self._fd, fcntl.LOCK_EX)
        try:
            value = self.read(slot) + 1
            self.write(slot, value)
            return value
        finally:
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        if isinstance(self._map, mmap.mmap):
            self._map.close()
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
