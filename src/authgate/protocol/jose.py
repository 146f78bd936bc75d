"""The only module that touches the JOSE library (RFC 7515 JWS, RFC 7517 JWK, RFC 7519 JWT).

Every verification takes an explicit algorithm allow-list (ASVS 9.1.2): ``none`` is never in
one, and asymmetric and symmetric algorithms are never mixed in one list, so a token signed
with HS256 over our public key is refused (the key-confusion class of security.md §5). Keys
come only from our own key store; ``jku``, ``x5u`` and ``jwk`` headers are ignored (ASVS 9.1.3).
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

import orjson
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, OctKey, OKPKey, RSAKey
from joserfc.jws import JWSRegistry

RSA_ALGORITHMS = frozenset({"RS256", "RS384", "RS512", "PS256"})
EC_ALGORITHMS = frozenset({"ES256"})
OKP_ALGORITHMS = frozenset({"Ed25519"})  # RFC 9864 replaces "EdDSA"
ASYMMETRIC_ALGORITHMS = RSA_ALGORITHMS | EC_ALGORITHMS | OKP_ALGORITHMS
SYMMETRIC_ALGORITHMS = frozenset({"HS256"})

KEY_TYPE_OF_ALG = {
    **dict.fromkeys(RSA_ALGORITHMS, "RSA"),
    **dict.fromkeys(EC_ALGORITHMS, "EC"),
    **dict.fromkeys(OKP_ALGORITHMS, "OKP"),
}
RSA_KEY_BITS = 2048

_ASYMMETRIC_KEY = RSAKey | ECKey | OKPKey
_PKCS1_DIGESTS: dict[str, type[hashes.HashAlgorithm]] = {
    "RS256": hashes.SHA256,
    "RS384": hashes.SHA384,
    "RS512": hashes.SHA512,
}
_REGISTRY = JWSRegistry(algorithms=sorted(ASYMMETRIC_ALGORITHMS | SYMMETRIC_ALGORITHMS))


class JOSEError(ValueError):
    """A token that is malformed, unsigned, signed with a refused algorithm or by another key."""


@dataclass(frozen=True, slots=True)
class VerifiedJWT:
    header: dict[str, Any]
    claims: dict[str, Any]


class PrivateKey:
    """A private signing key with its key id; signs compact JWS for its algorithm family.

    RS256/RS384/RS512 (RSASSA-PKCS1-v1_5, RFC 7518 §3.3) are signed directly with the
    ``cryptography`` key and a header segment computed once per ``typ``: this is the token
    endpoint's hot path. Other algorithms go through joserfc.
    """

    __slots__ = ("_headers", "_key", "kid", "kty")

    def __init__(self, key: _ASYMMETRIC_KEY, kid: str) -> None:
        self._key = key
        self.kid = kid
        self.kty: str = key.key_type
        self._headers: dict[tuple[str, str], bytes] = {}

    def public_jwk(self) -> dict[str, Any]:
        """The public JWK without ``kid``/``alg``/``use``, which the caller decides."""
        data = self._key.as_dict(private=False)
        return {k: v for k, v in data.items() if k not in ("kid", "alg", "use", "key_ops")}

    def private_pem(self) -> bytes:
        return self._key.as_pem(private=True)

    def public_key(self) -> PublicKey:
        return PublicKey(self._key, self.kid)

    def sign(self, claims: Mapping[str, Any], *, alg: str, typ: str) -> str:
        if KEY_TYPE_OF_ALG.get(alg) != self.kty:
            raise JOSEError(f"algorithm {alg} does not fit a {self.kty} key")
        digest = _PKCS1_DIGESTS.get(alg)
        if digest is None:
            header = {"alg": alg, "typ": typ, "kid": self.kid}
            return jwt.encode(header, dict(claims), self._key, registry=_REGISTRY)
        head = self._headers.get((alg, typ))
        if head is None:
            head = _b64encode(orjson.dumps({"alg": alg, "typ": typ, "kid": self.kid}))
            self._headers[(alg, typ)] = head
        signing_input = head + b"." + _b64encode(orjson.dumps(dict(claims)))
        private = self._key.private_key
        assert isinstance(private, rsa.RSAPrivateKey)
        signature = private.sign(signing_input, padding.PKCS1v15(), digest())
        return (signing_input + b"." + _b64encode(signature)).decode()


class PublicKey:
    """A verification key with its key id."""

    __slots__ = ("_key", "kid")

    def __init__(self, key: _ASYMMETRIC_KEY, kid: str) -> None:
        self._key = key
        self.kid = kid

    @property
    def key(self) -> _ASYMMETRIC_KEY:
        return self._key


def generate_private_key(alg: str, kid: str) -> PrivateKey:
    """A fresh key: RSA-2048 for RS*/PS*, P-256 for ES256, Ed25519 for Ed25519 (RFC 9864)."""
    kty = KEY_TYPE_OF_ALG.get(alg)
    if kty == "RSA":
        return PrivateKey(RSAKey.generate_key(RSA_KEY_BITS, private=True), kid)
    if kty == "EC":
        return PrivateKey(ECKey.generate_key("P-256", private=True), kid)
    if kty == "OKP":
        return PrivateKey(OKPKey.generate_key("Ed25519", private=True), kid)
    raise JOSEError(f"unsupported signing algorithm {alg}")


def load_private_key(pem: bytes, kid: str) -> PrivateKey:
    for key_class in (RSAKey, ECKey, OKPKey):
        try:
            return PrivateKey(key_class.import_key(pem), kid)
        except (JoseError, ValueError, TypeError):
            continue
    raise JOSEError("not a supported private key")


def load_public_jwk(jwk: Mapping[str, Any], kid: str) -> PublicKey:
    key_classes: dict[str, type[RSAKey] | type[ECKey] | type[OKPKey]] = {
        "RSA": RSAKey,
        "EC": ECKey,
        "OKP": OKPKey,
    }
    key_class = key_classes.get(str(jwk.get("kty")))
    if key_class is None:
        raise JOSEError("unsupported key type")
    return PublicKey(key_class.import_key(dict(jwk)), kid)


def sign_hmac(claims: Mapping[str, Any], secret: bytes, *, typ: str, alg: str = "HS256") -> str:
    """A JWT signed with a shared secret (APIs configured with ``signing_alg: HS256``)."""
    if alg not in SYMMETRIC_ALGORITHMS:
        raise JOSEError(f"{alg} is not a symmetric algorithm")
    header = {"alg": alg, "typ": typ}
    return jwt.encode(header, dict(claims), OctKey.import_key(secret), registry=_REGISTRY)


def verify(
    token: str,
    keys: Mapping[str, PublicKey],
    algorithms: Collection[str],
) -> VerifiedJWT:
    """Verify a compact JWS signed by one of ``keys`` (by ``kid``) with an allowed algorithm.

    Only the signature and algorithm are checked here; claims (``iss``, ``aud``, ``exp``...)
    are the caller's, as they depend on what the token is for.
    """
    allowed = frozenset(algorithms)
    if not allowed or not allowed <= ASYMMETRIC_ALGORITHMS:
        raise JOSEError("verification needs a non-empty asymmetric algorithm allow-list")
    header = _unverified_header(token)
    alg, kid = header.get("alg"), header.get("kid")
    if alg not in allowed:
        raise JOSEError("algorithm not allowed")
    key = keys.get(kid) if isinstance(kid, str) else None
    if key is None or KEY_TYPE_OF_ALG[alg] != key.key.key_type:
        raise JOSEError("unknown signing key")
    try:
        decoded = jwt.decode(token, key.key, algorithms=[alg], registry=_REGISTRY)
    except (JoseError, ValueError, TypeError) as exc:
        raise JOSEError("signature verification failed") from exc
    return VerifiedJWT(header=dict(decoded.header), claims=dict(decoded.claims))


def _unverified_header(token: str) -> dict[str, Any]:
    parts = token.split(".")
    if len(parts) != 3 or not all(parts):
        raise JOSEError("not a compact JWS")
    try:
        header = json.loads(_b64decode(parts[0]))
    except ValueError as exc:
        raise JOSEError("malformed header") from exc
    if not isinstance(header, dict):
        raise JOSEError("malformed header")
    return header


def _b64encode(data: bytes) -> bytes:
    return base64.urlsafe_b64encode(data).rstrip(b"=")


def _b64decode(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def thumbprint_sha1(der: bytes) -> str:
    """``x5t``: base64url SHA-1 of a DER certificate (RFC 7517 §4.8)."""
    digest = hashlib.sha1(der, usedforsecurity=False).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
