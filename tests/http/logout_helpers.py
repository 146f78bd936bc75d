"""Logging in, checking whether the browser still has a session, and a real local HTTP server
that receives back-channel logout requests."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl

import httpx
import jwt
from fastapi import FastAPI

from tests.databases import ISSUER
from tests.http.authorize_helpers import (
    Pkce,
    authorize_params,
    claims,
    exchange,
    login_through_pages,
    query,
    spa,
)
from tests.users_factories import create_user

BYE = "https://app.example.test/bye"


@dataclass
class LoggedIn:
    app: dict[str, Any]
    user: dict[str, Any]
    tokens: dict[str, Any]

    @property
    def id_token(self) -> str:
        return str(self.tokens["id_token"])

    @property
    def sid(self) -> str:
        return str(claims(self.id_token)["sid"])


async def log_in(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    *,
    app: dict[str, Any] | None = None,
    user: dict[str, Any] | None = None,
    **app_fields: Any,
) -> LoggedIn:
    """A user logged in to an SPA through the hosted pages, with the tokens of the code."""
    app = app or await spa(client, admin, **app_fields)
    user = user or await create_user(client, admin)
    pkce = Pkce.new()
    final = await login_through_pages(client, authorize_params(app, pkce), user["email"])
    tokens = await exchange(client, app, query(final.headers["location"])["code"], pkce.verifier)
    assert tokens.status_code == 200, tokens.text
    return LoggedIn(app, user, tokens.json())


def browser(app: FastAPI, ip: str) -> httpx.AsyncClient:
    """Another browser (its own cookies) at another address."""
    transport = httpx.ASGITransport(app=app, client=(ip, 40001))
    return httpx.AsyncClient(transport=transport, base_url=ISSUER.rstrip("/"))


async def has_session(client: httpx.AsyncClient, app: dict[str, Any]) -> bool:
    """``prompt=none`` answers a code only while the browser's SSO session lives."""
    params = authorize_params(app, Pkce.new(), prompt="none")
    response = await client.get("/authorize", params=params)
    assert response.status_code == 302, response.text
    answer = query(response.headers["location"])
    assert "code" in answer or answer["error"] == "login_required", answer
    return "code" in answer


def assert_refused(response: httpx.Response) -> None:
    """A logout answered with an error page: never a redirect (security.md BCP-03)."""
    assert response.status_code == 400, response.text
    assert "location" not in response.headers
    assert response.headers["content-type"].startswith("text/html")
    assert "Logout failed" in response.text


async def refresh(client: httpx.AsyncClient, logged_in: LoggedIn) -> httpx.Response:
    return await client.post(
        "/oauth/token",
        data={
            "grant_type": "refresh_token",
            "client_id": logged_in.app["client_id"],
            "refresh_token": logged_in.tokens["refresh_token"],
        },
    )


async def log_types(app: FastAPI, client: httpx.AsyncClient, admin: dict[str, str]) -> list[str]:
    """The types of the tenant log events, newest first."""
    await app.state.services.logs.flush()
    response = await client.get("/api/v2/logs", params={"per_page": 100}, headers=admin)
    assert response.status_code == 200, response.text
    return [event["type"] for event in response.json()]


async def log_events(
    app: FastAPI, client: httpx.AsyncClient, admin: dict[str, str], type_: str
) -> list[dict[str, Any]]:
    await app.state.services.logs.flush()
    response = await client.get("/api/v2/logs", params={"q": f"type:{type_}"}, headers=admin)
    assert response.status_code == 200, response.text
    return list(response.json())


# -- back-channel logout receiver -----------------------------------------------------------


@dataclass
class Received:
    path: str
    content_type: str
    form: dict[str, str]


@dataclass
class Receiver:
    """An HTTP server on 127.0.0.1 that records each POST and answers ``status``; while
    ``release`` is clear it holds its answers back (a slow application)."""

    status: int = 200
    received: list[Received] = field(default_factory=list)
    arrived: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    _server: ThreadingHTTPServer | None = None

    def __post_init__(self) -> None:
        self.release.set()

    def __enter__(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length).decode()
                receiver.received.append(
                    Received(
                        self.path,
                        self.headers.get("content-type", ""),
                        dict(parse_qsl(body, keep_blank_values=True)),
                    )
                )
                receiver.arrived.set()
                receiver.release.wait(10)
                self.send_response(receiver.status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        assert self._server is not None
        self._server.shutdown()
        self._server.server_close()

    def url(self, path: str = "/backchannel") -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}{path}"

    async def wait_for_first(self) -> Received:
        assert await asyncio.to_thread(self.arrived.wait, 10), "nothing was POSTed"
        return self.received[0]


async def delivered(app: FastAPI) -> None:
    """Wait for the back-channel deliveries in flight."""
    await app.state.services.background.drain()


async def verified_logout_token(
    client: httpx.AsyncClient, token: str, audience: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The header and claims of a logout token checked against the tenant's published JWKS."""
    jwks = jwt.PyJWKSet.from_dict((await client.get("/.well-known/jwks.json")).json())
    header = jwt.get_unverified_header(token)
    key = next(key for key in jwks.keys if key.key_id == header["kid"])
    decoded = jwt.decode(
        token,
        key.key,
        algorithms=["RS256"],
        audience=audience,
        issuer=ISSUER,
        options={"require": ["iss", "aud", "iat", "exp", "jti"]},
    )
    return header, decoded
