"""The one place that draws random identifiers and secrets (STYLE §8)."""

from __future__ import annotations

import secrets
import string

ALPHANUMERIC = string.ascii_letters + string.digits
URLSAFE = ALPHANUMERIC + "-_"


def random_string(length: int, alphabet: str = ALPHANUMERIC) -> str:
    """A uniformly random string from ``alphabet`` using the system CSPRNG."""
    return "".join(secrets.choice(alphabet) for _ in range(length))


def random_token(nbytes: int = 32) -> str:
    """An unguessable URL-safe token carrying ``nbytes`` of entropy."""
    return secrets.token_urlsafe(nbytes)


def random_hex(nbytes: int) -> str:
    return secrets.token_hex(nbytes)


def client_id() -> str:
    """Auth0-shaped client id: 32 alphanumeric characters (about 190 bits)."""
    return random_string(32)


def client_secret() -> str:
    """Auth0-shaped client secret: 64 URL-safe characters (384 bits)."""
    return random_string(64, URLSAFE)


def prefixed_id(prefix: str, length: int = 16) -> str:
    """Object ids such as ``cgr_…``, ``con_…``, ``org_…``."""
    return f"{prefix}_{random_string(length)}"
