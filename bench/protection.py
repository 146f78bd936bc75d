"""``bench/protection.py``: what attack protection costs on the login and token paths.

What is measured
    Authgate runs as ``authgate serve --workers 2`` on a fresh SQLite data directory (or, with
    ``--database-url``, a fresh PostgreSQL database; with ``--redis-url``, counters in Redis).
    Through the Management API a public SPA client and ``--users`` users are made.

    The same server is measured with attack protection **off** (brute-force protection,
    suspicious IP throttling, breached password detection and rate limits disabled) and **on**
    (Auth0's defaults for the first two, breached password detection with all its shields,
    rate limits enabled with buckets large enough that the bench never trips them: every
    request still pays for its take; bot detection stays at Auth0's default, ``never``, since
    the bench's clients are scripts a challenge is meant to stop), switched through the
    Management API, in alternating rounds (off, on, off, on, ...) so that machine noise falls
    on both sides:

    * full logins: ``--concurrency`` browsers doing authorize -> login page -> login POST ->
      resume -> code exchange, for ``--duration`` seconds per round (the users are many
      enough that Auth0's same-user limit of 20 logins a minute is never reached);
    * client credentials: wrk at the same concurrency, ``--duration`` seconds per round.

What is printed
    The rates of each round and the server-side CPU time per request (Authgate's workers, plus
    the PostgreSQL and Redis processes when they are used), the mean of each side, and two
    costs per path: in throughput (1 - on/off) and in CPU per request (on/off - 1). On a
    shared machine the throughput of a round swings by 10-15% with the neighbours' load; the
    CPU a request costs the server swings far less, so the verdict against the targets (under
    5% on logins, under 2% on client credentials) is taken on CPU per request.

Exit status
    0 after a complete measurement whatever the verdicts; 1 if a request failed; 2 if the
    setup failed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import statistics
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx

from benchkit.authgate import _management_token, start_authgate
from benchkit.logins import CALLBACK, PASSWORD, login_load
from benchkit.postgres import fresh_database
from benchkit.procs import SetupError, command_cpu_seconds, group_cpu_seconds
from benchkit.wrk import Load, ensure_wrk, run_wrk

OFF: dict[str, dict[str, Any]] = {
    "brute-force-protection": {"enabled": False},
    "suspicious-ip-throttling": {"enabled": False},
    "rate-limits": {"enabled": False},
    "breached-password-detection": {"enabled": False},
}
NEVER_TRIPS = {"enabled": True, "burst": 1_000_000, "interval_ms": 1}
ON: dict[str, dict[str, Any]] = {
    "brute-force-protection": {"enabled": True},
    "suspicious-ip-throttling": {"enabled": True},
    "rate-limits": {
        "enabled": True,
        "limits": dict.fromkeys(("token", "authorize", "management"), NEVER_TRIPS),
    },
    "breached-password-detection": {
        "enabled": True,
        "shields": ["block", "user_notification", "admin_notification"],
    },
}


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="a PostgreSQL server URL (default: SQLite)")
    parser.add_argument("--redis-url", help="keep the counters in this Redis")
    parser.add_argument("--duration", type=int, default=10, help="seconds per round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per side")
    parser.add_argument("--concurrency", type=int, default=8, help="browsers / connections")
    parser.add_argument("--users", type=int, default=150, help="users to log in")
    return parser.parse_args(argv)


def provision(http: httpx.Client, users: int) -> tuple[str, list[str]]:
    client = _post(
        http,
        "/api/v2/clients",
        {
            "name": "bench-spa",
            "app_type": "spa",
            "callbacks": [CALLBACK],
            "token_endpoint_auth_method": "none",
            "grant_types": ["authorization_code", "refresh_token"],
        },
    )
    emails = [f"bench-{n}@bench.test" for n in range(users)]
    for email in emails:
        body = {"connection": "Username-Password-Authentication", "email": email}
        _post(http, "/api/v2/users", {**body, "password": PASSWORD})
    return str(client["client_id"]), emails


def _post(http: httpx.Client, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = http.post(path, json=body)
    if response.status_code != 201:
        raise SetupError(f"POST {path}: {response.status_code} {response.text}")
    return dict(response.json())


def switch(http: httpx.Client, documents: dict[str, dict[str, Any]]) -> None:
    for feature, body in documents.items():
        response = http.patch(f"/api/v2/attack-protection/{feature}", json=body)
        if response.status_code != 200:
            raise SetupError(f"PATCH {feature}: {response.status_code} {response.text}")


def measure(options: argparse.Namespace, run_dir: Path, database_url: str | None) -> int:
    wrk = ensure_wrk()
    rates: dict[str, dict[str, list[float]]] = {
        "login": {"off": [], "on": []},
        "cc": {"off": [], "on": []},
    }
    cpu: dict[str, dict[str, list[float]]] = {
        "login": {"off": [], "on": []},
        "cc": {"off": [], "on": []},
    }
    helpers = (["postgres"] if database_url else []) + (
        ["redis-server"] if options.redis_url else []
    )
    failures = 0
    with ExitStack() as stack:
        target = start_authgate(run_dir, database_url, stack, redis_url=options.redis_url)
        base_url = target.endpoints["discovery"].url.split("/.well-known")[0]
        bootstrap = json.loads((run_dir / "authgate-data" / "bootstrap.json").read_text())
        http = stack.enter_context(httpx.Client(base_url=base_url, timeout=60.0))
        http.headers["Authorization"] = f"Bearer {_management_token(http, bootstrap)}"
        switch(http, ON)
        client_id, emails = provision(http, options.users)
        asyncio.run(login_load(base_url, client_id, emails, options.concurrency, 3))  # warm-up
        token = target.endpoints["token"]
        for number in range(options.rounds * 2):
            side = "off" if number % 2 == 0 else "on"
            switch(http, OFF if side == "off" else ON)
            pgid = target.server.pid
            before = server_cpu(pgid, helpers)
            logins = asyncio.run(
                login_load(base_url, client_id, emails, options.concurrency, options.duration)
            )
            login_cpu = server_cpu(pgid, helpers) - before
            before = server_cpu(pgid, helpers)
            credentials = run_wrk(
                wrk,
                Load(
                    url=token.url,
                    form_body=token.form_body,
                    connections=options.concurrency,
                    threads=options.concurrency,
                    duration=options.duration,
                    count_all_statuses=True,
                ),
                target.server.pid,
            )
            cc_cpu = server_cpu(pgid, helpers) - before
            failures += logins.failures + credentials.errors
            rates["login"][side].append(logins.rate)
            rates["cc"][side].append(credentials.rps)
            cpu["login"][side].append(login_cpu / max(logins.logins, 1) * 1000)
            cpu["cc"][side].append(cc_cpu / max(credentials.requests, 1) * 1000)
            print(
                f"  round {number + 1} ({side:>3}): logins {logins.rate:7.1f}/s"
                f" {cpu['login'][side][-1]:6.2f} ms cpu/login (failures {logins.failures}),"
                f" client credentials {credentials.rps:7.0f}/s"
                f" {cpu['cc'][side][-1]:6.3f} ms cpu/req (errors {credentials.errors})",
                flush=True,
            )
    engine = "PostgreSQL" if database_url else "SQLite"
    store = "Redis" if options.redis_url else engine
    print(
        f"Authgate attack-protection cost on {engine}, counters in {store}, 2 workers,"
        f" concurrency {options.concurrency}, {options.rounds} rounds of {options.duration} s"
    )
    for path, label, target_cost in (
        ("login", "full logins", 0.05),
        ("cc", "client credentials", 0.02),
    ):
        off, on = statistics.mean(rates[path]["off"]), statistics.mean(rates[path]["on"])
        cost = 1 - on / off if off else 0.0
        cpu_off = statistics.median(cpu[path]["off"])
        cpu_on = statistics.median(cpu[path]["on"])
        cpu_cost = cpu_on / cpu_off - 1 if cpu_off else 0.0
        verdict = "PASS" if cpu_cost < target_cost else "FAIL"
        print(
            f"  {label}: throughput off {off:.1f}/s, on {on:.1f}/s ({cost * 100:+.1f}%);"
            f" server cpu per request off {cpu_off:.3f} ms, on {cpu_on:.3f} ms"
            f" (cost {cpu_cost * 100:+.1f}%, target < {target_cost * 100:.0f}%) {verdict}"
        )
    return 1 if failures else 0


def server_cpu(pgid: int, helpers: list[str]) -> float:
    """CPU seconds of Authgate's process group and of the database and cache processes."""
    return group_cpu_seconds(pgid) + sum(command_cpu_seconds(name) for name in helpers)


def main(argv: list[str]) -> int:
    options = parse_args(argv)
    run_dir = Path(tempfile.mkdtemp(prefix="authgate-protection-bench-"))
    try:
        if options.database_url:
            with fresh_database(options.database_url) as url:
                return measure(options, run_dir, url)
        return measure(options, run_dir, None)
    except SetupError as exc:
        print(f"setup failed: {exc}", file=sys.stderr)
        return 2
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
