"""Auth0's log event object."""

from __future__ import annotations

from typing import Any

from authgate.core.fields import wire_time
from authgate.logs.models import LogEvent

OPTIONAL = (
    "description",
    "connection",
    "connection_id",
    "client_id",
    "client_name",
    "ip",
    "hostname",
    "user_id",
    "user_name",
    "audience",
    "scope",
    "strategy",
    "strategy_type",
    "user_agent",
)


def log_to_wire(event: LogEvent) -> dict[str, Any]:
    body: dict[str, Any] = {
        "log_id": event.log_id,
        "_id": event.log_id,
        "date": wire_time(event.date),
        "type": event.type,
        "isMobile": event.is_mobile,
    }
    for name in OPTIONAL:
        value = getattr(event, name)
        if value is not None:
            body[name] = value
    if event.details:
        body["details"] = event.details
    return body
