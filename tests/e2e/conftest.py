from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.databases import DatabaseFactory
from tests.e2e.browser import chromium_page
from tests.e2e.server import LiveServer, start_server
from tests.e2e.static_site import StaticSite


@pytest.fixture
def live_server(
    backend: str, database_factories: dict[str, DatabaseFactory], tmp_path: Path
) -> Iterator[LiveServer]:
    factory = database_factories[backend]
    url = factory.new()
    server = start_server(url, tmp_path / "server")
    try:
        yield server
    finally:
        server.stop()
        factory.drop(url)


@pytest.fixture
def local_ca(tmp_path: Path) -> Path:
    """``authgate certs local``: a CA and a certificate for 127.0.0.1 (through the real CLI)."""
    directory = tmp_path / "tls"
    subprocess.run(
        [sys.executable, "-m", "authgate", "certs", "local", "--directory", str(directory)],
        check=True,
        capture_output=True,
    )
    return directory


@pytest.fixture
def tls_server(
    backend: str, database_factories: dict[str, DatabaseFactory], tmp_path: Path, local_ca: Path
) -> Iterator[LiveServer]:
    factory = database_factories[backend]
    url = factory.new()
    server = start_server(
        url, tmp_path / "server", tls=(local_ca / "server.pem", local_ca / "server-key.pem")
    )
    try:
        yield server
    finally:
        server.stop()
        factory.drop(url)


@pytest.fixture
def site() -> Iterator[StaticSite]:
    """A static site on its own origin: the single-page application's page and callback."""
    with StaticSite() as static:
        yield static


@pytest.fixture
def page(request: pytest.FixtureRequest) -> Iterator[Page]:
    """A fresh headless Chromium page; its console and errors land in the artifacts."""
    with chromium_page(request.node.name) as tab:
        yield tab
