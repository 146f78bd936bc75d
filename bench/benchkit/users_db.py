"""The database of ``bench/users.py``: a scratch SQLite file or a throwaway PostgreSQL database,
built by Authgate's own migrations and bootstrap, then filled with synthetic users.

SQLite is filled with SQLAlchemy Core ``executemany`` in large batches (one transaction each);
PostgreSQL with asyncpg's binary ``COPY`` (``copy_records_to_table``). The indexes the
migrations create stay in place while rows go in, as they would in a live table. Afterwards
SQLite gets ``ANALYZE`` and a WAL checkpoint; PostgreSQL ``VACUUM (ANALYZE)``, so that the
planner has statistics and autovacuum does not start on the fresh rows in mid-measurement.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy import Engine, create_engine, event, func, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from authgate.bootstrap import bootstrap
from authgate.connections.models import Connection
from authgate.migrate import upgrade_async
from authgate.services import build_services
from authgate.settings import Settings
from authgate.users.models import User
from benchkit.procs import SetupError
from benchkit.users_data import UserFactory
from benchkit.users_queries import Sample

ISSUER = "http://127.0.0.1:9/"
SECRET_KEY = "bench-" + "k" * 40
BOOTSTRAP_CLIENT_ID = "benchUsersBootstrap0000000000000"
BOOTSTRAP_CLIENT_SECRET = "bench-users-bootstrap-" + "s" * 42
DEFAULT_CONNECTION = "Username-Password-Authentication"
SQLITE_BATCH = 20_000
COPY_BATCH = 50_000
COLUMNS = tuple(column.name for column in User.__table__.columns)
JSON_COLUMNS = frozenset({"user_metadata", "app_metadata"})
USERS = User.metadata.tables["users"]


def settings_for(database_url: str, data_dir: Path) -> Settings:
    """Authgate's settings for the bench: bootstrap credentials known in advance, no Redis."""
    return Settings(
        data_dir=data_dir,
        database_url=database_url,
        issuer=ISSUER,
        secret_key=SECRET_KEY,
        bootstrap_client_id=BOOTSTRAP_CLIENT_ID,
        bootstrap_client_secret=BOOTSTRAP_CLIENT_SECRET,
        access_log=False,
        redis_url=None,
        env="development",
        testing=False,
    )


# -- the database itself --------------------------------------------------------------------


