"""SQLite writers queue at the write gate instead of sleeping in SQLite's busy handler."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import text

from authgate.db import Database


async def test_writers_of_two_engines_take_turns(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'gate.db'}"
    first, second = Database(url), Database(url)  # as two worker processes would
    try:
        async with first.unit_of_work(write=True) as session:
            await session.execute(text("CREATE TABLE counter (n INTEGER)"))
            await session.execute(text("INSERT INTO counter VALUES (0)"))

        async def bump(db: Database) -> None:
            async with db.unit_of_work(write=True) as session:
                n = (await session.execute(text("SELECT n FROM counter"))).scalar_one()
                await asyncio.sleep(0.001)  # a read-modify-write that interleaving would break
                await session.execute(text("UPDATE counter SET n = :n"), {"n": n + 1})

        await asyncio.gather(*(bump(db) for db in [first, second] * 25))
        async with first.unit_of_work(write=False) as session:
            assert (await session.execute(text("SELECT n FROM counter"))).scalar_one() == 50
    finally:
        await first.dispose()
        await second.dispose()


async def test_a_write_inside_a_write_fails_at_once(tmp_path: Path) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'nested.db'}")
    try:
        async with db.unit_of_work(write=True):
            with pytest.raises(RuntimeError, match="inside another"):
                async with db.unit_of_work(write=True):
                    pass
    finally:
        await db.dispose()
