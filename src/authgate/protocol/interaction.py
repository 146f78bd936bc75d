"""What an authorization request needs from the user before a code can be issued (OpenID
Connect Core §3.1.2.1 ``prompt`` and ``max_age``, §3.1.2.6 errors; reference §1.2
``screen_hint``).

A pure decision over the request, the browser's session and the consent already given:
issue, show the login (or signup) page, ask for consent, or, under ``prompt=none``, answer
``login_required`` / ``consent_required``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from authgate.protocol.endpoints.authorize import AuthorizationRequest
from authgate.protocol.errors import ConsentRequired, LoginRequired


class Step(enum.Enum):
    ISSUE = "issue"
    LOGIN = "login"
    SIGNUP = "signup"
    CONSENT = "consent"


@dataclass(frozen=True, slots=True)
class SessionState:
    """The browser's session as the decision sees it."""

    authenticated_at: float
    """When the user last authenticated (``auth_time``)."""


def next_step(
    request: AuthorizationRequest,
    session: SessionState | None,
    *,
    now: float,
    started_at: float,
    consented: bool,
) -> Step:
    """``started_at``: when this authorization transaction began; a login after it satisfies
    ``prompt=login`` and ``max_age`` (the user authenticated for this request). ``consented``:
    the user already granted what the request asks (the caller treats ``prompt=consent`` as
    not consented until the user answers in this transaction)."""
    fresh = session is not None and session.authenticated_at >= started_at
    if session is None or not _recent_enough(request, session, now, fresh):
        if "none" in request.prompt:
            raise LoginRequired("Login required")
        return Step.SIGNUP if request.screen_hint == "signup" else Step.LOGIN
    if "login" in request.prompt and not fresh:
        return Step.SIGNUP if request.screen_hint == "signup" else Step.LOGIN
    if not consented:
        if "none" in request.prompt:
            raise ConsentRequired("Consent required")
        return Step.CONSENT
    return Step.ISSUE


def _recent_enough(
    request: AuthorizationRequest, session: SessionState, now: float, fresh: bool
) -> bool:
    if request.max_age is None or fresh:
        return True
    return now - session.authenticated_at <= request.max_age
