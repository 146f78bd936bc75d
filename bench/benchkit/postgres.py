"""A throwaway PostgreSQL database for running Authgate on PostgreSQL."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import asyncpg  # type: ignore[import-untyped]

from benchkit.procs import SetupError


@contextmanager
def fresh_database(server_url: str) -> Iterator[str]:
    """Create ``authgate_bench_<random>`` on the server of ``server_url``, yield Authgate's URL
    for it (``postgresql+asyncpg://.../authgate_bench_<random>``) and drop it afterwards."""
    parts = urlsplit(server_url)
    if not parts.scheme.startswith("postgresql"):
        raise SetupError(f"--database-url must be a postgresql URL, not {server_url!r}")
    admin_path = parts.path if parts.path not in ("", "/") else "/postgres"
    admin_dsn = urlunsplit(("postgresql", parts.netloc, admin_path, "", ""))
    name = f"authgate_bench_{secrets.token_hex(4)}"
    _execute(admin_dsn, f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(("postgresql+asyncpg", parts.netloc, f"/{name}", parts.query, ""))
    finally:
        _execute(admin_dsn, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _execute(dsn: str, statement: str) -> None:
    async def run() -> None:
        connection = await asyncpg.connect(dsn)
        try:
            await connection.execute(statement)
        finally:
            await connection.close()

    try:
        asyncio.run(run())
    except (OSError, asyncpg.PostgresError) as exc:
        raise SetupError(f"PostgreSQL: {statement}: {exc}") from exc
