"""JSON responses with the headers the Authentication API sends."""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import Response

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def json_bytes(body: Any) -> bytes:
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()


def json_response(
    body: Any, *, status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    return Response(
        json_bytes(body), status_code=status, headers=headers, media_type="application/json"
    )
