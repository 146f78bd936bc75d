"""The schema the migrations build is exactly the one the models describe."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import JSON, Boolean, Integer, column, table, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from authgate.db import UTCDateTime
from authgate.migrate import include_object, other_engines_ignored, upgrade
from authgate.models import Base
from authgate.users.models import Metadata
from authgate.users.service import email_domain
from tests.databases import DatabaseFactory


def _diff(connection: Connection) -> list[Any]:
    dialect = connection.dialect.name
    opts = {"compare_type": True, "include_object": include_object(dialect)}
    context = MigrationContext.configure(connection, opts=opts)
    with other_engines_ignored(Base.metadata, dialect):
        return list(compare_metadata(context, Base.metadata))


async def test_migrated_schema_equals_models(database_url: str) -> None:
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as connection:
            differences = await connection.run_sync(_diff)
    finally:
        await engine.dispose()
    assert differences == []


_INDEXES = {
    "sqlite": "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL",
    "postgresql": "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()"
    " AND tablename != 'alembic_version'",
}


async def _index_definitions(url: str, *, create: bool = False) -> dict[str, str]:
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            if create:
                await connection.run_sync(Base.metadata.create_all)
            rows = await connection.execute(text(_INDEXES[connection.dialect.name]))
            return {name: " ".join(definition.split()) for name, definition in rows}
    finally:
        await engine.dispose()


@pytest.fixture
def empty_database(backend: str, database_factories: dict[str, DatabaseFactory]) -> Iterator[str]:
    factory = database_factories[backend]
    url = factory.empty()
    yield url
    factory.drop(url)


async def test_migrated_indexes_equal_those_the_models_create(
    database_url: str, empty_database: str
) -> None:
    """Index by index, as the database itself spells them: what autogenerate does not compare
    (expressions and collations on SQLite, operator classes and INCLUDE on PostgreSQL)."""
    expected = await _index_definitions(empty_database, create=True)
    assert "ix_users_tenant_id_email_domain_created_at_id" in expected
    assert await _index_definitions(database_url) == expected


async def test_config_version_row_exists(database_url: str) -> None:
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as connection:
            rows = (await connection.execute(text("SELECT id FROM config_state"))).all()
    finally:
        await engine.dispose()
    assert [row[0] for row in rows] == [1]


# -- data migrations ------------------------------------------------------------------------

# Rows are written with the columns of revision 0004, not through today's models (which may
# have columns that revision does not have yet).
TENANTS_0004 = table(
    "tenants",
    *(column(name) for name in ("id", "name", "issuer")),
    column("settings", JSON),
    column("is_default", Boolean),
    column("created_at", UTCDateTime()),
    column("updated_at", UTCDateTime()),
)
CONNECTIONS_0004 = table(
    "connections",
    *(column(name) for name in ("id", "tenant_id", "name", "strategy")),
    *(column(name, JSON) for name in ("options", "realms", "metadata")),
    column("is_domain_connection", Boolean),
    column("show_as_button", Boolean),
    column("created_at", UTCDateTime()),
    column("updated_at", UTCDateTime()),
)
USERS_0004 = table(
    "users",
    *(column(name) for name in ("id", "tenant_id", "connection_id", "user_id", "email_key")),
    *(column(name, Boolean) for name in ("email_verified", "phone_verified", "blocked")),
    column("logins_count", Integer),
    column("user_metadata", Metadata),
    column("app_metadata", Metadata),
    column("created_at", UTCDateTime()),
    column("updated_at", UTCDateTime()),
)
EMAIL_DOMAINS = {
    "ada@example.com": "example.com",
    "odd@local@sub.example.org": "sub.example.org",
    "zoë@bücher.de": "bücher.de",
    "trailing@": "",
    "no-at-sign": None,
    None: None,
}


async def _users_at_0004(url: str) -> None:
    engine = create_async_engine(url)
    now = datetime.now(UTC)
    tenant_id, connection_id = "tenant0004", "connection0004"
    try:
        async with engine.begin() as connection:
            await connection.execute(
                TENANTS_0004.insert(),
                [
                    {
                        "id": tenant_id,
                        "name": "default",
                        "issuer": "http://authgate.test/",
                        "settings": {},
                        "is_default": True,
                        "created_at": now,
                        "updated_at": now,
                    }
                ],
            )
            await connection.execute(
                CONNECTIONS_0004.insert(),
                [
                    {
                        "id": connection_id,
                        "tenant_id": tenant_id,
                        "name": "Username-Password-Authentication",
                        "strategy": "auth0",
                        "options": {},
                        "realms": ["Username-Password-Authentication"],
                        "metadata": {},
                        "is_domain_connection": False,
                        "show_as_button": False,
                        "created_at": now,
                        "updated_at": now,
                    }
                ],
            )
            rows = [
                {
                    "id": f"user{n}",
                    "tenant_id": tenant_id,
                    "connection_id": connection_id,
                    "user_id": f"auth0|{n}",
                    "email_key": key,
                    "email_verified": False,
                    "phone_verified": False,
                    "blocked": False,
                    "logins_count": 0,
                    "user_metadata": {},
                    "app_metadata": {},
                    "created_at": now,
                    "updated_at": now,
                }
                for n, key in enumerate(EMAIL_DOMAINS)
            ]
            await connection.execute(USERS_0004.insert(), rows)
    finally:
        await engine.dispose()


async def _email_domains(url: str) -> dict[str | None, str | None]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(text("SELECT email_key, email_domain FROM users"))
            return {row[0]: row[1] for row in rows}
    finally:
        await engine.dispose()


def test_upgrade_fills_email_domain_from_the_email(empty_database: str) -> None:
    """0005: what follows the last ``@`` of ``email_key``, in SQL both engines run alike."""
    upgrade(empty_database, "0004")
    asyncio.run(_users_at_0004(empty_database))
    upgrade(empty_database)
    assert asyncio.run(_email_domains(empty_database)) == EMAIL_DOMAINS
    assert {key: email_domain(key) for key in EMAIL_DOMAINS} == EMAIL_DOMAINS  # as the service
