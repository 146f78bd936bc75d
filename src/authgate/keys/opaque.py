"""Opaque access tokens for ``/userinfo`` only (reference §1.2: without an API audience Auth0's
access token is not a JWT). The claims are sealed with AES-GCM under a key only the server
holds (``core.secretbox``), bound to the tenant: unreadable and unforgeable for clients,
checked without a database read."""

from __future__ import annotations

import binascii
import json
from collections.abc import Mapping
from typing import Any

import orjson

from authgate.core.secretbox import DecryptionError, SecretBox

MAX_LENGTH = 4096


class SealedTokens:
    """``protocol.ports.OpaqueTokens`` for one tenant."""

    def __init__(self, box: SecretBox, tenant_id: str) -> None:
        self._box, self._context = box, f"opaque-access-token:{tenant_id}"

    def seal(self, claims: Mapping[str, Any]) -> str:
        return self._box.seal(orjson.dumps(dict(claims)), self._context)

    def open(self, token: str) -> dict[str, Any] | None:
        if len(token) > MAX_LENGTH:
            return None
        try:
            claims = json.loads(self._box.open(token, self._context))
        except (DecryptionError, binascii.Error, ValueError):
            return None
        return claims if isinstance(claims, dict) else None
