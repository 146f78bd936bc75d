"""Breached password detection (reference §3.1): Auth0's test passwords, the bundled list, an
imported Pwned Passwords corpus (through the real CLI) and a k-anonymity range API (a local
stand-in); the shields of the login, signup and reset stages and their log events."""

from __future__ import annotations

import asyncio
import hashlib
import random
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from authgate.breached.service import BreachedPasswords
from authgate.breached.store import FILE_NAME, PrefixFile, prefix_of
from tests.factories import create_client
from tests.protection.conftest import log_types
from tests.smtp import Sink, free_port
from tests.users_factories import DATABASE, GOOD_PASSWORD, create_user

SETTINGS = "/api/v2/attack-protection/breached-password-detection"
REALM = "http://auth0.com/oauth/grant-type/password-realm"
LEAKED = "AUTH0-TEST-Correct-Horse-7"


def _sha1(password: str) -> str:
    return hashlib.sha1(password.encode(), usedforsecurity=False).hexdigest().upper()


async def _configure(client: httpx.AsyncClient, admin: dict[str, str], **body: Any) -> Any:
    response = await client.patch(SETTINGS, json=body, headers=admin)
    assert response.status_code == 200, response.text
    return response.json()


async def _native(client: httpx.AsyncClient, admin: dict[str, str]) -> dict[str, Any]:
    return await create_client(client, admin, app_type="native", grant_types=["password", REALM])


async def _login(
    client: httpx.AsyncClient, app: dict[str, Any], email: str, password: str
) -> httpx.Response:
    form = {
        "grant_type": REALM,
        "client_id": app["client_id"],
        "username": email,
        "password": password,
        "realm": DATABASE,
    }
    return await client.post("/oauth/token", data=form)


async def test_settings_document(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    assert (await client.get(SETTINGS, headers=admin)).json() == {
        "enabled": False,
        "shields": [],
        "admin_notification_frequency": [],
        "method": "standard",
        "stage": {
            "pre-user-registration": {"shields": []},
            "pre-change-password": {"shields": []},
        },
    }
    changed = await _configure(
        client, admin, enabled=True, stage={"pre-user-registration": {"shields": ["block"]}}
    )
    assert changed["stage"]["pre-user-registration"] == {"shields": ["block"]}
    assert changed["stage"]["pre-change-password"] == {"shields": []}
    for body in (
        {"shields": ["user_notification", "explode"]},
        {"method": "magic"},
        {"stage": {"pre-user-registration": {"shields": ["user_notification"]}}},
        {"admin_notification_frequency": ["hourly"]},
    ):
        assert (await client.patch(SETTINGS, json=body, headers=admin)).status_code == 400


async def test_a_breached_password_at_login(
    client: httpx.AsyncClient, admin: dict[str, str], app: FastAPI, smtp_sink: Sink
) -> None:
    await client.patch(
        "/api/v2/tenants/settings", json={"support_email": "security@example.test"}, headers=admin
    )
    native = await _native(client, admin)
    user = await create_user(client, admin, email_verified=True, password=LEAKED)
    assert (await _login(client, native, user["email"], LEAKED)).status_code == 200  # off
    await _configure(client, admin, enabled=True, shields=[])
    assert (await _login(client, native, user["email"], LEAKED)).status_code == 200
    assert "pwd_leak" in await log_types(app)
    await _configure(client, admin, shields=["block", "user_notification", "admin_notification"])
    refused = await _login(client, native, user["email"], LEAKED)
    assert refused.status_code == 400
    assert refused.json()["error"] == "password_leaked"
    mails = await smtp_sink.wait_for(2)
    by_recipient = {mail.rcpt_tos[0]: mail for mail in mails}
    stolen = by_recipient[user["email"]].message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert re.search(r"http://authgate\.test/u/reset-password\?ticket=", stolen)
    assert "security@example.test" in by_recipient
    # a wrong password is just wrong: nothing about breaches is revealed
    wrong = await _login(client, native, user["email"], "AUTH0-TEST-wrong-one")
    assert wrong.json()["error"] == "invalid_grant"


async def test_breached_passwords_at_signup_and_reset(
    client: httpx.AsyncClient, admin: dict[str, str], app: FastAPI
) -> None:
    native = await _native(client, admin)
    await _configure(
        client,
        admin,
        enabled=True,
        stage={
            "pre-user-registration": {"shields": ["block"]},
            "pre-change-password": {"shields": ["block"]},
        },
    )
    signup = {
        "client_id": native["client_id"],
        "connection": DATABASE,
        "email": "leaky@example.test",
        "password": LEAKED,
    }
    refused = await client.post("/dbconnections/signup", json=signup)
    assert refused.status_code == 400
    assert refused.json()["code"] == "password_leaked"
    assert (
        await client.post("/dbconnections/signup", json={**signup, "password": GOOD_PASSWORD})
    ).status_code == 200
    user = await create_user(client, admin, email_verified=True)
    ticket = await client.post(
        "/api/v2/tickets/password-change", json={"user_id": user["user_id"]}, headers=admin
    )
    link = ticket.json()["ticket"].removeprefix("http://authgate.test")
    await client.get(link)
    page = await client.get("/u/reset-password")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert csrf is not None
    form = {"csrf_token": csrf.group(1), "password": LEAKED, "re-enter-password": LEAKED}
    rejected = await client.post("/u/reset-password", data=form)
    assert rejected.status_code == 400
    assert "data breach" in rejected.text
    types = await log_types(app)
    assert "signup_pwd_leak" in types
    assert "reset_pwd_leak" in types


def _cli(*args: str, data_dir: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "authgate",
            "breached-passwords",
            *args,
            "--data-dir",
            str(data_dir),
        ],
        capture_output=True,
        text=True,
        input=stdin,
        timeout=120,
        check=False,
    )


