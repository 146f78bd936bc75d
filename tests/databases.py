"""Test databases: one migrated and bootstrapped template per backend, copied for each test.

SQLite templates are copied as files; PostgreSQL ones with ``CREATE DATABASE ... TEMPLATE``.
Every test therefore starts from a database built by the real migrations and the real
bootstrap, and never sees another test's rows.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

from authgate.bootstrap import bootstrap
from authgate.migrate import upgrade
from authgate.services import build_services
from authgate.settings import Settings

TEST_SECRET_KEY = "authgate-test-master-key-0123456789-abcdefghij"
BOOTSTRAP_CLIENT_ID = "bootstrapTestClient0000000000000"
BOOTSTRAP_CLIENT_SECRET = "bootstrap-test-secret-" + "x" * 42
ISSUER = "http://authgate.test/"
PG_ENV = "AUTHGATE_TEST_DATABASE_URL"
REDIS_ENV = "AUTHGATE_TEST_REDIS_URL"


def backends() -> list[str]:
    return ["sqlite", "postgresql"] if os.environ.get(PG_ENV) else ["sqlite"]


def base_settings(data_dir: Path, database_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "data_dir": data_dir,
        "database_url": database_url,
        "issuer": ISSUER,
        "secret_key": TEST_SECRET_KEY,
        "bootstrap_client_id": BOOTSTRAP_CLIENT_ID,
        "bootstrap_client_secret": BOOTSTRAP_CLIENT_SECRET,
        "access_log": False,
        "config_poll_seconds": 0.2,
        "redis_url": None,
        "env": "development",
        "testing": False,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


def _admin_dsn() -> str:
    url = make_url(os.environ[PG_ENV])
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _database_url(name: str) -> str:
    url = make_url(os.environ[PG_ENV]).set(database=name)
    return url.render_as_string(hide_password=False)


async def _pg(statement: str) -> None:
    connection = await asyncpg.connect(_admin_dsn())
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


async def bootstrap_database(url: str, data_dir: Path) -> None:
    services = build_services(base_settings(data_dir, url))
    try:
        await bootstrap(services)
    finally:
        await services.db.dispose()
        services.shared.close()


class DatabaseFactory:
    def __init__(self, backend: str, root: Path) -> None:
        self.backend = backend
        self.root = root
        self._template: str | None = None

    def _build_template(self) -> str:
        data_dir = self.root / "template-data"
        if self.backend == "sqlite":
            path = self.root / "template.db"
            url = f"sqlite+aiosqlite:///{path}"
            upgrade(url)
            asyncio.run(bootstrap_database(url, data_dir))
            return str(path)
        name = f"authgate_tmpl_{uuid.uuid4().hex[:12]}"
        asyncio.run(_pg(f'CREATE DATABASE "{name}"'))
        url = _database_url(name)
        upgrade(url)
        asyncio.run(bootstrap_database(url, data_dir))
        return name

    def new(self) -> str:
        """The URL of a fresh copy of the template."""
        if self._template is None:
            self._template = self._build_template()
        if self.backend == "sqlite":
            path = self.root / f"test-{uuid.uuid4().hex[:12]}.db"
            shutil.copyfile(self._template, path)
            return f"sqlite+aiosqlite:///{path}"
        name = f"authgate_test_{uuid.uuid4().hex[:12]}"
        asyncio.run(_pg(f'CREATE DATABASE "{name}" TEMPLATE "{self._template}"'))
        return _database_url(name)

    def empty(self) -> str:
        """The URL of a new database with no schema at all."""
        if self.backend == "sqlite":
            return f"sqlite+aiosqlite:///{self.root / f'empty-{uuid.uuid4().hex[:12]}.db'}"
        name = f"authgate_test_{uuid.uuid4().hex[:12]}"
        asyncio.run(_pg(f'CREATE DATABASE "{name}"'))
        return _database_url(name)

    def drop(self, url: str) -> None:
        parsed = make_url(url)
        if self.backend == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                Path(f"{parsed.database}{suffix}").unlink(missing_ok=True)
            return
        asyncio.run(_pg(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))

    def close(self) -> None:
        if self.backend == "postgresql" and self._template is not None:
            asyncio.run(_pg(f'DROP DATABASE IF EXISTS "{self._template}" WITH (FORCE)'))
