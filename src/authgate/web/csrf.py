"""CSRF protection for hosted forms: a double-submitted random token (cookie + hidden field),
SameSite=Lax cookies, and an ``Origin`` check when the browser sends one (OWASP CSRF
Prevention Cheat Sheet, "Signed Double-Submit Cookie" without a session to sign against)."""

from __future__ import annotations

import hmac
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import Response

from authgate.core.randomness import random_token

COOKIE = "authgate_csrf"
FIELD = "csrf_token"


def token_for(request: Request) -> str:
    """The request's CSRF token (from its cookie), or a new one to set with ``remember``."""
    existing = request.cookies.get(COOKIE)
    if existing and 20 <= len(existing) <= 100:
        return existing
    return random_token(24)


def remember(response: Response, token: str, *, secure: bool) -> None:
    response.set_cookie(
        COOKIE, token, httponly=True, secure=secure, samesite="lax", path="/u/", max_age=3600
    )


def valid(request: Request, submitted: str | None, issuer: str) -> bool:
    cookie = request.cookies.get(COOKIE)
    if not cookie or not submitted or not hmac.compare_digest(cookie, submitted):
        return False
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return origin is None
    expected = urlsplit(issuer)
    return origin == f"{expected.scheme}://{expected.netloc}"
