"""Apply the Alembic migrations shipped in ``authgate/migrations`` (programmatic, no ini file).

On PostgreSQL the upgrade holds an advisory lock, so that several nodes starting together run
the migrations once; on SQLite the database's own write lock serializes them.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config

from authgate.db import ensure_sqlite_directory

MIGRATIONS = Path(__file__).parent / "migrations"
FILE_TEMPLATE = "%%(year)d%%(month).2d%%(day).2d_%%(slug)s"


def alembic_config(url: str) -> Config:
    ensure_sqlite_directory(url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("file_template", FILE_TEMPLATE)
    config.attributes["database_url"] = url
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at ``url`` to ``revision``; safe to call from a running event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        command.upgrade(alembic_config(url), revision)
        return
    raise RuntimeError("use upgrade_async from inside an event loop")


async def upgrade_async(url: str, revision: str = "head") -> None:
    await asyncio.to_thread(command.upgrade, alembic_config(url), revision)
