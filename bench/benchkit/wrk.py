"""wrk: installing it, running it with ``bench/wrk/bench.lua`` and reading its summary line."""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from benchkit.procs import SetupError, group_cpu_seconds, machine_busy_seconds, run_checked

LUA_SCRIPT = Path(__file__).resolve().parent.parent / "wrk" / "bench.lua"
RESULT_PREFIX = "BENCH_RESULT "
NON_2XX_LINE = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")


@dataclass(frozen=True)
class Load:
    """What one wrk run sends: a URL, an optional form body, and how hard."""

    url: str
    form_body: str | None
    connections: int
    threads: int
    duration: int
    count_all_statuses: bool = False
    script: Path | None = None
    """Another wrk script than ``bench.lua`` (it must print the same summary line)."""
    env: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Sample:
    """One wrk run against one endpoint at one concurrency."""

    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    socket_errors: int
    server_cores: float
    wrk_cores: float
    other_cores: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def errors(self) -> int:
        return self.non_2xx + self.socket_errors


def ensure_wrk() -> str:
    """The path of ``wrk``, installing Debian's package when it is missing."""
    found = shutil.which("wrk")
    if found:
        return found
    print("wrk not found: installing Debian's wrk package", flush=True)
    install = ["apt-get", "install", "-y", "-q", "wrk"]
    os.environ["DEBIAN_FRONTEND"] = "noninteractive"
    try:
        run_checked(install, what="apt-get install wrk")
    except SetupError:
        run_checked(["apt-get", "update", "-q"], what="apt-get update")
        run_checked(install, what="apt-get install wrk")
    found = shutil.which("wrk")
    if not found:
        raise SetupError("wrk is still missing after apt-get install wrk")
    return found


def wrk_version(wrk: str) -> str:
    done = subprocess.run([wrk, "-v"], capture_output=True, text=True, check=False)
    first = (done.stdout + done.stderr).strip().splitlines()
    return first[0].split(" Copyright")[0] if first else "wrk (unknown version)"


def run_wrk(wrk: str, load: Load, server_pgid: int) -> Sample:
    """Run wrk once; the sample also carries the CPU the server group and wrk used meanwhile."""
    command = [
        wrk,
        f"--threads={min(load.threads, load.connections)}",
        f"--connections={load.connections}",
        f"--duration={load.duration}s",
        "--timeout=10s",
        f"--script={load.script or LUA_SCRIPT}",
        load.url,
    ]
    env = {
        **os.environ,
        "BENCH_FORM_BODY": load.form_body or "",
        "BENCH_COUNT_STATUS": "1" if load.count_all_statuses else "0",
        **load.env,
    }
    before = _cpu_snapshot(server_pgid)
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            env=env,
            check=False,
            timeout=load.duration + 60,
        )
    except subprocess.TimeoutExpired as exc:
        raise SetupError(f"wrk did not finish: {' '.join(command)}") from exc
    used = _cpu_snapshot(server_pgid).minus(before)
    if done.returncode != 0:
        raise SetupError(f"wrk failed (exit {done.returncode}): {done.stderr.strip()}")
    return _parse(done.stdout, used)


@dataclass(frozen=True)
class CpuSnapshot:
    """CPU seconds so far: the server's process group, finished children (wrk), the machine."""

    server: float
    wrk: float
    machine: float

    def minus(self, earlier: CpuSnapshot) -> CpuSnapshot:
        return CpuSnapshot(
            self.server - earlier.server, self.wrk - earlier.wrk, self.machine - earlier.machine
        )


def _cpu_snapshot(server_pgid: int) -> CpuSnapshot:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return CpuSnapshot(
        server=group_cpu_seconds(server_pgid),
        wrk=usage.ru_utime + usage.ru_stime,
        machine=machine_busy_seconds(),
    )


def _parse(stdout: str, used: CpuSnapshot) -> Sample:
    line = next((x for x in stdout.splitlines() if x.startswith(RESULT_PREFIX)), None)
    if line is None:
        raise SetupError(f"wrk printed no summary line:\n{stdout}")
    raw = json.loads(line.removeprefix(RESULT_PREFIX))
    seconds = max(raw["duration_us"] / 1e6, 1e-6)
    # The summary's count (above 399, or every non-2xx with the Lua hook) and wrk's own line.
    wrk_line = NON_2XX_LINE.search(stdout)
    non_2xx = max(raw["non_2xx"], int(wrk_line.group(1)) if wrk_line else 0)
    return Sample(
        requests=raw["requests"],
        seconds=seconds,
        p50_ms=raw["p50_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000,
        non_2xx=non_2xx,
        socket_errors=raw["connect"] + raw["read"] + raw["write"] + raw["timeout"],
        server_cores=used.server / seconds,
        wrk_cores=used.wrk / seconds,
        other_cores=max(0.0, used.machine - used.server - used.wrk) / seconds,
    )