@contextmanager
def scratch_database(server_url: str | None, scratch: Path, *, keep: bool) -> Iterator[str]:
    """Yield the URL of a new, empty database: ``scratch/users.db``, or with ``server_url`` a
    database ``authgate_users_<random>`` on that PostgreSQL server. It is deleted afterwards
    unless ``keep``."""
    if server_url is None:
        path = scratch / "users.db"
        try:
            yield f"sqlite+aiosqlite:///{path}"
        finally:
            if not keep:
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    url = make_url(server_url)
    if url.get_backend_name() != "postgresql":
        raise SetupError(f"--database-url must be a postgresql URL, not {server_url!r}")
    admin = asyncpg_dsn(url.set(database=url.database or "postgres").render_as_string(False))
    name = f"authgate_users_{secrets.token_hex(4)}"
    _admin(admin, f'CREATE DATABASE "{name}"')
    try:
        yield url.set(drivername="postgresql+asyncpg", database=name).render_as_string(False)
    finally:
        if not keep:
            _admin(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def asyncpg_dsn(database_url: str) -> str:
    return make_url(database_url).set(drivername="postgresql").render_as_string(False)


def _admin(dsn: str, statement: str) -> None:
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


# -- schema and bootstrap -------------------------------------------------------------------


@dataclass(frozen=True)
class Home:
    """Where the seeded users live: the default tenant and its database connection."""

    tenant_id: str
    connection_id: str


async def build(database_url: str, data_dir: Path) -> Home:
    """Run the migrations and the bootstrap, as ``authgate serve`` does on a first start."""
    await upgrade_async(database_url)
    services = build_services(settings_for(database_url, data_dir))
    try:
        result = await bootstrap(services)
        async with services.db.unit_of_work(write=False) as session:
            connection_id = await session.scalar(
                select(Connection.id).where(
                    Connection.tenant_id == result.tenant.id,
                    Connection.name == DEFAULT_CONNECTION,
                )
            )
    finally:
        await services.db.dispose()
        services.shared.close()
    if connection_id is None:
        raise SetupError(f"the bootstrap made no {DEFAULT_CONNECTION} connection")
    return Home(result.tenant.id, connection_id)


# -- seeding --------------------------------------------------------------------------------


async def seed(database_url: str, factory: UserFactory) -> None:
    """Insert the factory's users, then refresh the planner's statistics."""
    if make_url(database_url).get_backend_name() == "sqlite":
        await asyncio.to_thread(_seed_sqlite, database_url, factory)
    else:
        await _seed_postgresql(database_url, factory)


def _sqlite_engine(database_url: str) -> Engine:
    engine = create_engine(make_url(database_url).set(drivername="sqlite"))

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=OFF")  # a scratch file: speed over durability
        cursor.execute("PRAGMA cache_size=-1000000")  # 1 GB: the indexes stay in memory
        cursor.close()

    return engine


def _seed_sqlite(database_url: str, factory: UserFactory) -> None:
    engine = _sqlite_engine(database_url)
    progress = _Progress(factory.count)
    try:
        for batch in factory.batches(SQLITE_BATCH):
            with engine.begin() as connection:
                connection.execute(insert(USERS), batch)
            progress.add(len(batch))
        progress.phase("ANALYZE")
        with engine.connect() as connection:
            connection.exec_driver_sql("ANALYZE")
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            connection.commit()
    finally:
        engine.dispose()
    progress.done()


async def _seed_postgresql(database_url: str, factory: UserFactory) -> None:
    connection = await asyncpg.connect(asyncpg_dsn(database_url))
    progress = _Progress(factory.count)
    try:
        for batch in factory.batches(COPY_BATCH):
            records = [_record(row) for row in batch]
            await connection.copy_records_to_table("users", records=records, columns=COLUMNS)
            progress.add(len(batch))
        progress.phase("VACUUM (ANALYZE)")
        await connection.execute("VACUUM (ANALYZE) users")
    finally:
        await connection.close()
    progress.done()


def _record(row: dict[str, Any]) -> tuple[Any, ...]:
    """A row in ``COLUMNS`` order; metadata as JSON text (asyncpg's jsonb codec takes text)."""
    return tuple(json.dumps(row[c]) if c in JSON_COLUMNS else row[c] for c in COLUMNS)


class _Progress:
    def __init__(self, total: int) -> None:
        self.total = total
        self.done_rows = 0
        self.started = time.perf_counter()
        self._step = max(total // 10, 1)
        self._next = self._step

    def add(self, rows: int) -> None:
        self.done_rows += rows
        if self.done_rows >= self._next or self.done_rows == self.total:
            elapsed = time.perf_counter() - self.started
            print(f"  {self.done_rows:>10,} users  {elapsed:7.1f} s", flush=True)
            self._next += self._step

    def phase(self, name: str) -> None:
        print(f"  {name} ...", flush=True)

    def done(self) -> None:
        print(f"  done in {time.perf_counter() - self.started:.1f} s", flush=True)


# -- what the queries draw from -------------------------------------------------------------


@dataclass(frozen=True)
class Contents:
    users: int
    samples: list[Sample]
    server: str


async def contents(database_url: str, sample_size: int) -> Contents:
    """How many users there are, ``sample_size`` of them picked at random, and the server's
    name and version."""
    engine = create_async_engine(database_url)
    columns = (
        USERS.c.user_id,
        USERS.c.email,
        USERS.c.given_name,
        USERS.c.family_name,
        USERS.c.created_at,
        USERS.c.app_metadata,
    )
    try:
        async with engine.connect() as connection:
            count = int(await connection.scalar(select(func.count()).select_from(USERS)) or 0)
            rows = await connection.execute(
                select(*columns)
                .where(USERS.c.email.is_not(None))
                .order_by(func.random())
                .limit(sample_size)
            )
            samples = [
                Sample(
                    user_id=row.user_id,
                    email=row.email,
                    given_name=row.given_name,
                    family_name=row.family_name,
                    created_at=row.created_at,
                    plan=str(row.app_metadata.get("plan", "free")),
                )
                for row in rows
            ]
            server = await _server(connection.dialect.name, connection)
    finally:
        await engine.dispose()
    return Contents(count, samples, server)


async def _server(dialect: str, connection: Any) -> str:
    if dialect == "sqlite":
        return f"SQLite {await connection.scalar(text('SELECT sqlite_version()'))}"
    return f"PostgreSQL {await connection.scalar(text('SHOW server_version'))}"


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)
