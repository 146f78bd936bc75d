"""``bench/protection_cost.py``: what attack protection costs on the login and token paths, in
CPU instructions counted by valgrind's callgrind.

Why instructions
    ``bench/protection.py`` measures throughput with the protections off and on. On the shared
    machines this project runs on, one round's rate swings by 10-15% with the neighbours' load,
    more than the cost being measured. The instructions a request executes do not swing: the
    same work counts the same whatever else the machine does, so a cost of a few percent can be
    told from noise.

What is measured
    One Python process runs Authgate in-process (the ASGI app behind httpx's ASGI transport:
    no sockets, every layer of the app including the middlewares), on SQLite, under
    ``valgrind --tool=callgrind``. It alternates phases, protections off and on, three times
    each side and path:

    * client credentials: ``--requests`` token requests;
    * full logins: ``--logins`` logins (authorize, login page, login POST, resume, code
      exchange) of different users.

    Before and after each phase the process calls ``getpgid``; callgrind dumps its counters
    there (``--dump-before``), so each dump holds exactly one phase's instructions (switching
    the protections and a warm-up fall in the dumps between). "On" is ``bench/protection.py``'s
    ON: brute-force protection, suspicious IP throttling, breached password detection with all
    shields and rate limits (buckets that never empty), counters in SQLite.

What is printed
    Instructions per request of each phase, the median of each side, and the cost
    (on/off - 1) against the targets: under 5% on logins, under 2% on client credentials.
    Instructions are not seconds (I/O waits and cache misses are not in them); the wall-clock
    view is ``bench/protection.py``'s.

Exit status
    0 after a complete measurement; 2 if the setup failed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import httpx

from authgate.app import create_app
from authgate.bootstrap import bootstrap
from authgate.migrate import upgrade
from authgate.services import build_services
from authgate.settings import Settings
from benchkit.logins import CALLBACK, PASSWORD, login_in
from benchkit.procs import SetupError
from protection import OFF, ON

ISSUER = "http://authgate.bench/"
CLIENT_ID = "benchBootstrapClient000000000000"
CLIENT_SECRET = "bench-bootstrap-secret-" + "x" * 41
SECRET_KEY = "bench-secret-key-" + "k" * 40
PHASES = [(path, side) for path in ("cc", "login") for _ in range(3) for side in ("off", "on")]
_SUMMARY = re.compile(r"^summary:\s+(\d+)", re.MULTILINE)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200, help="token requests per phase")
    parser.add_argument("--logins", type=int, default=6, help="logins per phase")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def settings(data_dir: Path) -> Settings:
    return Settings(
        data_dir=data_dir,
        database_url=f"sqlite+aiosqlite:///{data_dir / 'authgate.db'}",
        issuer=ISSUER,
        secret_key=SECRET_KEY,
        bootstrap_client_id=CLIENT_ID,
        bootstrap_client_secret=CLIENT_SECRET,
        access_log=False,
        log_level="warning",
        env="development",
    )


def _client(app: Any) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=("198.51.100.20", 40000))
    return httpx.AsyncClient(transport=transport, base_url=ISSUER.rstrip("/"), timeout=60)


async def _token(http: httpx.AsyncClient, audience: str) -> httpx.Response:
    body = {
        "grant_type": "client_credentials",
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "audience": audience,
    }
    return await http.post("/oauth/token", data=body)


async def _admin(http: httpx.AsyncClient) -> None:
    response = await _token(http, f"{ISSUER}api/v2/")
    if response.status_code != 200:
        raise SetupError(f"management token: {response.status_code} {response.text}")
    http.headers["Authorization"] = f"Bearer {response.json()['access_token']}"


async def _switch(http: httpx.AsyncClient, documents: dict[str, dict[str, Any]]) -> None:
    for feature, body in documents.items():
        response = await http.patch(f"/api/v2/attack-protection/{feature}", json=body)
        if response.status_code != 200:
            raise SetupError(f"PATCH {feature}: {response.status_code} {response.text}")


async def prepare(data_dir: Path, users: int) -> None:
    """Bootstrap and provision the migrated database, natively: the client, an API, the
    users."""
    config = settings(data_dir)
    services = build_services(config)
    try:
        await bootstrap(services)
    finally:
        await services.db.dispose()
        services.shared.close()
    app = create_app(config)
    async with app.router.lifespan_context(app), _client(app) as http:
        await _admin(http)
        created = await http.post(
            "/api/v2/clients",
            json={
                "name": "bench-spa",
                "app_type": "spa",
                "callbacks": [CALLBACK],
                "token_endpoint_auth_method": "none",
                "grant_types": ["authorization_code", "refresh_token"],
            },
        )
        api = {"identifier": "https://bench.api/", "name": "Bench API", "scopes": []}
        await http.post("/api/v2/resource-servers", json=api)
        grant = {"client_id": CLIENT_ID, "audience": "https://bench.api/", "scope": []}
        await http.post("/api/v2/client-grants", json=grant)
        for n in range(users):
            user = {
                "connection": "Username-Password-Authentication",
                "email": f"bench-{n}@bench.test",
                "password": PASSWORD,
            }
            made = await http.post("/api/v2/users", json=user)
            if made.status_code != 201:
                raise SetupError(f"user: {made.status_code} {made.text}")
        (data_dir / "client_id").write_text(created.json()["client_id"])


def _mark() -> None:
    """Where callgrind dumps its counters (``--dump-before=getpgid``)."""
    os.getpgid(0)


async def child(data_dir: Path, requests: int, logins: int) -> None:
    """The measured program: the phases, with a dump before and after each."""
    client_id = (data_dir / "client_id").read_text()
    app = create_app(settings(data_dir))
    async with app.router.lifespan_context(app), _client(app) as http:
        await _admin(http)
        browser = _client(app)
        next_user = 0
        for path, side in PHASES:
            await _switch(http, OFF if side == "off" else ON)
            if path == "cc":
                for _ in range(5):  # warm-up
                    await _token(browser, "https://bench.api/")
                _mark()
                for _ in range(requests):
                    response = await _token(browser, "https://bench.api/")
                    if response.status_code != 200:
                        raise SetupError(f"token: {response.status_code} {response.text}")
                _mark()
            else:
                await login_in(browser, client_id, f"bench-{next_user}@bench.test")  # warm-up
                next_user += 1
                _mark()
                for _ in range(logins):
                    await login_in(browser, client_id, f"bench-{next_user}@bench.test")
                    next_user += 1
                _mark()
        await browser.aclose()


def measure(options: argparse.Namespace, work: Path) -> int:
    data_dir = work / "data"
    data_dir.mkdir()
    print("preparing (migrations, bootstrap, users)...", flush=True)
    upgrade(settings(data_dir).database_url)
    asyncio.run(prepare(data_dir, users=(options.logins + 1) * 6 + 2))
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        raise SetupError("valgrind is missing (Debian package valgrind)")
    out = work / "callgrind.out"
    command = [
        valgrind,
        "--tool=callgrind",
        "--dump-before=getpgid",
        f"--callgrind-out-file={out}",
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        str(data_dir),
        "--requests",
        str(options.requests),
        "--logins",
        str(options.logins),
    ]
    print("running under callgrind (several minutes)...", flush=True)
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SetupError(f"the measured process failed:\n{done.stderr[-3000:]}")
    dumps = sorted(work.glob("callgrind.out.*"), key=lambda p: int(p.suffix[1:]))
    counts = [int(_SUMMARY.search(p.read_text(errors="replace")).group(1)) for p in dumps]  # type: ignore[union-attr]
    if len(counts) != 2 * len(PHASES):
        raise SetupError(f"expected {2 * len(PHASES)} dumps, found {len(counts)}")
    per_request: dict[str, dict[str, list[float]]] = {
        "cc": {"off": [], "on": []},
        "login": {"off": [], "on": []},
    }
    for index, (path, side) in enumerate(PHASES):
        phase = counts[2 * index + 1]  # the dump at the phase's end holds the phase
        size = options.requests if path == "cc" else options.logins
        per_request[path][side].append(phase / size)
        print(f"  {path:>5} {side:>3}: {phase / size / 1e6:9.2f} M instructions per request")
    print(
        f"Authgate attack-protection cost in instructions (callgrind), SQLite, in-process,"
        f" {options.requests} token requests and {options.logins} logins per phase"
    )
    for path, label, target in (("login", "full logins", 0.05), ("cc", "client credentials", 0.02)):
        off = statistics.median(per_request[path]["off"])
        on = statistics.median(per_request[path]["on"])
        cost = on / off - 1
        verdict = "PASS" if cost < target else "FAIL"
        print(
            f"  {label}: off {off / 1e6:.2f} M, on {on / 1e6:.2f} M instructions per request,"
            f" cost {cost * 100:+.2f}% (target < {target * 100:.0f}%) {verdict}"
        )
    return 0


def main(argv: list[str]) -> int:
    options = parse_args(argv)
    if options.child is not None:
        asyncio.run(child(options.child, options.requests, options.logins))
        return 0
    work = Path(tempfile.mkdtemp(prefix="authgate-protection-cost-"))
    try:
        return measure(options, work)
    except SetupError as exc:
        print(f"setup failed: {exc}", file=sys.stderr)
        return 2
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
