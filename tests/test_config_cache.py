"""Configuration changes reach every worker and node (DESIGN §5).

Workers of one host share a memory-mapped version counter; other nodes learn of changes through
Redis pub/sub when configured, and otherwise through the version row poll.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from authgate.app import create_app
from authgate.settings import Settings
from tests.databases import ISSUER, REDIS_ENV, base_settings
from tests.factories import m2m_app, token


@asynccontextmanager
async def _node(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app: FastAPI = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=ISSUER.rstrip("/")) as http:
            yield http


async def _wait_refused(node: httpx.AsyncClient, app: dict[str, str], limit: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < limit:
        if (await token(node, app)).status_code == 401:
            return time.monotonic() - started
        await asyncio.sleep(0.02)
    raise AssertionError(f"the change did not arrive within {limit} s")


async def test_another_worker_of_this_host_sees_a_change_on_its_next_request(
    client: httpx.AsyncClient, admin: dict[str, str], settings: Settings
) -> None:
    app = await m2m_app(client, admin)
    slow_poll = settings.model_copy(update={"config_poll_seconds": 3600.0})
    async with _node(slow_poll) as worker:
        assert (await token(worker, app)).status_code == 200
        await client.post(f"/api/v2/clients/{app['client_id']}/rotate-secret", headers=admin)
        assert (await token(worker, app)).status_code == 401


async def test_another_node_without_redis_sees_a_change_after_the_poll(
    client: httpx.AsyncClient, admin: dict[str, str], database_url: str, tmp_path: Path
) -> None:
    app = await m2m_app(client, admin)
    other = base_settings(tmp_path / "node-b", database_url, config_poll_seconds=0.3)
    async with _node(other) as node:
        assert (await token(node, app)).status_code == 200
        await client.post(f"/api/v2/clients/{app['client_id']}/rotate-secret", headers=admin)
        assert await _wait_refused(node, app, limit=3.0) <= 3.0


@pytest.mark.redis
@pytest.mark.parametrize(
    "settings_overrides",
    [{"redis_url": os.environ.get(REDIS_ENV), "config_poll_seconds": 3600.0}],
)
async def test_another_node_with_redis_sees_a_change_at_once(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    database_url: str,
    tmp_path: Path,
    settings_overrides: dict[str, object],
) -> None:
    app = await m2m_app(client, admin)
    other = base_settings(tmp_path / "node-b", database_url, **settings_overrides)
    async with _node(other) as node:
        assert (await token(node, app)).status_code == 200
        await asyncio.sleep(0.2)  # the subscriber is listening
        await client.post(f"/api/v2/clients/{app['client_id']}/rotate-secret", headers=admin)
        assert await _wait_refused(node, app, limit=1.0) < 1.0
