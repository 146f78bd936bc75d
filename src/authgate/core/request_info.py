"""What the services may know about the HTTP request behind a call (for logs and limits)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RequestInfo:
    ip: str | None = None
    user_agent: str | None = None
    hostname: str | None = None
