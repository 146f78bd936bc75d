"""Engine, sessions and the unit of work (DESIGN §4).

One unit of work per request: a route gets one ``AsyncSession`` whose transaction is committed
when the route returns and rolled back when it raises. Services flush, never commit. Security
side effects that must outlive an error response go through ``Database.independent``.

SQLite runs in WAL mode with foreign keys on; transactions that will write start with
``BEGIN IMMEDIATE`` so that concurrent writers queue on the busy timeout instead of failing on a
read-to-write lock upgrade. PostgreSQL is reached through asyncpg.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import MetaData, event
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.pool import ConnectionPoolEntry
from sqlalchemy.types import DateTime, TypeDecorator

from authgate.core.write_gate import WriteGate

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SQLITE_BUSY_TIMEOUT_MS = 10_000


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every engine (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _sqlite_engine(url: str, *, begin: str) -> AsyncEngine:
    engine = create_async_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql(begin)

    return engine


def ensure_sqlite_directory(url: str) -> None:
    """Create the directory of a file-based SQLite database."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(str(parsed.database)).parent.mkdir(parents=True, exist_ok=True)


class Database:
    """The engines of one deployment and the sessions they hand out."""

    def __init__(self, url: str, *, pool_size: int = 10) -> None:
        self.url = url
        parsed = make_url(url)
        self.dialect = parsed.get_backend_name()
        self._gate: WriteGate | None = None
        if self.dialect == "sqlite":
            ensure_sqlite_directory(url)
            if parsed.database not in (None, "", ":memory:"):
                self._gate = WriteGate(Path(f"{parsed.database}.write-lock"))
            self.engine = _sqlite_engine(url, begin="BEGIN")
            self._write_engine = _sqlite_engine(url, begin="BEGIN IMMEDIATE")
        else:
            self.engine = create_async_engine(
                url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True
            )
            self._write_engine = self.engine
        self._read = async_sessionmaker(self.engine, expire_on_commit=False, autoflush=True)
        self._write = async_sessionmaker(self._write_engine, expire_on_commit=False, autoflush=True)

    def sessionmaker(self, *, write: bool) -> async_sessionmaker[AsyncSession]:
        return self._write if write else self._read

    @asynccontextmanager
    async def unit_of_work(self, *, write: bool) -> AsyncIterator[AsyncSession]:
        """Commit on success, roll back on error, then run the session's after-commit hooks
        (after the transaction, and on SQLite after the write gate is released)."""
        info: dict[str, Any] = {}
        committed = False
        try:
            async with self._gated(write), self.sessionmaker(write=write)() as session:
                info = session.info
                try:
                    yield session
                    await session.commit()
                    committed = True
                except BaseException:
                    await session.rollback()
                    raise
        finally:
            if committed:
                await _run(info.pop("after_commit", []))
            await _run(info.pop("after_end", []))

    def _gated(self, write: bool) -> AbstractAsyncContextManager[None]:
        return self._gate.held() if write and self._gate is not None else nullcontext()

    @asynccontextmanager
    async def independent(self) -> AsyncIterator[AsyncSession]:
        """A separate transaction committed on its own: for side effects that must survive."""
        async with self.unit_of_work(write=True) as session:
            yield session

    async def ping(self) -> None:
        """Raise if the database cannot answer a trivial query."""
        async with self.engine.connect() as connection:
            await connection.exec_driver_sql("SELECT 1")

    async def dispose(self) -> None:
        if self._gate is not None:
            self._gate.close()
        await self.engine.dispose()
        if self._write_engine is not self.engine:
            await self._write_engine.dispose()


Hook = Callable[[], Coroutine[Any, Any, None]]


def after_commit(session: AsyncSession, hook: Hook) -> None:
    """Run ``hook`` once the session's transaction has committed (never on rollback)."""
    session.info.setdefault("after_commit", []).append(hook)


def after_end(session: AsyncSession, hook: Hook) -> None:
    """Run ``hook`` once the session's transaction is over, committed or rolled back.

    For side effects that must survive an error (DESIGN §4): they are written in their own
    transaction after this one, never inside it (SQLite has one writer at a time).
    """
    session.info.setdefault("after_end", []).append(hook)


async def _run(hooks: list[Hook]) -> None:
    for hook in hooks:
        await hook()
