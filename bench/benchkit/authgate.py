"""Authgate as a benchmark target: ``authgate serve --workers 2`` on a fresh data directory,
then a resource server, a machine-to-machine client and its grant made through the Management
API with the bootstrap credentials."""

from __future__ import annotations

import json
import os
import sys
from contextlib import ExitStack
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx

from benchkit.procs import Server, SetupError, free_port, wait_until_ready
from benchkit.targets import BENCH_AUDIENCE, BENCH_SCOPE, Target, discover

WORKERS = 2


def start_authgate(
    run_dir: Path, database_url: str | None, stack: ExitStack, *, redis_url: str | None = None
) -> Target:
    """Start Authgate, provision the bench client and return the running target; ``stack``
    stops it."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    data_dir = run_dir / "authgate-data"
    data_dir.mkdir(parents=True)
    server = Server(
        name="authgate",
        command=[_authgate_executable(), "serve", "--workers", str(WORKERS), "--port", str(port)],
        log_path=run_dir / "authgate.log",
        env=_environment(data_dir, base_url, database_url, redis_url),
    )
    target = Target("authgate", _version(), server, {})
    stack.callback(server.stop)
    server.start()
    wait_until_ready(server, f"{base_url}/readyz")
    client_id, client_secret = provision(base_url, data_dir / "bootstrap.json")
    body = urlencode(
        {
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": client_secret,
            "audience": BENCH_AUDIENCE,
        }
    )
    target.endpoints = discover(base_url, body)
    return target


def _authgate_executable() -> str:
    executable = Path(sys.executable).with_name("authgate")
    if not executable.exists():
        raise SetupError(f"{executable} is missing: run `make install` first")
    return str(executable)


def _environment(
    data_dir: Path, base_url: str, database_url: str | None, redis_url: str | None = None
) -> dict[str, str]:
    env = {
        **os.environ,
        "AUTHGATE_DATA_DIR": str(data_dir),
        "AUTHGATE_ISSUER": f"{base_url}/",
        "AUTHGATE_ACCESS_LOG": "false",
        "AUTHGATE_LOG_LEVEL": "warning",
    }
    env.pop("AUTHGATE_DATABASE_URL", None)
    env.pop("AUTHGATE_REDIS_URL", None)
    if database_url:
        env["AUTHGATE_DATABASE_URL"] = database_url
    if redis_url:
        env["AUTHGATE_REDIS_URL"] = redis_url
    return env


def _version() -> str:
    try:
        return f"authgate {metadata.version('authgate')}"
    except metadata.PackageNotFoundError:
        return "authgate (version unknown)"


def provision(base_url: str, bootstrap_file: Path) -> tuple[str, str]:
    """Create the bench API, client and client grant; return the client's id and secret."""
    bootstrap = json.loads(bootstrap_file.read_text())
    with httpx.Client(base_url=base_url, timeout=30.0) as http:
        token = _management_token(http, bootstrap)
        http.headers["Authorization"] = f"Bearer {token}"
        _post(
            http,
            "/api/v2/resource-servers",
            {
                "identifier": BENCH_AUDIENCE,
                "name": "bench",
                "scopes": [{"value": BENCH_SCOPE, "description": "r"}],
            },
        )
        client = _post(http, "/api/v2/clients", {"name": "bench", "app_type": "non_interactive"})
        client_id, client_secret = str(client["client_id"]), str(client["client_secret"])
        _post(
            http,
            "/api/v2/client-grants",
            {"client_id": client_id, "audience": BENCH_AUDIENCE, "scope": [BENCH_SCOPE]},
        )
    return client_id, client_secret


def _management_token(http: httpx.Client, bootstrap: dict[str, Any]) -> str:
    response = http.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": bootstrap["client_id"],
            "client_secret": bootstrap["client_secret"],
            "audience": bootstrap["audience"],
        },
    )
    if response.status_code != 200:
        raise SetupError(f"Management token: {response.status_code} {response.text}")
    return str(response.json()["access_token"])


def _post(http: httpx.Client, path: str, document: dict[str, Any]) -> dict[str, Any]:
    response = http.post(path, json=document)
    if response.status_code not in (200, 201):
        raise SetupError(f"POST {path}: {response.status_code} {response.text}")
    created = response.json()
    if not isinstance(created, dict):
        raise SetupError(f"POST {path}: not a JSON object")
    return created
