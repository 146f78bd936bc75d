"""``make bench``: throughput and latency of Authgate's token, discovery and JWKS endpoints,
side by side with a peer, panva's node ``oidc-provider`` v9.

What is measured
    * Authgate: ``authgate serve --workers 2`` on a fresh SQLite data directory (or, with
      ``--database-url``, on a fresh PostgreSQL database). A resource server
      ``https://bench.api/``, a machine-to-machine client and its client grant are made through
      the Management API; the token endpoint is then loaded with client-credentials requests
      (``client_secret_post`` form bodies) that each get an RS256 JWT access token.
    * The peer: one node process of ``oidc-provider`` configured by ``bench/peer/provider.mjs``
      for the same grant: one confidential client, a resource indicator whose tokens are
      RS256 JWTs.
    * For each target, endpoint (token, discovery, JWKS) and concurrency (8, 32, 64
      connections), wrk runs ``--runs`` times for ``--duration`` seconds. The runs are
      interleaved (run 1 of every point, then run 2, ...) and the two servers alternate, so
      that a noisy neighbour hurts both alike. Each server and endpoint is warmed up first.

What is printed
    Requests per second, p50 and p99 latency (medians over the runs), non-2xx responses and
    socket errors (sums), and the CPU the server's processes and wrk used (in cores) for every
    point; then the ratios the targets are about: Authgate/peer on the token endpoint
    (>= 1.25x with zero errors) and Authgate's discovery/token and JWKS/token (>= 3x each),
    with PASS or FAIL. The report is also saved to ``bench/results/<timestamp>.txt``.

Exit status
    0 after a complete measurement, whatever the verdicts; 1 if any request failed (non-2xx or
    socket error: the numbers are then not valid); 2 if the setup failed; 130 on Ctrl-C.
    Every server started here is stopped on the way out.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType

from benchkit.authgate import WORKERS, start_authgate
from benchkit.peer import install_peer, start_peer
from benchkit.postgres import fresh_database
from benchkit.procs import SetupError
from benchkit.report import (
    AUTHGATE,
    PEER,
    Point,
    Results,
    document_vs_token,
    error_summary,
    table,
    token_vs_peer,
)
from benchkit.targets import ENDPOINTS, Target, check_endpoints
from benchkit.wrk import Load, ensure_wrk, run_wrk, wrk_version

BENCH_DIR = Path(__file__).resolve().parent
SCRATCH = BENCH_DIR / ".scratch"
RESULTS = BENCH_DIR / "results"


@dataclass(frozen=True)
class Options:
    duration: int
    runs: int
    warmup: int
    concurrency: tuple[int, ...]
    endpoints: tuple[str, ...]
    threads: int
    database_url: str | None
    skip_peer: bool
    count_all_statuses: bool


def parse_args(argv: Sequence[str]) -> Options:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run (10)")
    parser.add_argument("--runs", type=int, default=2, help="runs per point, median taken (2)")
    parser.add_argument("--warmup", type=int, default=2, help="warm-up seconds, 0: none (2)")
    parser.add_argument("--concurrency", default="8,32,64", help="connections (8,32,64)")
    parser.add_argument("--endpoints", default=",".join(ENDPOINTS), help="token,discovery,jwks")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (1)")
    parser.add_argument(
        "--database-url",
        help="run Authgate on a fresh database created (and dropped) on this PostgreSQL server, "
        "e.g. postgresql+asyncpg://postgres@127.0.0.1:5432/postgres",
    )
    parser.add_argument("--skip-peer", action="store_true", help="measure Authgate only")
    parser.add_argument(
        "--count-all-statuses",
        action="store_true",
        help="count 1xx/3xx too with a wrk response hook (costs wrk CPU; default: >= 400 only)",
    )
    args = parser.parse_args(argv)
    options = Options(
        duration=args.duration,
        runs=args.runs,
        warmup=args.warmup,
        concurrency=tuple(int(c) for c in args.concurrency.split(",") if c.strip()),
        endpoints=tuple(e.strip() for e in args.endpoints.split(",") if e.strip()),
        threads=args.threads,
        database_url=args.database_url,
        skip_peer=args.skip_peer,
        count_all_statuses=args.count_all_statuses,
    )
    _validate(parser, options)
    return options


def _validate(parser: argparse.ArgumentParser, options: Options) -> None:
    if options.runs < 2:
        parser.error("--runs must be at least 2 (the report is a median)")
    if options.duration < 1 or options.warmup < 0 or options.threads < 1:
        parser.error("--duration must be >= 1, --warmup >= 0 and --threads >= 1")
    if not options.concurrency or min(options.concurrency) < 1:
        parser.error("--concurrency needs positive connection counts")
    unknown = set(options.endpoints) - set(ENDPOINTS)
    if unknown or not options.endpoints:
        parser.error(f"--endpoints takes some of {', '.join(ENDPOINTS)}")


def _raise_on_signal(signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: Sequence[str]) -> int:
    options = parse_args(argv)
    # Ctrl-C raises KeyboardInterrupt even where a parent shell ignored SIGINT; SIGTERM and
    # SIGHUP do the same, so that every server is stopped on the way out.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _raise_on_signal)
    started = datetime.now(UTC)
    run_dir = SCRATCH / "runs" / started.strftime("%Y%m%dT%H%M%SZ")
    try:
        results, header = benchmark(options, run_dir)
    except SetupError as exc:
        print(f"\nbench setup failed: {exc}\n(logs kept in {run_dir})", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        shutil.rmtree(run_dir, ignore_errors=True)
        print("\ninterrupted; servers stopped", file=sys.stderr)
        return 130
    shutil.rmtree(run_dir, ignore_errors=True)
    report = render(options, results, header)
    print("\n" + report)
    saved = save(report, started)
    print(f"\nsaved to {saved.relative_to(BENCH_DIR.parent)}")
    return 1 if results.total_errors() else 0


def benchmark(options: Options, run_dir: Path) -> tuple[Results, list[str]]:
    """Set everything up, measure, and stop every server again (also on errors)."""
    run_dir.mkdir(parents=True)
    wrk = ensure_wrk()
    peer_dir = None if options.skip_peer else install_peer(SCRATCH)
    with ExitStack() as stack:
        database_url = None
        if options.database_url:
            database_url = stack.enter_context(fresh_database(options.database_url))
        targets = [start_authgate(run_dir, database_url, stack)]
        if peer_dir is not None:
            targets.append(start_peer(peer_dir, run_dir, stack))
        for target in targets:
            check_endpoints(target)
        header = describe(options, targets, wrk)
        print("\n".join(header), flush=True)
        print(f"about {_load_seconds(options, len(targets)) / 60:.1f} min of load", flush=True)
        results = Results()
        warm_up(options, targets, wrk, results)
        measure(options, targets, wrk, results)
        for target in targets:
            target.server.check_alive()
    return results, header


def _load(options: Options, target: Target, endpoint: str, connections: int) -> Load:
    chosen = target.endpoints[endpoint]
    return Load(
        url=chosen.url,
        form_body=chosen.form_body,
        connections=connections,
        threads=options.threads,
        duration=options.duration,
        count_all_statuses=options.count_all_statuses,
    )


def warm_up(options: Options, targets: Sequence[Target], wrk: str, results: Results) -> None:
    if options.warmup <= 0:
        return
    print(f"warming up: {options.warmup} s per target and endpoint", flush=True)
    for target in targets:
        for endpoint in options.endpoints:
            load = replace(
                _load(options, target, endpoint, max(options.concurrency)),
                duration=options.warmup,
            )
            sample = run_wrk(wrk, load, target.server.pid)
            results.warmup_errors += sample.errors


def measure(options: Options, targets: Sequence[Target], wrk: str, results: Results) -> None:
    """Run 1 of every point, then run 2, ...; within a point the targets take turns."""
    for run in range(1, options.runs + 1):
        for endpoint in options.endpoints:
            for connections in options.concurrency:
                for target in targets:
                    load = _load(options, target, endpoint, connections)
                    sample = run_wrk(wrk, load, target.server.pid)
                    results.add(Point(target.name, endpoint, connections), sample)
                    print(
                        f"[run {run}/{options.runs}] {target.name:<13} {endpoint:<9} "
                        f"c={connections:<3} {sample.rps:8.0f} req/s  p50 {sample.p50_ms:6.2f} ms"
                        f"  p99 {sample.p99_ms:7.2f} ms  errors {sample.errors}"
                        f"  cpu srv {sample.server_cores:.2f} other {sample.other_cores:.2f}",
                        flush=True,
                    )


def _load_seconds(options: Options, targets: int) -> int:
    measuring = len(options.concurrency) * options.runs * options.duration
    return targets * len(options.endpoints) * (measuring + options.warmup)


def describe(options: Options, targets: Sequence[Target], wrk: str) -> list[str]:
    """The report's first lines: when, where, with what."""
    database = "PostgreSQL" if options.database_url else "SQLite"
    lines = [
        f"Authgate benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC, commit {_commit()}",
        f"machine: {os.cpu_count()} CPUs, load average {_loadavg()} at start",
        f"load: {wrk_version(wrk)}, {options.threads} thread(s), {options.runs} runs x "
        f"{options.duration} s per point (median reported), {options.warmup} s warm-up",
        f"  {AUTHGATE}: {targets[0].version}, {WORKERS} workers, {database}",
    ]
    if len(targets) > 1:
        lines.append(f"  {PEER}: {targets[1].version}, 1 process")
    return lines


def render(options: Options, results: Results, header: Sequence[str]) -> str:
    lines = [*header, f"load average {_loadavg()} at end", ""]
    lines += table(results)
    lines.append("")
    if not options.skip_peer and "token" in options.endpoints:
        lines += [*token_vs_peer(results, options.concurrency), ""]
    for endpoint in ("discovery", "jwks"):
        if endpoint in options.endpoints and "token" in options.endpoints:
            lines += [*document_vs_token(results, endpoint, options.concurrency), ""]
    lines += error_summary(results)
    return "\n".join(lines)


def save(report: str, started: datetime) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{started:%Y%m%dT%H%M%SZ}.txt"
    path.write_text(report + "\n")
    return path


def _commit() -> str:
    done = subprocess.run(
        ["git", "-C", str(BENCH_DIR), "describe", "--always", "--dirty"],
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip() or "unknown"


def _loadavg() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


if __name__ == "__main__":
    started_at = time.monotonic()
    code = main(sys.argv[1:])
    print(f"(bench took {time.monotonic() - started_at:.0f} s)", file=sys.stderr)
    sys.exit(code)
