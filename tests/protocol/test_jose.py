"""``authgate.protocol.jose``: signing for every supported algorithm, checked by two
independent verifiers, and the refusals of ``verify``."""

from __future__ import annotations

import base64
import json

import jwt as pyjwt
import pytest

from authgate.protocol import jose

CLAIMS = {"iss": "https://id.example/", "sub": "s", "aud": "a", "exp": 4_000_000_000, "n": 1}


def _header(token: str) -> dict[str, object]:
    segment = token.split(".", maxsplit=1)[0]
    return dict(json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))))


@pytest.mark.parametrize("alg", ["RS256", "RS384", "RS512", "PS256", "ES256", "Ed25519"])
def test_signed_tokens_verify(alg: str) -> None:
    key = jose.generate_private_key(alg, "kid-1")
    token = key.sign(CLAIMS, alg=alg, typ="at+jwt")
    assert _header(token) == {"alg": alg, "typ": "at+jwt", "kid": "kid-1"}
    verified = jose.verify(token, {"kid-1": key.public_key()}, [alg])
    assert verified.claims == CLAIMS
    public = jose.load_public_jwk(key.public_jwk(), "kid-1")
    assert jose.verify(token, {"kid-1": public}, [alg]).claims == CLAIMS
    if alg.startswith("RS") or alg == "PS256":
        pem = key.public_key().key.as_pem(private=False)
        decoded = pyjwt.decode(token, pem, algorithms=[alg], audience="a")
        assert decoded == CLAIMS


def test_header_is_reused_per_typ_and_alg() -> None:
    key = jose.generate_private_key("RS256", "k")
    first = key.sign(CLAIMS, alg="RS256", typ="JWT")
    second = key.sign(CLAIMS, alg="RS256", typ="at+jwt")
    assert _header(first)["typ"] == "JWT"
    assert _header(second)["typ"] == "at+jwt"


def test_refusals() -> None:
    key = jose.generate_private_key("RS256", "k")
    other = jose.generate_private_key("RS256", "k")
    token = key.sign(CLAIMS, alg="RS256", typ="JWT")
    keys = {"k": key.public_key()}
    with pytest.raises(jose.JOSEError):
        jose.verify(token, keys, ["ES256"])
    with pytest.raises(jose.JOSEError):
        jose.verify(token, {"k": other.public_key()}, ["RS256"])
    with pytest.raises(jose.JOSEError):
        jose.verify(token, {}, ["RS256"])
    with pytest.raises(jose.JOSEError):
        jose.verify(token, keys, ["HS256"])
    with pytest.raises(jose.JOSEError):
        jose.verify(token[:-4] + "AAAA", keys, ["RS256"])
    with pytest.raises(jose.JOSEError):
        jose.verify("a.b", keys, ["RS256"])
    with pytest.raises(jose.JOSEError):
        key.sign(CLAIMS, alg="ES256", typ="JWT")
