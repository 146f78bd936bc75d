"""One exception class per wire error code (RFC 6749 §5.2, RFC 6750 §3.1, Auth0 additions).

Each error carries a client-safe ``description`` that goes on the wire and an optional private
``detail`` that is logged and never sent. Status codes follow Auth0 where it documents one
(``access_denied`` and ``unauthorized_client`` are 403 there) and the RFC otherwise.
"""

from __future__ import annotations

from typing import ClassVar


class OAuthError(Exception):
    error: ClassVar[str] = "server_error"
    status: ClassVar[int] = 400

    def __init__(
        self,
        description: str,
        *,
        detail: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(description)
        self.description = description
        self.detail = detail
        self.headers = headers or {}
        self.logged = False
        """True when the tenant log already holds this failure."""

    def body(self) -> dict[str, str]:
        return {"error": self.error, "error_description": self.description}


class InvalidRequest(OAuthError):
    error = "invalid_request"


class InvalidClient(OAuthError):
    """Client authentication failed (RFC 6749 §5.2): always 401 here, as Auth0 answers."""

    error = "invalid_client"
    status = 401


class InvalidGrant(OAuthError):
    error = "invalid_grant"


class UnauthorizedClient(OAuthError):
    error = "unauthorized_client"
    status = 403


class UnsupportedGrantType(OAuthError):
    error = "unsupported_grant_type"


class UnsupportedResponseType(OAuthError):
    error = "unsupported_response_type"


class LoginRequired(OAuthError):
    """OIDC Core §3.1.2.6: ``prompt=none`` and the user is not (or no longer) logged in."""

    error = "login_required"


class ConsentRequired(OAuthError):
    error = "consent_required"


class InteractionRequired(OAuthError):
    error = "interaction_required"


class InvalidScope(OAuthError):
    error = "invalid_scope"


class AccessDenied(OAuthError):
    error = "access_denied"
    status = 403


class InvalidToken(OAuthError):
    """RFC 6750 §3.1: the bearer token is malformed, expired, revoked or not for us."""

    error = "invalid_token"
    status = 401


class InsufficientScope(OAuthError):
    error = "insufficient_scope"
    status = 403


class TooManyRequests(OAuthError):
    error = "too_many_requests"
    status = 429


class TooManyAttempts(OAuthError):
    """Attack protection refused the attempt (brute force, suspicious IP, same-user limit)."""

    error = "too_many_attempts"
    status = 429


class PasswordLeaked(OAuthError):
    """Breached password detection blocked a login with a password known from a breach."""

    error = "password_leaked"
    status = 400


class RequiresVerification(OAuthError):
    """Bot detection wants a challenge that a non-interactive grant cannot show."""

    error = "requires_verification"
    status = 400


class ServerError(OAuthError):
    error = "server_error"
    status = 500


class TemporarilyUnavailable(OAuthError):
    error = "temporarily_unavailable"
    status = 503
