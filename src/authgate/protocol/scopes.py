"""Scope strings (RFC 6749 §3.3): space-delimited, case-sensitive tokens of NQCHAR."""

from __future__ import annotations

import re

from authgate.protocol.errors import InvalidScope

_SCOPE_TOKEN = re.compile(r"^[\x21\x23-\x5B\x5D-\x7E]+$")


def parse_scope(value: str | None) -> list[str]:
    """The scope tokens in request order, without duplicates."""
    if value is None or not value.strip(" "):
        return []
    tokens: list[str] = []
    for token in value.split(" "):
        if not token:
            continue
        if not _SCOPE_TOKEN.match(token):
            raise InvalidScope("The scope parameter contains an invalid character.")
        if token not in tokens:
            tokens.append(token)
    return tokens


def format_scope(tokens: list[str]) -> str:
    return " ".join(tokens)
