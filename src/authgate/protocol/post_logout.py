"""Where a browser may be sent after logout (RFC 9700 §4.11, security.md BCP-03: no open
redirectors; OpenID Connect RP-Initiated Logout 1.0 §3: exact match with a registered URI).

Both logout endpoints send the browser only to a URL registered beforehand, compared by simple
string equality (RFC 3986 §6.2.1): no wildcard, no added query, no trailing slash, no case
folding. Auth0 also accepts subdomain wildcards and ignores the query string of ``returnTo``;
Authgate does not (DESIGN §1: where Auth0 is loose, the standards win). Anything else is a
``LogoutRefused``: the user sees an error page and the browser is sent nowhere.
"""

from __future__ import annotations

from collections.abc import Sequence

from authgate.protocol.errors import InvalidRequest

MAX_PARAM_LENGTH = 2048


class LogoutRefused(InvalidRequest):
    """A logout request that is answered with an error page, never with a redirect."""


def is_registered(uri: str, registered: Sequence[str]) -> bool:
    """True when ``uri`` is, character for character, one of ``registered``."""
    return "#" not in uri and uri in registered


def param(params: dict[str, str], name: str) -> str | None:
    """A parameter's value (None when absent or empty); an oversized one is refused."""
    value = params.get(name) or None
    if value is not None and len(value) > MAX_PARAM_LENGTH:
        raise LogoutRefused(f"The {name} parameter is too long.")
    return value
