"""Proof Key for Code Exchange (RFC 7636), S256 only (RFC 9700 §2.1.1; security.md BCP-10..13).

``plain`` exposes the verifier to whoever sees the authorization request, so it is refused as an
unsupported method (OAuth 2.1 §4.1.2.1: an unsupported method is an ``invalid_request``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

from authgate.protocol.errors import InvalidGrant, InvalidRequest

S256 = "S256"
METHODS = (S256,)
# RFC 7636 §4.1: 43 to 128 characters of [A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~"
_VERIFIER = re.compile(r"^[A-Za-z0-9\-._~]{43,128}$")
# §4.2: BASE64URL(SHA256(verifier)), 43 characters without padding
_CHALLENGE = re.compile(r"^[A-Za-z0-9\-_]{43}$")


def check_challenge(challenge: str | None, method: str | None) -> tuple[str, str] | None:
    """The challenge and its method from an authorization request, or None without one."""
    if challenge is None:
        if method is not None:
            raise InvalidRequest("code_challenge_method without code_challenge")
        return None
    method = method or "plain"  # §4.3: the default method is plain
    if method not in METHODS:
        raise InvalidRequest("Unsupported code_challenge_method: use S256.")
    if not _CHALLENGE.match(challenge):
        raise InvalidRequest("code_challenge is not a base64url SHA-256 digest.")
    return challenge, method


def verify(challenge: str | None, verifier: str | None) -> None:
    """§4.6: the verifier must hash to the challenge. A verifier without a challenge is refused
    too (PKCE downgrade, RFC 9700 §4.8.2)."""
    if challenge is None:
        if verifier is not None:
            raise InvalidGrant("code_verifier sent for a code issued without code_challenge.")
        return
    if verifier is None:
        raise InvalidGrant("Missing code_verifier.")
    if not _VERIFIER.match(verifier):
        raise InvalidGrant("Invalid code_verifier.")
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    computed = base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
    if not hmac.compare_digest(computed, challenge):
        raise InvalidGrant("Failed to verify code_verifier.")
