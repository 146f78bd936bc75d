"""The imported breach corpus: a compact file of sorted SHA-1 prefixes, queried over mmap.

Format (``DATA_DIR/breached-passwords.bin``): the magic ``b"AGBRCH01"``, the entry count as an
unsigned 64-bit big-endian integer, then the first 8 bytes of the SHA-1 of each password,
sorted and without duplicates. Eight bytes make a false positive about one in 2^64 / N (for a
billion entries, one in 18 billion): far below what matters for refusing a password. A lookup is
a binary search: about 30 reads of 8 bytes for a billion entries.

``import_corpus`` reads the Pwned Passwords "SHA1:count" text format
(https://haveibeenpwned.com/Passwords) in chunks of ``chunk_size`` lines, sorts each chunk into a
temporary run file and merges the runs, so memory stays bounded whatever the input size; the
result replaces the previous file atomically (a failed import leaves it intact).
"""

from __future__ import annotations

import hashlib
import heapq
import mmap
import os
import struct
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

MAGIC = b"AGBRCH01"
HEADER = struct.Struct(">8sQ")
ENTRY = 8
FILE_NAME = "breached-passwords.bin"
DEFAULT_CHUNK = 2_000_000


@dataclass(frozen=True)
class ImportResult:
    entries: int
    skipped: int
    malformed: int
    size: int


def prefix_of(password: str) -> bytes:
    return hashlib.sha1(password.encode(), usedforsecurity=False).digest()[:ENTRY]


def _parse(line: str, min_count: int) -> bytes | bool | None:
    """The prefix of a ``HEX:count`` line; None for a malformed line, False for a rare one."""
    text = line.strip()
    if not text:
        return False
    digest, _, count = text.partition(":")
    if len(digest) != 40:
        return None
    try:
        raw = bytes.fromhex(digest)
        seen = int(count) if count else 1
    except ValueError:
        return None
    if seen < min_count:
        return False
    return raw[:ENTRY]


def _runs(
    lines: Iterable[str], directory: Path, chunk_size: int, min_count: int
) -> tuple[list[Path], int, int]:
    runs: list[Path] = []
    skipped = malformed = 0
    chunk: list[bytes] = []

    def flush() -> None:
        if not chunk:
            return
        chunk.sort()
        path = directory / f"run-{len(runs)}.bin"
        path.write_bytes(b"".join(chunk))
        runs.append(path)
        chunk.clear()

    for line in lines:
        parsed = _parse(line, min_count)
        if parsed is None:
            malformed += 1
        elif parsed is False:
            skipped += 1 if line.strip() else 0
        else:
            chunk.append(parsed)  # type: ignore[arg-type]
            if len(chunk) >= chunk_size:
                flush()
    flush()
    return runs, skipped, malformed


def _entries(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while block := handle.read(ENTRY * 8192):
            for offset in range(0, len(block), ENTRY):
                yield block[offset : offset + ENTRY]


def import_corpus(
    source: Iterable[str], data_dir: Path, *, min_count: int = 1, chunk_size: int = DEFAULT_CHUNK
) -> ImportResult:
    data_dir.mkdir(parents=True, exist_ok=True)
    target = data_dir / FILE_NAME
    with tempfile.TemporaryDirectory(dir=data_dir, prefix=".breached-") as work:
        runs, skipped, malformed = _runs(source, Path(work), chunk_size, min_count)
        partial = Path(work) / "merged.bin"
        count = 0
        with partial.open("wb") as out:
            out.write(HEADER.pack(MAGIC, 0))
            previous = b""
            for entry in heapq.merge(*(_entries(run) for run in runs)):
                if entry != previous:
                    out.write(entry)
                    count += 1
                    previous = entry
            out.seek(0)
            out.write(HEADER.pack(MAGIC, count))
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, target)
    return ImportResult(count, skipped, malformed, target.stat().st_size)


class PrefixFile:
    """The imported corpus, mapped once and re-opened when a new import replaces it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._map: mmap.mmap | None = None
        self._count = 0
        self._identity: tuple[int, int] | None = None

    def contains(self, prefix: bytes) -> bool:
        self._refresh()
        if self._map is None:
            return False
        low, high = 0, self._count
        while low < high:
            middle = (low + high) // 2
            start = HEADER.size + middle * ENTRY
            found = self._map[start : start + ENTRY]
            if found == prefix:
                return True
            if found < prefix:
                low = middle + 1
            else:
                high = middle
        return False

    def status(self) -> tuple[int, int] | None:
        """``(entries, bytes)`` of the imported corpus, None when there is none."""
        self._refresh()
        return (self._count, self.path.stat().st_size) if self._map is not None else None

    def _refresh(self) -> None:
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            self.close()
            return
        identity = (stat.st_ino, stat.st_mtime_ns)
        if identity == self._identity:
            return
        self.close()
        with self.path.open("rb") as handle:
            magic, count = HEADER.unpack(handle.read(HEADER.size))
            if magic != MAGIC or stat.st_size != HEADER.size + count * ENTRY:
                return
            self._map = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        self._count, self._identity = count, identity

    def close(self) -> None:
        if self._map is not None:
            self._map.close()
        self._map, self._count, self._identity = None, 0, None
