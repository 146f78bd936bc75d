"""Request parameters of the Authentication API, from form or JSON bodies (DESIGN §3.4).

A parameter may appear once (RFC 6749 §3.1, §3.2: "MUST NOT be included more than once"); a
repeated one is an ``invalid_request``, so that no two components can read different copies.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qsl

from starlette.requests import Request

from authgate.protocol.errors import InvalidRequest

MAX_BODY_BYTES = 64 * 1024
MAX_VALUE_LENGTH = 16 * 1024


def unique_pairs(pairs: list[tuple[str, str]]) -> dict[str, str]:
    params: dict[str, str] = {}
    for name, value in pairs:
        if name in params:
            raise InvalidRequest(f"Parameter {_safe(name)} is included more than once.")
        if len(value) > MAX_VALUE_LENGTH:
            raise InvalidRequest(f"Parameter {_safe(name)} is too long.")
        params[name] = value
    return params


async def body_params(request: Request) -> dict[str, str]:
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        raise InvalidRequest("The request body is too large.")
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/x-www-form-urlencoded":
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidRequest("The request body is not valid UTF-8.") from exc
        return unique_pairs(parse_qsl(text, keep_blank_values=True))
    if content_type == "application/json":
        return _json_params(body)
    if not body:
        return {}
    raise InvalidRequest(
        "Unsupported content type: send application/x-www-form-urlencoded or application/json."
    )


def _json_params(body: bytes) -> dict[str, str]:
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidRequest("The request body is not valid JSON.") from exc
    if not isinstance(document, dict):
        raise InvalidRequest("The request body must be a JSON object.")
    params: dict[str, str] = {}
    for name, value in document.items():
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise InvalidRequest(f"Parameter {_safe(name)} must be a string.")
        text = str(value)
        if len(text) > MAX_VALUE_LENGTH:
            raise InvalidRequest(f"Parameter {_safe(name)} is too long.")
        params[name] = text
    return params


def _safe(name: str) -> str:
    """A parameter name fit for ``error_description`` (RFC 6749 §5.2 character set)."""
    cleaned = "".join(ch for ch in name[:64] if 0x20 <= ord(ch) <= 0x7E and ch not in '"\\')
    return cleaned or "(unnamed)"
