"""A real ``authgate serve`` process (two workers) for tests that drive real clients."""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import socket
import ssl
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.databases import BOOTSTRAP_CLIENT_ID, BOOTSTRAP_CLIENT_SECRET, TEST_SECRET_KEY

STARTUP_SECONDS = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    issuer: str
    domain: str
    port: int
    data_dir: Path
    process: subprocess.Popen[bytes]
    log: Path

    client_id: str = BOOTSTRAP_CLIENT_ID
    client_secret: str = BOOTSTRAP_CLIENT_SECRET

    @property
    def management_audience(self) -> str:
        return f"{self.issuer}api/v2/"

    def stop(self) -> None:
        """Stop the server and its worker processes (its own process group)."""
        # Client objects of this process left in unreachable reference cycles can hold a TLS
        # connection open, and the server would wait out its graceful-shutdown timeout (10 s)
        # for the close_notify that never comes: collect them first.
        gc.collect()
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)


def start_server(
    database_url: str,
    data_dir: Path,
    *,
    workers: int = 2,
    tls: tuple[Path, Path] | None = None,
    extra_env: dict[str, str] | None = None,
) -> LiveServer:
    port = free_port()
    scheme = "https" if tls else "http"
    issuer = f"{scheme}://127.0.0.1:{port}/"
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "AUTHGATE_DATA_DIR": str(data_dir),
        "AUTHGATE_DATABASE_URL": database_url,
        "AUTHGATE_ISSUER": issuer,
        "AUTHGATE_SECRET_KEY": TEST_SECRET_KEY,
        "AUTHGATE_BOOTSTRAP_CLIENT_ID": BOOTSTRAP_CLIENT_ID,
        "AUTHGATE_BOOTSTRAP_CLIENT_SECRET": BOOTSTRAP_CLIENT_SECRET,
        "AUTHGATE_LOG_LEVEL": "warning",
        **(extra_env or {}),
    }
    if tls:
        env["AUTHGATE_TLS_CERT"], env["AUTHGATE_TLS_KEY"] = str(tls[0]), str(tls[1])
    log = data_dir / "server.log"
    command = [
        sys.executable,
        "-m",
        "authgate",
        "serve",
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]
    with log.open("wb") as sink:
        process = subprocess.Popen(
            command, env=env, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = LiveServer(issuer, f"127.0.0.1:{port}", port, data_dir, process, log)
    verify = ssl.create_default_context(cafile=tls[0].parent / "ca.pem") if tls else True
    try:
        _wait_ready(server, verify)
    except BaseException:
        server.stop()
        raise
    return server


def _wait_ready(server: LiveServer, verify: ssl.SSLContext | bool) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"authgate exited:\n{server.log.read_text()[-4000:]}")
        try:
            if httpx.get(f"{server.issuer}readyz", verify=verify, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"authgate did not become ready:\n{server.log.read_text()[-4000:]}")
