"""The report of ``bench/users.py``: one row per operation with its latency percentiles, result
counts and verdict, and on request the query plans of the slowest request of each."""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from benchkit.users_measure import Timing

_ALL_COLUMNS = re.compile(r"SELECT users\.id, (?:users\.\w+, )*users\.\w+ FROM")
HEADER = (
    f"{'operation':<42} {'kind':<6} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
    f"{'results':>7} {'total':>9}  target    verdict"
)


def table(timings: Sequence[Timing]) -> list[str]:
    """``results``: median number of users returned; ``total``: median ``total`` of the
    requests with ``include_totals``."""
    lines = [HEADER]
    for timing in timings:
        op = timing.operation
        total = f"{statistics.median(timing.totals):,.0f}" if timing.totals else "-"
        lines.append(
            f"{op.label:<42} {op.kind.value:<6} {len(timing.latencies_ms):>4} "
            f"{timing.percentile(50):>8.1f} {timing.percentile(95):>8.1f} "
            f"{timing.percentile(99):>8.1f} {statistics.median(timing.results):>7.0f} "
            f"{total:>9}  p95<{op.target_ms:<5.0f} {'PASS' if timing.passed else 'FAIL'}"
        )
    return lines


def summary(timings: Sequence[Timing]) -> str:
    failed = [t.operation.key for t in timings if not t.passed]
    if not failed:
        return f"all {len(timings)} operations within their targets"
    return f"{len(failed)} of {len(timings)} over target: {', '.join(failed)}"


async def plans(engine: AsyncEngine, timings: Sequence[Timing]) -> list[str]:
    """The SQL of each operation's slowest request with its plan: ``EXPLAIN QUERY PLAN`` on
    SQLite, ``EXPLAIN (ANALYZE, BUFFERS)`` on PostgreSQL (the statement runs again)."""
    lines: list[str] = []
    for timing in timings:
        lines.append(f"== {timing.operation.label} ({timing.operation.key})")
        for statement, parameters in timing.statements:
            lines.append(_abridged(statement))
            lines.append(f"   parameters: {parameters!r}")
            lines.extend(f"   {line}" for line in await explain(engine, statement, parameters))
        lines.append("")
    return lines


def _abridged(statement: str) -> str:
    """The statement on one line, a select list of every column of ``users`` as ``users.*``."""
    flat = " ".join(statement.split())
    return _ALL_COLUMNS.sub("SELECT users.* FROM", flat)


async def explain(engine: AsyncEngine, statement: str, parameters: Any) -> list[str]:
    async with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            rows = await connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
            depth: dict[int, int] = {0: -1}
            lines = []
            for node, parent, _unused, detail in map(tuple, rows):
                depth[node] = depth.get(parent, -1) + 1
                lines.append(f"{'  ' * depth[node]}{detail}")
            return lines
        rows = await connection.exec_driver_sql(
            f"EXPLAIN (ANALYZE, BUFFERS) {statement}", parameters
        )
        return [str(row[0]) for row in rows]
