"""When a page or a password grant gets a challenge (reference §3.1, "Bot detection").

Policies per flow: ``never``; ``always``; ``when_risky``, where a score made of three signals
is compared with a threshold set by ``bot_detection_level`` (``high`` challenges soonest):

- failed logins from the IP still counted by suspicious IP throttling: one point each, at most 4;
- requests from the IP to the hosted pages and password grants in the last minute (counted in
  this process): one point per 10 beyond the first 10, at most 4;
- missing browser signals: no ``User-Agent`` or one naming a script or tool (2 points), no
  ``Accept-Language`` (1), no ``Sec-Fetch-Mode`` (1).

Thresholds: ``low`` 6, ``medium`` 4, ``high`` 2. Allowlisted IPs are never challenged.
"""

from __future__ import annotations

import re
import time
from collections import OrderedDict, deque
from collections.abc import Mapping
from dataclasses import dataclass

THRESHOLDS = {"low": 6, "medium": 4, "high": 2}
_TOOLS = re.compile(r"curl|wget|python|httpx|requests|go-http|java/|okhttp|scrapy|bot\b", re.I)
WINDOW_SECONDS = 60.0
MAX_TRACKED = 50_000


@dataclass(frozen=True)
class Signals:
    failed_logins: int
    recent_requests: int
    user_agent: str
    accept_language: bool
    sec_fetch: bool

    @classmethod
    def of(cls, headers: Mapping[str, str], failed_logins: int, recent: int) -> Signals:
        return cls(
            failed_logins=failed_logins,
            recent_requests=recent,
            user_agent=headers.get("user-agent", ""),
            accept_language=bool(headers.get("accept-language")),
            sec_fetch=bool(headers.get("sec-fetch-mode")),
        )


def score(signals: Signals) -> int:
    points = min(4, signals.failed_logins)
    points += min(4, max(0, signals.recent_requests - 10) // 10)
    if not signals.user_agent or _TOOLS.search(signals.user_agent):
        points += 2
    points += 0 if signals.accept_language else 1
    points += 0 if signals.sec_fetch else 1
    return points


def should_challenge(policy: str, level: str, signals: Signals) -> bool:
    if policy == "always":
        return True
    if policy != "when_risky":
        return False
    return score(signals) >= THRESHOLDS.get(level, THRESHOLDS["medium"])


class Velocity:
    """Requests per IP in the last minute, in this process, for at most ``MAX_TRACKED`` IPs."""

    def __init__(self) -> None:
        self._seen: OrderedDict[str, deque[float]] = OrderedDict()

    def hit(self, ip: str, now: float | None = None) -> int:
        moment = time.monotonic() if now is None else now
        times = self._seen.pop(ip, None) or deque()
        while times and times[0] < moment - WINDOW_SECONDS:
            times.popleft()
        times.append(moment)
        self._seen[ip] = times
        if len(self._seen) > MAX_TRACKED:
            self._seen.popitem(last=False)
        return len(times)