def test_import_through_the_cli_and_lookups(tmp_path: Path) -> None:
    leaked = [f"leaked-{n}-{random.randrange(10**9)}" for n in range(500)]
    lines = [f"{_sha1(word)}:{n + 2}" for n, word in enumerate(leaked)]
    lines += [f"{_sha1('rarely-seen-secret')}:1", "not-a-hash:3", "ABCDEF:1", ""]
    lines += [lines[0].lower(), lines[1] + "\r"]  # duplicates, lower case, CRLF
    random.shuffle(lines)
    source = tmp_path / "pwned.txt"
    source.write_text("\n".join(lines) + "\n")
    data = tmp_path / "data"
    assert "no breach data" in _cli("status", data_dir=data).stdout
    done = _cli("import", str(source), "--min-count", "2", "--chunk-size", "64", data_dir=data)
    assert done.returncode == 0, done.stderr
    assert "imported 500 hashes" in done.stdout
    assert "skipped 1" in done.stdout
    assert "2 malformed" in done.stdout
    assert "500 hashes" in _cli("status", data_dir=data).stdout
    store = PrefixFile(data / FILE_NAME)
    assert all(store.contains(prefix_of(word)) for word in leaked)
    assert not store.contains(prefix_of("rarely-seen-secret"))
    assert not store.contains(prefix_of("never-leaked-anywhere-xyz"))
    # a new import replaces the old one, atomically, and a live reader notices
    replacement = tmp_path / "second.txt"
    replacement.write_text(f"{_sha1('only-this-one')}:9\n")
    time.sleep(0.01)
    assert _cli("import", str(replacement), data_dir=data).returncode == 0
    assert store.contains(prefix_of("only-this-one"))
    assert not store.contains(prefix_of(leaked[0]))
    missing = _cli("import", str(tmp_path / "nope.txt"), data_dir=data)
    assert missing.returncode == 2
    assert store.contains(prefix_of("only-this-one"))


class RangeApi:
    def __init__(self, leaked: str) -> None:
        self.leaked = _sha1(leaked)
        self.asked: list[str] = []
        self.mode = "ok"

    async def range(self, request: Request) -> Response:
        prefix = request.path_params["prefix"]
        self.asked.append(prefix)
        if self.mode == "slow":
            await asyncio.sleep(0.5)
        if self.mode == "error":
            return PlainTextResponse("no", status_code=503)
        lines = [f"{'0' * 35}:0", f"{'A' * 35}:3"]
        if self.leaked.startswith(prefix):
            lines.append(f"{self.leaked[5:]}:42")
        return PlainTextResponse("\r\n".join(lines))


@pytest.fixture
def range_api() -> Iterator[tuple[RangeApi, str]]:
    api = RangeApi("hunter2-but-longer")
    port = free_port()
    app = Starlette(routes=[Route("/range/{prefix}", api.range)])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    yield api, f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(5)


async def test_the_range_api_sees_only_a_prefix(
    range_api: tuple[RangeApi, str], tmp_path: Path
) -> None:
    api, url = range_api
    checker = BreachedPasswords(data_dir=tmp_path, range_url=url, timeout=0.3)
    try:
        assert await checker.is_breached("hunter2-but-longer")
        assert not await checker.is_breached("a-password-nobody-has")
        assert all(len(prefix) == 5 for prefix in api.asked)
        api.mode = "slow"
        assert not await checker.is_breached("hunter2-but-longer")  # timeout: not known
        api.mode = "error"
        assert not await checker.is_breached("hunter2-but-longer")
        assert await checker.is_breached("password")  # the bundled list needs no network
        assert await checker.is_breached("Paaf213XXYYZZ")
        assert await checker.is_breached("AUTH0-TEST-anything")
    finally:
        await checker.aclose()
