"""Client authentication at the token endpoint (RFC 6749 §2.3, §3.2.1; OIDC Core §9).

Methods are registered by their wire name. A request uses exactly one method (RFC 6749 §2.3:
"MUST NOT use more than one authentication method in each request"). The shared-secret methods
``client_secret_basic`` and ``client_secret_post`` are interchangeable for a confidential client,
as with Auth0; a public client (``none``) never presents a secret. Secrets are compared as
SHA-256 digests with ``hmac.compare_digest``, and an unknown client costs the same digest.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import unquote_plus

from authgate.protocol.errors import InvalidClient, InvalidRequest
from authgate.protocol.ports import ClientRecord, Directory

SECRET_METHODS = frozenset({"client_secret_basic", "client_secret_post"})
SUPPORTED_METHODS = ("client_secret_basic", "client_secret_post", "none")
_UNKNOWN_CLIENT_DIGEST = hashlib.sha256(b"authgate-unknown-client").digest()


@dataclass(frozen=True, slots=True)
class PresentedCredentials:
    method: str
    client_id: str
    secret: str | None


def secret_digest(secret: str) -> bytes:
    return hashlib.sha256(secret.encode()).digest()


def presented_credentials(
    params: Mapping[str, str], authorization: str | None
) -> PresentedCredentials:
    """Which method the request used, and the credentials it carried."""
    body_id = params.get("client_id")
    body_secret = params.get("client_secret")
    if authorization is not None and authorization[:6].lower() == "basic ":
        if body_secret is not None:
            raise InvalidRequest("Only one client authentication method may be used.")
        client_id, secret = _parse_basic(authorization[6:])
        if body_id is not None and body_id != client_id:
            raise InvalidRequest("client_id does not match the authenticated client.")
        return PresentedCredentials("client_secret_basic", client_id, secret)
    if not body_id:
        raise InvalidRequest("Missing required parameter: client_id")
    if body_secret is not None:
        return PresentedCredentials("client_secret_post", body_id, body_secret)
    return PresentedCredentials("none", body_id, None)


def _parse_basic(encoded: str) -> tuple[str, str]:
    basic_challenge = {"WWW-Authenticate": 'Basic realm="authgate"'}
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise InvalidClient(
            "Client authentication failed.",
            detail="malformed Basic header",
            headers=basic_challenge,
        ) from exc
    client_id, sep, secret = decoded.partition(":")
    if not sep or not client_id:
        raise InvalidClient(
            "Client authentication failed.",
            detail="malformed Basic header",
            headers=basic_challenge,
        )
    return unquote_plus(client_id), unquote_plus(secret)


async def authenticate_client(
    params: Mapping[str, str], authorization: str | None, directory: Directory
) -> ClientRecord:
    """The client the request is from, or ``InvalidClient``."""
    presented = presented_credentials(params, authorization)
    headers = (
        {"WWW-Authenticate": 'Basic realm="authgate"'}
        if presented.method == "client_secret_basic"
        else {}
    )
    client = await directory.client(presented.client_id)
    if presented.secret is None:
        if client is None or not client.is_public:
            raise InvalidClient(
                "Client authentication failed.",
                detail="no secret presented for a confidential or unknown client",
            )
        return client
    expected = client.secret_digest if client is not None else None
    matches = hmac.compare_digest(
        secret_digest(presented.secret), expected or _UNKNOWN_CLIENT_DIGEST
    )
    if client is None or expected is None or not matches:
        raise InvalidClient(
            "Client authentication failed.",
            detail="unknown client or wrong secret",
            headers=headers,
        )
    return client
