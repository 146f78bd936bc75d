"""Redirect URI matching (RFC 6749 §3.1.2; RFC 9700 §2.1 and §4.1.3; security.md BCP-01, BCP-06).

Exact string comparison with the client's registered ``callbacks``. The one exception is the
loopback interface for native apps (RFC 8252 §7.3): ``http://127.0.0.1`` and ``http://[::1]``
with any port, the rest of the URI still exact. ``localhost`` gets no exception (RFC 8252
§8.3 advises against it). A redirect URI with a fragment is never accepted (RFC 6749 §3.1.2).
When the request names none and exactly one is registered, that one is used.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit, urlunsplit

from authgate.protocol.errors import InvalidRequest

_LOOPBACK_HOSTS = ("127.0.0.1", "[::1]")


class RedirectUriMismatch(InvalidRequest):
    """Never redirected to: the user sees an error page instead (BCP-02)."""


def resolve(registered: Sequence[str], requested: str | None, *, native: bool) -> str:
    if requested is None:
        if len(registered) == 1:
            return registered[0]
        raise RedirectUriMismatch("Missing required parameter: redirect_uri")
    if "#" in requested:
        raise RedirectUriMismatch("The redirect_uri must not contain a fragment.")
    if requested in registered:
        return requested
    if native and any(_loopback_match(uri, requested) for uri in registered):
        return requested
    raise RedirectUriMismatch(
        "The redirect_uri is not in the list of allowed callback URLs of the application."
    )


def _loopback_match(registered: str, requested: str) -> bool:
    try:
        mine, theirs = urlsplit(registered), urlsplit(requested)
        mine.port, theirs.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        return False
    if mine.scheme != "http" or theirs.scheme != "http":
        return False
    host = _host(mine.netloc)
    if host not in _LOOPBACK_HOSTS or host != _host(theirs.netloc):
        return False
    return urlunsplit(mine._replace(netloc=host)) == urlunsplit(theirs._replace(netloc=host))


def _host(netloc: str) -> str:
    if netloc.startswith("["):
        return netloc.split("]", 1)[0] + "]"
    return netloc.rsplit(":", 1)[0] if ":" in netloc else netloc
