"""A local stand-in for a CAPTCHA provider's verification API, served by uvicorn on loopback:
it records what it was sent and answers as told (success, failure, an error)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.smtp import free_port


@dataclass
class FakeProvider:
    answer: str = "success"
    """``success``, ``failure`` or ``error`` (HTTP 500)."""
    received: list[dict[str, Any]] = field(default_factory=list)
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/siteverify"

    async def siteverify(self, request: Request) -> Response:
        if request.headers.get("content-type", "").startswith("application/json"):
            body: dict[str, Any] = dict(await request.json())
        else:
            body = dict(await request.form())
        body["_headers"] = dict(request.headers)
        self.received.append(body)
        if self.answer == "error":
            return Response("upstream trouble", status_code=500)
        return JSONResponse({"success": self.answer == "success", "error-codes": []})


def serve(fake: FakeProvider) -> Iterator[FakeProvider]:
    fake.port = free_port()
    app = Starlette(routes=[Route("/siteverify", fake.siteverify, methods=["POST"])])
    config = uvicorn.Config(app, host="127.0.0.1", port=fake.port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    yield fake
    server.should_exit = True
    thread.join(5)
