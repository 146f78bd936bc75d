"""Subprocesses of the benchmark: free ports, servers in their own process group, readiness."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx


class SetupError(RuntimeError):
    """The benchmark could not be set up: a tool, a server or a provisioning step failed."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run_checked(command: list[str], *, cwd: Path | None = None, what: str) -> str:
    """Run a short setup command and return its stdout, or raise ``SetupError``."""
    try:
        done = subprocess.run(
            command, cwd=cwd, capture_output=True, text=True, check=False, timeout=600
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SetupError(f"{what} failed: {exc}") from exc
    if done.returncode != 0:
        output = (done.stdout + done.stderr).strip()[-2000:]
        raise SetupError(f"{what} failed (exit {done.returncode}):\n{output}")
    return done.stdout


@dataclass
class Server:
    """A server started in a new session, so that it and its workers form one process group."""

    name: str
    command: list[str]
    log_path: Path
    env: Mapping[str, str]
    cwd: Path | None = None
    process: subprocess.Popen[bytes] | None = field(default=None, init=False)

    def start(self) -> None:
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                self.command,
                cwd=self.cwd,
                env=dict(self.env),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    @property
    def pid(self) -> int:
        if self.process is None:
            raise SetupError(f"{self.name} was not started")
        return self.process.pid

    def check_alive(self) -> None:
        if self.process is not None and self.process.poll() is not None:
            raise SetupError(
                f"{self.name} exited with code {self.process.returncode}; "
                f"last lines of {self.log_path}:\n{self.log_tail()}"
            )

    def log_tail(self, lines: int = 20) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def stop(self, grace: float = 10.0) -> None:
        """SIGTERM the whole process group, then SIGKILL whatever is left after ``grace``."""
        if self.process is None:
            return
        _signal_group(self.process.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=grace)
        _signal_group(self.process.pid, signal.SIGKILL)
        self.process.wait()
        self.process = None


def _signal_group(pgid: int, signum: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signum)


def wait_until_ready(server: Server, url: str, timeout: float = 60.0) -> None:
    """Poll ``url`` until it answers 200, failing early if the server exits."""
    deadline = time.monotonic() + timeout
    with httpx.Client(timeout=2.0) as client:
        while time.monotonic() < deadline:
            server.check_alive()
            try:
                if client.get(url).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
    raise SetupError(
        f"{server.name} was not ready at {url} after {timeout:.0f} s; "
        f"last lines of {server.log_path}:\n{server.log_tail()}"
    )


def _processes() -> Iterator[tuple[str, list[str]]]:
    """The command name and the fields after it of ``/proc/<pid>/stat`` of each live process
    (proc(5))."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        yield stat[stat.index("(") + 1 : stat.rindex(")")], stat[stat.rindex(")") + 2 :].split()


def _cpu(fields: list[str]) -> int:
    return int(fields[11]) + int(fields[12])  # utime + stime, in clock ticks


def group_cpu_seconds(pgid: int) -> float:
    """User plus system CPU seconds of the live processes in process group ``pgid``."""
    ticks = sum(_cpu(fields) for _, fields in _processes() if int(fields[2]) == pgid)
    return ticks / os.sysconf("SC_CLK_TCK")


def command_cpu_seconds(command: str) -> float:
    """User plus system CPU seconds of the live processes whose command name is ``command``
    (``postgres`` or ``redis-server``: the database's share of a request)."""
    ticks = sum(_cpu(fields) for name, fields in _processes() if name == command)
    return ticks / os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine was busy or stolen from, summed over all cores (proc(5))."""
    with Path("/proc/stat").open() as stat:
        fields = [int(x) for x in stat.readline().split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")
