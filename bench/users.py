"""``bench/users.py``: how fast Authgate looks up and searches users in a tenant of a million.

What is measured
    A fresh database (a scratch SQLite file, or with ``--database-url`` a throwaway database on
    that PostgreSQL server) is built by Authgate's migrations and bootstrap, then ``--users``
    synthetic users are written straight into the ``users`` table (see
    ``benchkit/users_data.py`` for the mix) and the planner statistics refreshed. Authgate then
    runs in-process (``create_app`` with its lifespan, httpx on the ASGI transport) and every
    operation of ``benchkit/users_queries.py`` is sent ``--samples`` times, one request at a
    time, with parameters drawn from users sampled out of the table.

What is printed
    The seeding time; then per operation the number of timed requests, p50/p95/p99 latency in
    ms, the median number of users returned (and of ``total`` with ``include_totals``) and the
    verdict against the targets: lookups by id or email p95 < 50 ms, searches p95 < 200 ms. The
    report is also saved to ``bench/results/users-<timestamp>.txt``. With ``--explain``, the
    SQL of each operation's slowest request follows with its query plan.

Exit status
    0 after a complete measurement, whatever the verdicts; 1 if a request failed; 2 if the
    setup failed; 130 on Ctrl-C. The database is deleted on the way out unless ``--keep``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType

from benchkit.procs import SetupError
from benchkit.users_data import UserFactory
from benchkit.users_db import build, contents, now, scratch_database, seed, settings_for
from benchkit.users_measure import Plan, RequestFailed, Timing, measure, running_app
from benchkit.users_queries import OPERATIONS, Samples, select
from benchkit.users_report import plans, summary, table

BENCH_DIR = Path(__file__).resolve().parent
SCRATCH = BENCH_DIR / ".scratch"
RESULTS = BENCH_DIR / "results"
SAMPLE_USERS = 2000


@dataclass(frozen=True)
class Options:
    users: int
    database_url: str | None
    reuse: str | None
    samples: int
    warmup: int
    max_seconds: float
    seed: int
    only: tuple[str, ...]
    keep: bool
    explain: bool


def parse_args(argv: Sequence[str]) -> Options:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--users", type=int, default=1_000_000, help="users to seed (1000000)")
    parser.add_argument(
        "--database-url",
        help="use a throwaway database created (and dropped) on this PostgreSQL server, e.g. "
        "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres (default: a SQLite file)",
    )
    parser.add_argument(
        "--reuse",
        metavar="URL",
        help="measure the database at URL, left by an earlier --keep run (no build, no seeding)",
    )
    parser.add_argument("--samples", type=int, default=200, help="timed requests per operation")
    parser.add_argument("--warmup", type=int, default=5, help="untimed requests first (5)")
    parser.add_argument(
        "--max-seconds",
        type=float,
        default=60.0,
        help="stop an operation's timed requests after this long (60)",
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed of users and queries")
    parser.add_argument(
        "--only",
        default="",
        help=f"comma-separated operations, of: {', '.join(op.key for op in OPERATIONS)}",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database and print its URL")
    parser.add_argument(
        "--explain", action="store_true", help="print the plan of each operation's slowest SQL"
    )
    args = parser.parse_args(argv)
    options = Options(
        users=args.users,
        database_url=args.database_url,
        reuse=args.reuse,
        samples=args.samples,
        warmup=args.warmup,
        max_seconds=args.max_seconds,
        seed=args.seed,
        only=tuple(key.strip() for key in args.only.split(",") if key.strip()),
        keep=args.keep,
        explain=args.explain,
    )
    if options.users < 1 or options.samples < 1 or options.warmup < 0:
        parser.error("--users and --samples must be positive, --warmup >= 0")
    if options.reuse and (options.database_url or options.keep):
        parser.error("--reuse measures an existing database: no --database-url, no --keep")
    try:
        select(options.only)
    except ValueError as exc:
        parser.error(str(exc))
    return options


def _raise_on_signal(signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: Sequence[str]) -> int:
    options = parse_args(argv)
    # SIGTERM and SIGHUP unwind like Ctrl-C, so that the scratch database is dropped.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _raise_on_signal)
    started = datetime.now(UTC)
    run_dir = SCRATCH / f"users-{started:%Y%m%dT%H%M%SZ}"
    run_dir.mkdir(parents=True)
    keep_dir = False
    try:
        if options.reuse:
            report = asyncio.run(bench(options, options.reuse, run_dir, fresh=False))
        else:
            keep_dir = options.keep and options.database_url is None
            with scratch_database(options.database_url, run_dir, keep=options.keep) as url:
                report = asyncio.run(bench(options, url, run_dir, fresh=True))
                if options.keep:
                    print(f"\nkept the database: --reuse {url}")
    except SetupError as exc:
        print(f"\nbench setup failed: {exc}", file=sys.stderr)
        return 2
    except RequestFailed as exc:
        print(f"\nrequest failed: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130
    finally:
        if not keep_dir:
            shutil.rmtree(run_dir, ignore_errors=True)
    print("\n" + report)
    saved = RESULTS / f"users-{started:%Y%m%dT%H%M%SZ}.txt"
    RESULTS.mkdir(parents=True, exist_ok=True)
    saved.write_text(report + "\n")
    print(f"\nsaved to {saved.relative_to(BENCH_DIR.parent)}")
    return 0


async def bench(options: Options, database_url: str, run_dir: Path, *, fresh: bool) -> str:
    """Build and seed the database when ``fresh``, time every operation, return the report."""
    data_dir = run_dir / "data"
    seeding = "none (--reuse)"
    if fresh:
        print(f"building the schema and bootstrapping ({_backend(database_url)}) ...", flush=True)
        home = await build(database_url, data_dir)
        print(f"seeding {options.users:,} users ...", flush=True)
        factory = UserFactory(
            tenant_id=home.tenant_id,
            connection_id=home.connection_id,
            count=options.users,
            seed=options.seed,
            now=now(),
        )
        begun = time.perf_counter()
        await seed(database_url, factory)
        seeding = f"{time.perf_counter() - begun:.1f} s (rows, indexes and statistics)"
    found = await contents(database_url, SAMPLE_USERS)
    samples = Samples(found.samples)
    rng = random.Random(options.seed)  # noqa: S311 - reproducible query parameters
    plan = Plan(options.samples, options.warmup, options.max_seconds)
    header = [
        f"Authgate user lookups and searches, {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC, "
        f"commit {_commit()}",
        f"machine: {os.cpu_count()} CPUs, load average {_loadavg()} at start",
        f"database: {found.server}, {found.users:,} users; seeding: {seeding}",
        f"requests: one at a time in-process (ASGI), {options.warmup} untimed then up to "
        f"{options.samples} timed per operation (at most {options.max_seconds:.0f} s each)",
    ]
    print("\n".join(header), flush=True)
    timings: list[Timing] = []
    async with running_app(settings_for(database_url, data_dir)) as client:
        for operation in select(options.only):
            timing = await measure(client, operation, samples, rng, plan)
            timings.append(timing)
            print(table([timing])[1], flush=True)
        explained = await plans(client.engine, timings) if options.explain else []
    lines = [*header, f"load average {_loadavg()} at end", "", *table(timings), ""]
    lines.append(summary(timings))
    if explained:
        lines += ["", "Query plans of the slowest request of each operation:", "", *explained]
    return "\n".join(lines)


def _backend(database_url: str) -> str:
    return "SQLite" if database_url.startswith("sqlite") else "PostgreSQL"


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
