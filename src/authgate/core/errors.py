"""Domain errors raised by services; each API surface renders them in its own shape."""

from __future__ import annotations


class DomainError(Exception):
    status = 400
    error_code = "invalid_body"

    def __init__(self, message: str, *, error_code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if error_code is not None:
            self.error_code = error_code


class Invalid(DomainError):
    """A value that breaks a rule; the message names the field."""


class NotFound(DomainError):
    status = 404
    error_code = "inexistent_resource"


class Conflict(DomainError):
    status = 409
    error_code = "conflict"


class OperationNotSupported(DomainError):
    status = 400
    error_code = "operation_not_supported"


class TooManyRequests(DomainError):
    """A rate limit refused the request (429, with ``X-RateLimit-*`` headers)."""

    status = 429
    error_code = "too_many_requests"
