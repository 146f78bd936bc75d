"""Attack-protection tests run with the counters in the database and in Redis, and deliver
their mails to a real SMTP server on loopback."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from authgate.logs.models import LogEvent
from tests.databases import ISSUER, REDIS_ENV
from tests.smtp import SmtpServer


@pytest.fixture(params=["database", pytest.param("redis", marks=pytest.mark.redis)])
def counters(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def settings_overrides(counters: str, smtp_server: SmtpServer) -> Any:
    return protection_overrides(counters, smtp_server)


def protection_overrides(counters: str, smtp_server: SmtpServer) -> dict[str, Any]:
    overrides: dict[str, Any] = {
        "smtp_url": f"smtp://127.0.0.1:{smtp_server.port}",
        "testing": True,  # the clock hook, for expiry
    }
    if counters == "redis":
        overrides["redis_url"] = os.environ.get(REDIS_ENV)
        overrides["redis_prefix"] = f"test-{uuid.uuid4().hex[:10]}:"
    return overrides


@pytest.fixture
async def other_ip(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """The same server seen from another address."""
    async with from_ip(app, "203.0.113.50") as http:
        yield http


def from_ip(app: FastAPI, ip: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(ip, 41000))
    return httpx.AsyncClient(transport=transport, base_url=ISSUER.rstrip("/"))


async def log_types(app: FastAPI) -> list[str]:
    await app.state.services.logs.flush()
    async with app.state.services.db.unit_of_work(write=False) as session:
        rows = (await session.execute(select(LogEvent.type).order_by(LogEvent.log_id))).all()
    return [row[0] for row in rows]
