"""Logout tokens: OpenID Connect Back-Channel Logout 1.0 §2.4 (final, errata set 1).

A JWT signed with the tenant's current key, explicitly typed ``logout+jwt`` (§2.4 and §4.1,
against cross-JWT confusion), carrying ``iss``, ``aud`` (the application), ``iat``, ``exp``
(two minutes: §4 "preferably at most two minutes in the future"), a unique ``jti``, ``sub``
and ``sid`` (Authgate always knows both; ``backchannel_logout_session_supported``), and
``events`` with exactly the back-channel logout member whose value is ``{}``. A logout token
never carries a ``nonce`` (§2.4: "A nonce Claim MUST NOT be present").

Which applications receive one is Auth0's ``oidc_logout`` setting: the initiators below.
"""

from __future__ import annotations

from typing import Any, Literal, get_args

from authgate.core.randomness import random_token

LOGOUT_TOKEN_TYP = "logout+jwt"
BACKCHANNEL_LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout"
LOGOUT_TOKEN_LIFETIME = 120

# Auth0's back-channel logout initiators: the session-ending events an application may
# subscribe to (``oidc_logout.backchannel_logout_initiators``). In ``custom`` mode the logout
# endpoints' own events are always on.
Initiator = Literal[
    "rp-logout",
    "idp-logout",
    "password-changed",
    "session-expired",
    "session-revoked",
    "account-deleted",
    "email-identifier-changed",
    "mfa-phone-unenrolled",
    "account-deactivated",
]
INITIATORS: tuple[Initiator, ...] = get_args(Initiator)
RP_LOGOUT: Initiator = "rp-logout"
SESSION_REVOKED: Initiator = "session-revoked"
ALWAYS_ON = frozenset({"rp-logout", "idp-logout"})


def logout_token_claims(
    *, issuer: str, client_id: str, subject: str, sid: str, now: int
) -> dict[str, Any]:
    return {
        "iss": issuer,
        "aud": client_id,
        "iat": now,
        "exp": now + LOGOUT_TOKEN_LIFETIME,
        "jti": random_token(16),
        "sub": subject,
        "sid": sid,
        "events": {BACKCHANNEL_LOGOUT_EVENT: {}},
    }
