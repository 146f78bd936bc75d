"""How an authorization response reaches the client (OAuth 2.0 Multiple Response Type Encoding
Practices §2.1 query and fragment; OAuth 2.0 Form Post Response Mode; Auth0's ``web_message``
for silent authentication in an iframe, reference §1.2).

Every response carries ``iss`` (RFC 9207 §2) and ``state`` when the request had one; query
parameters already in the redirect URI are kept (RFC 6749 §3.1.2).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

MODES = frozenset({"query", "fragment", "form_post", "web_message"})
DEFAULT_MODES = {
    "code": "query",
    **dict.fromkeys(
        (
            "token",
            "id_token",
            "id_token token",
            "code id_token",
            "code token",
            "code id_token token",
        ),
        "fragment",
    ),
}


@dataclass(frozen=True, slots=True)
class AuthorizationResponse:
    mode: str
    redirect_uri: str
    params: Mapping[str, str]

    @property
    def location(self) -> str:
        """The URL to redirect to, for the query and fragment modes."""
        parts = urlsplit(self.redirect_uri)
        if self.mode == "fragment":
            return urlunsplit(parts._replace(fragment=urlencode(self.params)))
        query = parse_qsl(parts.query, keep_blank_values=True) + list(self.params.items())
        return urlunsplit(parts._replace(query=urlencode(query), fragment=""))

    @property
    def origin(self) -> str:
        parts = urlsplit(self.redirect_uri)
        return f"{parts.scheme}://{parts.netloc}"


def respond(
    redirect_uri: str, mode: str, params: Mapping[str, str | None], *, issuer: str
) -> AuthorizationResponse:
    body = {name: value for name, value in params.items() if value is not None}
    body["iss"] = issuer
    return AuthorizationResponse(mode=mode, redirect_uri=redirect_uri, params=body)
