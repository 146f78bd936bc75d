"""Opaque ``from``/``next`` cursors for checkpoint paging."""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from authgate.core.errors import Invalid

_CURSOR = re.compile(r"^[A-Za-z0-9_-]{1,200}$")


def encode(key: str) -> str:
    return base64.urlsafe_b64encode(key.encode()).decode().rstrip("=")


def decode(cursor: str | None, *, prefix: str = "") -> str | None:
    """The key a cursor stands for; a malformed cursor is a 400 naming ``from``."""
    if not cursor:
        return None
    invalid = Invalid(
        "Query validation error: 'invalid cursor' on property from.",
        error_code="invalid_query_string",
    )
    if not _CURSOR.match(cursor):
        raise invalid
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        key = base64.b64decode(padded, altchars=b"-_", validate=True).decode()
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise invalid from exc
    if not key.startswith(prefix):
        raise invalid
    return key


def page(name: str, items: list[dict[str, Any]], take: int) -> dict[str, object]:
    """Auth0's checkpoint page ``{name: [...], "next": ...}`` from the ``take + 1`` items read
    after the cursor, in ``id`` order; no ``next`` on the last page."""
    body: dict[str, object] = {name: items[:take]}
    if len(items) > take:
        body["next"] = encode(str(items[take - 1]["id"]))
    return body
