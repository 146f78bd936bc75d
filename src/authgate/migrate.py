"""Apply the Alembic migrations shipped in ``authgate/migrations`` (programmatic, no ini file).

On PostgreSQL the upgrade holds an advisory lock, so that several nodes starting together run
the migrations once; on SQLite the database's own write lock serializes them.
"""

from __future__ import annotations

import asyncio
import re
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import MetaData

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


def include_object(dialect: str) -> Callable[..., bool]:
    """Alembic's ``include_object`` hook for a database of ``dialect``: leaves out the indexes
    the models declare for another engine only (``Index(...).ddl_if(dialect=...)``), which
    autogenerate would otherwise compare with, or add to, every engine."""

    def include(obj: Any, _name: Any, _type: Any, _reflected: Any, _compare_to: Any) -> bool:
        return _for_engine(obj, dialect)

    return include


@contextmanager
def other_engines_ignored(metadata: MetaData, dialect: str) -> Iterator[None]:
    """Silence the warning Alembic gives on SQLite, before ``include_object`` runs, for each
    expression index it cannot reflect, about the indexes declared for another engine only."""
    with warnings.catch_warnings():
        for table in metadata.tables.values():
            for index in table.indexes:
                if not _for_engine(index, dialect):
                    warnings.filterwarnings(
                        "ignore", re.escape(f"{_SKIPPING} {index.name!r};"), UserWarning
                    )
        yield


_SKIPPING = "autogenerate skipping metadata-specified expression-based index"


def _for_engine(obj: Any, dialect: str) -> bool:
    condition = getattr(obj, "_ddl_if", None)  # set by ddl_if(), None without one
    return condition is None or condition.dialect in (None, dialect)


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
