"""Timing operations through Authgate's real request path: the app built in-process with
``create_app(settings)``, its lifespan running, and an httpx client on the ASGI transport (no
sockets, one request at a time), authorized with a Management API token from
``POST /oauth/token``.

Each request's time covers everything the app does for it: routing, token verification, the
SQL, rendering the users as JSON; the client reads the whole body within the timed span.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from authgate.app import create_app
from authgate.settings import Settings
from benchkit.users_db import BOOTSTRAP_CLIENT_ID, BOOTSTRAP_CLIENT_SECRET, ISSUER
from benchkit.users_queries import Operation, Request, Samples


class RequestFailed(Exception):
    """A request answered with something other than 200."""


@dataclass
class Timing:
    """The measured requests of one operation."""

    operation: Operation
    latencies_ms: list[float] = field(default_factory=list)
    results: list[int] = field(default_factory=list)
    totals: list[int] = field(default_factory=list)
    statements: list[tuple[str, Any]] = field(default_factory=list)  # SQL of the slowest one

    def percentile(self, p: int) -> float:
        data = self.latencies_ms
        if len(data) == 1:
            return data[0]
        return statistics.quantiles(data, n=100, method="inclusive")[p - 1]

    @property
    def passed(self) -> bool:
        return bool(self.latencies_ms) and self.percentile(95) < self.operation.target_ms


class StatementLog:
    """The SQL statements an engine sends while ``recording``."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.recording = False
        self.statements: list[tuple[str, Any]] = []
        event.listen(engine.sync_engine, "before_cursor_execute", self._seen)

    def _seen(
        self, _conn: Any, _cursor: Any, statement: str, parameters: Any, _ctx: Any, many: bool
    ) -> None:
        if self.recording and not many:
            self.statements.append((statement, parameters))

    def start(self) -> None:
        self.statements = []
        self.recording = True

    def stop(self) -> list[tuple[str, Any]]:
        self.recording = False
        return [s for s in self.statements if " users" in s[0]]  # not token or tenant SQL


@dataclass
class Client:
    http: httpx.AsyncClient
    engine: AsyncEngine
    log: StatementLog


@asynccontextmanager
async def running_app(settings: Settings) -> AsyncIterator[Client]:
    """Authgate in-process with its lifespan running, and a client holding a Management
    token."""
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url=ISSUER.rstrip("/"), timeout=600.0
        ) as http:
            http.headers["Authorization"] = f"Bearer {await _management_token(http)}"
            engine: AsyncEngine = app.state.services.db.engine
            yield Client(http, engine, StatementLog(engine))


async def _management_token(http: httpx.AsyncClient) -> str:
    response = await http.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": BOOTSTRAP_CLIENT_ID,
            "client_secret": BOOTSTRAP_CLIENT_SECRET,
            "audience": f"{ISSUER}api/v2/",
        },
    )
    if response.status_code != 200:
        raise RequestFailed(f"Management token: {response.status_code} {response.text}")
    return str(response.json()["access_token"])


@dataclass(frozen=True)
class Plan:
    """How many requests to time per operation, after how many untimed ones, and the time
    after which an operation stops early."""

    samples: int
    warmup: int
    max_seconds: float


async def measure(
    client: Client, operation: Operation, samples: Samples, rng: random.Random, plan: Plan
) -> Timing:
    timing = Timing(operation)
    for _ in range(plan.warmup):
        await _send(client.http, operation.build(rng, samples))
    started = time.perf_counter()
    slowest = -1.0
    for _ in range(plan.samples):
        request = operation.build(rng, samples)
        client.log.start()
        begun = time.perf_counter()
        results, total = await _send(client.http, request)
        elapsed = (time.perf_counter() - begun) * 1000
        statements = client.log.stop()
        timing.latencies_ms.append(elapsed)
        timing.results.append(results)
        if total is not None:
            timing.totals.append(total)
        if elapsed > slowest:
            slowest, timing.statements = elapsed, statements
        if time.perf_counter() - started > plan.max_seconds:
            break
    return timing


async def _send(http: httpx.AsyncClient, request: Request) -> tuple[int, int | None]:
    """The number of users in the answer, and ``total`` when the answer has one."""
    response = await http.get(request.path, params=request.params)
    if response.status_code != 200:
        raise RequestFailed(
            f"GET {request.path} {request.params}: {response.status_code} {response.text[:500]}"
        )
    body = response.json()
    if isinstance(body, dict) and "users" in body:
        return len(body["users"]), int(body["total"])
    if isinstance(body, list):
        return len(body), None
    return 1, None
