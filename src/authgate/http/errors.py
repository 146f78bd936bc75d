"""Rendering errors in the shape of the surface a request came to (DESIGN §3.4): the
Management API shape under ``/api/v2``, the OAuth shape elsewhere."""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import Response

from authgate.api.errors import management_error
from authgate.core.errors import DomainError
from authgate.http.responses import NO_STORE, json_response
from authgate.http.tenancy import UnknownHost
from authgate.protocol.errors import OAuthError

log = logging.getLogger("authgate")
MANAGEMENT_PREFIX = "/api/v2"


class PayloadTooLarge(Exception):
    """A request body over the limit of its surface."""


def is_management(path: str) -> bool:
    return path == MANAGEMENT_PREFIX or path.startswith(MANAGEMENT_PREFIX + "/")


def error_for_path(
    path: str, status: int, message: str, error_code: str, oauth_error: str
) -> Response:
    if is_management(path):
        return management_error(status, message, error_code)
    return json_response(
        {"error": oauth_error, "error_description": message}, status=status, headers=NO_STORE
    )


def oauth_error(request: Request, exc: OAuthError) -> Response:
    if exc.detail:
        log.info(
            {
                "event": "oauth_error",
                "error": exc.error,
                "detail": exc.detail,
                "request_id": getattr(request.state, "request_id", None),
            }
        )
    if is_management(request.url.path):
        headers = dict(exc.headers)
        if exc.status == 401:
            headers["WWW-Authenticate"] = f'Bearer error="{exc.error}"'
        return management_error(exc.status, exc.description, exc.error, headers)
    return json_response(exc.body(), status=exc.status, headers={**NO_STORE, **exc.headers})


def known_error(request: Request, exc: Exception) -> Response | None:
    """The response for an error Authgate raises on purpose, or None for anything else."""
    path = request.url.path
    if isinstance(exc, OAuthError):
        return oauth_error(request, exc)
    if isinstance(exc, DomainError):
        return error_for_path(path, exc.status, exc.message, exc.error_code, "invalid_request")
    if isinstance(exc, UnknownHost):
        return error_for_path(
            path, 404, "No tenant is configured for this host.", "unknown_host", "invalid_request"
        )
    if isinstance(exc, PayloadTooLarge):
        return error_for_path(
            path, 413, "The request body is too large.", "payload_too_large", "invalid_request"
        )
    return None
