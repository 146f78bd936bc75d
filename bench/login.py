"""``bench/login.py``: full logins and refresh-token rotation per second, each against the
ceiling it is judged by, measured in the same run.

What is measured
    Authgate runs as ``authgate serve --workers 2`` on a fresh SQLite data directory (or, with
    ``--database-url``, a fresh PostgreSQL database). Through the Management API a public SPA
    client (rotating refresh tokens) and ``--users`` users are made.

    * Full logins: ``--concurrency`` simulated browsers, each with a fresh cookie jar, do
      ``GET /authorize`` -> ``GET /u/login`` -> ``POST /u/login`` -> ``GET /authorize/resume``
      -> ``POST /oauth/token`` (code + PKCE) for ``--duration`` seconds (httpx, in this process).
    * The ceiling: the raw argon2id verification rate with Authgate's parameters (m=19 MiB,
      t=2, p=1) of two processes flat out (one per worker), measured before and after the
      login load and averaged.
    * Refresh with rotation: wrk with ``wrk/refresh.lua``, one connection per thread, each
      exchanging its own refresh token and keeping the rotated one.
    * Client credentials: wrk with ``wrk/bench.lua`` at the same concurrency.

What is printed
    The rates, p50/p99 latencies and failures, and the two verdicts: logins >= 80% of the
    argon2id rate, refresh >= 50% of the client-credentials rate.

Exit status
    0 after a complete measurement whatever the verdicts; 1 if a request failed; 2 if the
    setup failed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx

from benchkit.authgate import _management_token, start_authgate
from benchkit.logins import CALLBACK, PASSWORD, argon2_rate, login_load, login_once
from benchkit.postgres import fresh_database
from benchkit.procs import SetupError
from benchkit.wrk import Load, ensure_wrk, run_wrk

REFRESH_SCRIPT = Path(__file__).resolve().parent / "wrk" / "refresh.lua"


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="a PostgreSQL server URL (default: SQLite)")
    parser.add_argument("--duration", type=int, default=15, help="seconds per measurement")
    parser.add_argument("--concurrency", type=int, default=8, help="browsers / connections")
    parser.add_argument("--users", type=int, default=32, help="users to log in")
    return parser.parse_args(argv)


def provision(base_url: str, bootstrap_file: Path, users: int) -> tuple[str, list[str]]:
    bootstrap = json.loads(bootstrap_file.read_text())
    with httpx.Client(base_url=base_url, timeout=60.0) as http:
        http.headers["Authorization"] = f"Bearer {_management_token(http, bootstrap)}"
        client = _post(
            http,
            "/api/v2/clients",
            {
                "name": "bench-spa",
                "app_type": "spa",
                "callbacks": [CALLBACK],
                "token_endpoint_auth_method": "none",
                "grant_types": ["authorization_code", "refresh_token"],
                "refresh_token": {"rotation_type": "rotating", "expiration_type": "expiring"},
            },
        )
        emails = [f"bench-{n}@bench.test" for n in range(users)]
        for email in emails:
            body = {
                "connection": "Username-Password-Authentication",
                "email": email,
                "password": PASSWORD,
            }
            _post(http, "/api/v2/users", body)
    return str(client["client_id"]), emails


def _post(http: httpx.Client, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = http.post(path, json=body)
    if response.status_code != 201:
        raise SetupError(f"POST {path}: {response.status_code} {response.text}")
    return dict(response.json())


def measure(options: argparse.Namespace, run_dir: Path, database_url: str | None) -> int:
    wrk = ensure_wrk()
    with ExitStack() as stack:
        target = start_authgate(run_dir, database_url, stack)
        base_url = target.endpoints["discovery"].url.split("/.well-known")[0]
        client_id, emails = provision(
            base_url, run_dir / "authgate-data" / "bootstrap.json", options.users
        )
        asyncio.run(login_load(base_url, client_id, emails, options.concurrency, 3))  # warm-up
        before = argon2_rate(options.duration / 2, processes=2)
        logins = asyncio.run(
            login_load(base_url, client_id, emails, options.concurrency, options.duration)
        )
        after = argon2_rate(options.duration / 2, processes=2)
        ceiling = (before + after) / 2
        refresh_tokens = [
            asyncio.run(
                login_once(base_url, client_id, emails[n % len(emails)], "openid offline_access")
            )["refresh_token"]
            for n in range(options.concurrency)
        ]
        pgid = target.server.pid
        connections = options.concurrency
        refresh = run_wrk(
            wrk,
            Load(
                url=f"{base_url}/oauth/token",
                form_body=None,
                connections=connections,
                threads=connections,
                duration=options.duration,
                script=REFRESH_SCRIPT,
                env={
                    "BENCH_CLIENT_ID": client_id,
                    "BENCH_REFRESH_TOKENS": ",".join(refresh_tokens),
                },
            ),
            pgid,
        )
        token = target.endpoints["token"]
        credentials = run_wrk(
            wrk,
            Load(
                url=token.url,
                form_body=token.form_body,
                connections=connections,
                threads=connections,
                duration=options.duration,
                count_all_statuses=True,
            ),
            pgid,
        )
    engine = "PostgreSQL" if database_url else "SQLite"
    login_ratio = logins.rate / ceiling if ceiling else 0.0
    refresh_ratio = refresh.rps / credentials.rps if credentials.rps else 0.0
    print(f"Authgate login bench on {engine}, 2 workers, concurrency {connections}")
    print(f"  argon2id ceiling (2 processes): {before:.1f} / {after:.1f} -> {ceiling:.1f}/s")
    print(
        f"  full logins: {logins.rate:.1f}/s  p50 {logins.percentile(0.5):.0f} ms"
        f"  p99 {logins.percentile(0.99):.0f} ms  failures {logins.failures}"
    )
    print(
        f"  refresh (rotating): {refresh.rps:.0f}/s  p50 {refresh.p50_ms:.1f} ms"
        f"  p99 {refresh.p99_ms:.1f} ms  errors {refresh.errors}"
    )
    print(
        f"  client credentials: {credentials.rps:.0f}/s  p50 {credentials.p50_ms:.1f} ms"
        f"  p99 {credentials.p99_ms:.1f} ms  errors {credentials.errors}"
    )
    print(
        f"  logins / argon2id: {login_ratio:.2f} (target >= 0.80) "
        f"{'PASS' if login_ratio >= 0.8 else 'FAIL'}"
    )
    print(
        f"  refresh / client credentials: {refresh_ratio:.2f} (target >= 0.50) "
        f"{'PASS' if refresh_ratio >= 0.5 else 'FAIL'}"
    )
    failed = logins.failures + refresh.errors + credentials.errors
    return 1 if failed else 0


def main(argv: list[str]) -> int:
    options = parse_args(argv)
    run_dir = Path(tempfile.mkdtemp(prefix="authgate-login-bench-"))
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
