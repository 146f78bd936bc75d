"""The report: one row per target, endpoint and concurrency (medians over the runs), then the
ratios the targets are about, each with PASS or FAIL."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field

from benchkit.wrk import Sample

AUTHGATE = "authgate"
PEER = "oidc-provider"
TOKEN_VS_PEER_TARGET = 1.25
DOCUMENT_VS_TOKEN_TARGET = 3.0


@dataclass(frozen=True)
class Point:
    target: str
    endpoint: str
    connections: int


@dataclass
class Results:
    """Every measured sample by point, and the error counts of the warm-ups."""

    samples: dict[Point, list[Sample]] = field(default_factory=dict)
    warmup_errors: int = 0

    def add(self, point: Point, sample: Sample) -> None:
        self.samples.setdefault(point, []).append(sample)

    def median_rps(self, point: Point) -> float | None:
        found = self.samples.get(point)
        return statistics.median(s.rps for s in found) if found else None

    def errors(self, point: Point) -> int:
        return sum(s.errors for s in self.samples.get(point, []))

    def total_errors(self) -> int:
        return self.warmup_errors + sum(s.errors for v in self.samples.values() for s in v)


TABLE_HEADER = (
    f"{'target':<14} {'endpoint':<10} {'conc':>4} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} "
    f"{'non-2xx':>7} {'sockerr':>7} {'srv cpu':>7} {'wrk cpu':>7} {'other':>5}  req/s of each run"
)


def table(results: Results) -> list[str]:
    lines = [TABLE_HEADER, "-" * len(TABLE_HEADER)]
    for point, samples in results.samples.items():
        lines.append(_row(point, samples))
    return lines


def _row(point: Point, samples: Sequence[Sample]) -> str:
    def med(values: Sequence[float]) -> float:
        return statistics.median(values)

    runs = " ".join(f"{s.rps:.0f}" for s in samples)
    return (
        f"{point.target:<14} {point.endpoint:<10} {point.connections:>4} "
        f"{med([s.rps for s in samples]):>8.0f} {med([s.p50_ms for s in samples]):>8.2f} "
        f"{med([s.p99_ms for s in samples]):>8.2f} {sum(s.non_2xx for s in samples):>7} "
        f"{sum(s.socket_errors for s in samples):>7} "
        f"{med([s.server_cores for s in samples]):>7.2f} "
        f"{med([s.wrk_cores for s in samples]):>7.2f} "
        f"{med([s.other_cores for s in samples]):>5.2f}  {runs}"
    )


def _ratio_cell(numerator: float | None, denominator: float | None) -> tuple[str, float | None]:
    if numerator is None or denominator is None or denominator == 0:
        return "n/a", None
    value = numerator / denominator
    return f"{value:.2f}x", value


def _verdict(value: float | None, target: float, errors: int) -> str:
    if value is None:
        return "n/a (not measured)"
    if errors:
        return f"FAIL ({errors} errors)"
    return "PASS" if value >= target else "FAIL"


def token_vs_peer(results: Results, concurrencies: Sequence[int]) -> list[str]:
    lines = [
        f"Token endpoint, Authgate / {PEER} (target: >= {TOKEN_VS_PEER_TARGET}x with zero errors)",
        f"  {'conc':>4} {'authgate':>9} {PEER:>14} {'ratio':>7}  verdict",
    ]
    for conc in concurrencies:
        ours_point = Point(AUTHGATE, "token", conc)
        peer_point = Point(PEER, "token", conc)
        ours, theirs = results.median_rps(ours_point), results.median_rps(peer_point)
        cell, value = _ratio_cell(ours, theirs)
        errors = results.errors(ours_point) + results.errors(peer_point)
        lines.append(
            f"  {conc:>4} {_num(ours):>9} {_num(theirs):>14} {cell:>7}  "
            f"{_verdict(value, TOKEN_VS_PEER_TARGET, errors)}"
        )
    return lines


def document_vs_token(results: Results, endpoint: str, concurrencies: Sequence[int]) -> list[str]:
    lines = [
        f"Authgate {endpoint} / token (target: >= {DOCUMENT_VS_TOKEN_TARGET:.0f}x)",
        f"  {'conc':>4} {endpoint:>9} {'token':>9} {'ratio':>7}  verdict",
    ]
    for conc in concurrencies:
        doc_point = Point(AUTHGATE, endpoint, conc)
        token_point = Point(AUTHGATE, "token", conc)
        doc, token = results.median_rps(doc_point), results.median_rps(token_point)
        cell, value = _ratio_cell(doc, token)
        errors = results.errors(doc_point)
        lines.append(
            f"  {conc:>4} {_num(doc):>9} {_num(token):>9} {cell:>7}  "
            f"{_verdict(value, DOCUMENT_VS_TOKEN_TARGET, errors)}"
        )
    return lines


def _num(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f}"


def error_summary(results: Results) -> list[str]:
    total = results.total_errors()
    runs = sum(len(v) for v in results.samples.values())
    if total == 0:
        return [
            f"Errors: none (non-2xx responses and socket errors, {runs} measured wrk runs "
            "and the warm-ups)."
        ]
    banner = "!" * 78
    return [
        banner,
        f"!!! ERRORS: {total} non-2xx responses or socket errors "
        f"({results.warmup_errors} of them in warm-ups).",
        "!!! Zero errors are expected: the rates above are not valid measurements.",
        banner,
    ]
