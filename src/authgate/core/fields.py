"""Reusable validated field types for request bodies (pydantic v2)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field, StringConstraints, ValidationError

MAX_URL_LENGTH = 2048
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,255}$")


def _absolute_url(value: str) -> str:
    parts = urlsplit(value)
    if not parts.scheme or not (parts.netloc or parts.path):
        raise ValueError("must be an absolute URL")
    if any(ch in value for ch in "\r\n\t\x00 "):
        raise ValueError("must not contain whitespace or control characters")
    return value


def _web_url(value: str) -> str:
    parts = urlsplit(_absolute_url(value))
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("must be an http(s) URL")
    return value


def _redirect_uri(value: str) -> str:
    """RFC 6749 §3.1.2: absolute, no fragment; custom schemes allowed for native apps."""
    parts = urlsplit(_absolute_url(value))
    if parts.fragment or "#" in value:
        raise ValueError("must not contain a fragment")
    if parts.scheme.lower() in ("javascript", "data", "vbscript", "file"):
        raise ValueError("uses a forbidden scheme")
    return value


def _origin(value: str) -> str:
    parts = urlsplit(_web_url(value))
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValueError("must be an origin (scheme, host and optional port)")
    return value


def _email(value: str) -> str:
    if not _EMAIL.match(value):
        raise ValueError("must be an email address")
    return value


Url = Annotated[str, StringConstraints(max_length=MAX_URL_LENGTH), AfterValidator(_absolute_url)]
WebUrl = Annotated[str, StringConstraints(max_length=MAX_URL_LENGTH), AfterValidator(_web_url)]
RedirectUri = Annotated[
    str, StringConstraints(max_length=MAX_URL_LENGTH), AfterValidator(_redirect_uri)
]
Origin = Annotated[str, StringConstraints(max_length=MAX_URL_LENGTH), AfterValidator(_origin)]
Email = Annotated[str, StringConstraints(max_length=320), AfterValidator(_email)]
UrlList = Annotated[list[RedirectUri], Field(max_length=100)]
OriginList = Annotated[list[Origin], Field(max_length=100)]


def wire_time(value: datetime) -> str:
    """Auth0's timestamp format: ISO 8601 in UTC with milliseconds and ``Z``."""
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def describe_validation_error(exc: ValidationError, *, prefix: str | None = None) -> str:
    """Auth0-style message naming the first offending field of a rejected body."""
    error = exc.errors()[0]
    location = [str(part) for part in error.get("loc", ()) if part not in ("body",)]
    if prefix:
        location.insert(0, prefix)
    message = str(error.get("msg", "invalid value"))
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    if error.get("type") == "extra_forbidden":
        message = "Additional properties not allowed"
    if error.get("type") == "missing":
        message = "Missing required property"
    where = ".".join(location)
    return (
        f"Payload validation error: '{message}' on property {where}."
        if where
        else (f"Payload validation error: '{message}'.")
    )
