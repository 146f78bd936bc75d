"""Load for ``bench/login.py``: full authorization-code logins through the hosted pages, and the
raw argon2id verification rate of this machine with Authgate's parameters."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import multiprocessing
import re
import secrets
import time
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import argon2
import httpx

from benchkit.procs import SetupError

CALLBACK = "https://bench.app/callback"
PASSWORD = "Bench-Login-Pass-2026!"
_HIDDEN = re.compile(r'name="(csrf_token|state)" value="([^"]+)"')


def _verify_for(seconds: float, stored: str) -> int:
    hasher = argon2.PasswordHasher(memory_cost=19_456, time_cost=2, parallelism=1)
    count, deadline = 0, time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        hasher.verify(stored, PASSWORD)
        count += 1
    return count


def argon2_rate(seconds: float, processes: int) -> float:
    """Verifications per second of ``processes`` processes verifying Authgate's argon2id
    (m=19 MiB, t=2, p=1) flat out: the ceiling a login rate is compared with."""
    stored = argon2.PasswordHasher(memory_cost=19_456, time_cost=2, parallelism=1).hash(PASSWORD)
    context = multiprocessing.get_context("spawn")
    with context.Pool(processes) as pool:
        started = time.perf_counter()
        counts = pool.starmap(_verify_for, [(seconds, stored)] * processes)
        elapsed = time.perf_counter() - started
    return sum(counts) / elapsed


@dataclass
class LoginResult:
    logins: int
    seconds: float
    failures: int
    latencies: list[float]

    @property
    def rate(self) -> float:
        return self.logins / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000 if ordered else 0.0


def _pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def browser(base_url: str) -> httpx.AsyncClient:
    """A simulated browser. Made once per simulated user: creating an httpx client builds a
    TLS context, which costs more client CPU than a whole login."""
    return httpx.AsyncClient(base_url=base_url, timeout=60.0)


async def login_once(
    base_url: str, client_id: str, email: str, scope: str = "openid profile email"
) -> dict[str, str]:
    """One full login in a fresh browser."""
    async with browser(base_url) as fresh:
        return await login_in(fresh, client_id, email, scope)


async def login_in(
    browser: httpx.AsyncClient, client_id: str, email: str, scope: str = "openid profile email"
) -> dict[str, str]:
    """One full login with an empty cookie jar: authorize, login page, login POST, resume,
    token."""
    browser.cookies.clear()
    verifier, challenge = _pkce()
    params = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": CALLBACK,
        "scope": scope,
        "state": secrets.token_urlsafe(8),
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    start = await browser.get("/authorize", params=params)
    page = await browser.get(_location(start, 302))
    fields = dict(_HIDDEN.findall(page.text))
    posted = await browser.post(
        "/u/login",
        data={**fields, "username": email, "password": PASSWORD, "action": "default"},
    )
    done = await browser.get(_location(posted, 303))
    code = parse_qs(urlsplit(_location(done, 302)).query)["code"][0]
    token = await browser.post(
        "/oauth/token",
        data={
            "grant_type": "authorization_code",
            "client_id": client_id,
            "code": code,
            "redirect_uri": CALLBACK,
            "code_verifier": verifier,
        },
    )
    if token.status_code != 200:
        raise SetupError(f"token: {token.status_code} {token.text}")
    return dict(token.json())


def _location(response: httpx.Response, status: int) -> str:
    if response.status_code != status:
        raise SetupError(f"{response.request.url.path}: {response.status_code} {response.text}")
    return response.headers["location"]


async def login_load(
    base_url: str, client_id: str, emails: list[str], concurrency: int, seconds: float
) -> LoginResult:
    """``concurrency`` users logging in again and again for ``seconds``."""
    result = LoginResult(0, 0.0, 0, [])
    deadline = time.perf_counter() + seconds

    async def user(index: int) -> None:
        n = index
        async with browser(base_url) as own:
            while time.perf_counter() < deadline:
                began = time.perf_counter()
                try:
                    await login_in(own, client_id, emails[n % len(emails)])
                except (SetupError, httpx.HTTPError, KeyError):
                    result.failures += 1
                else:
                    result.logins += 1
                    result.latencies.append(time.perf_counter() - began)
                n += concurrency

    started = time.perf_counter()
    await asyncio.gather(*(user(i) for i in range(concurrency)))
    result.seconds = time.perf_counter() - started
    return result
