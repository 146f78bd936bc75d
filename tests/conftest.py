from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from authgate.app import create_app
from authgate.settings import Settings
from tests.databases import (
    ISSUER,
    REDIS_ENV,
    DatabaseFactory,
    backends,
    base_settings,
)
from tests.factories import bootstrap_token
from tests.smtp import Sink, SmtpServer, free_port


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "redis: needs AUTHGATE_TEST_REDIS_URL")


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("redis") and not os.environ.get(REDIS_ENV):
        if os.environ.get("CI") == "true":
            pytest.fail("AUTHGATE_TEST_REDIS_URL is required in CI")
        pytest.skip("AUTHGATE_TEST_REDIS_URL is not set")


@pytest.fixture(scope="session")
def database_factories(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[dict[str, DatabaseFactory]]:
    root = tmp_path_factory.mktemp("databases")
    factories = {backend: DatabaseFactory(backend, root / backend) for backend in backends()}
    for factory in factories.values():
        factory.root.mkdir(parents=True, exist_ok=True)
    yield factories
    for factory in factories.values():
        factory.close()


@pytest.fixture(params=backends())
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def database_url(backend: str, database_factories: dict[str, DatabaseFactory]) -> Iterator[str]:
    factory = database_factories[backend]
    url = factory.new()
    yield url
    factory.drop(url)


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {}


@pytest.fixture
def settings(database_url: str, tmp_path: Path, settings_overrides: dict[str, Any]) -> Settings:
    return base_settings(tmp_path / "data", database_url, **settings_overrides)


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[FastAPI]:
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, client=("198.51.100.7", 40000))
    async with httpx.AsyncClient(transport=transport, base_url=ISSUER.rstrip("/")) as http:
        yield http


@pytest.fixture
async def admin_token(client: httpx.AsyncClient) -> str:
    """A Management API token of the bootstrap application (every scope)."""
    return await bootstrap_token(client)


@pytest.fixture
def admin(admin_token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {admin_token}"}


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A real SMTP server on loopback that keeps what it receives."""
    server = SmtpServer(Sink(), free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp_sink(smtp_server: SmtpServer) -> Sink:
    return smtp_server.sink
