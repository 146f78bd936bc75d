"""Management API authorization (RFC 6750 §3, RFC 9068 §4, ASVS 9.1/9.2)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI
from joserfc import jwt
from joserfc.jwk import RSAKey

from tests.databases import ISSUER
from tests.factories import create_client, grant

MANAGEMENT_AUDIENCE = f"{ISSUER}api/v2/"


def _b64(data: dict[str, object]) -> str:
    raw = json.dumps(data).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


async def _current_key(client: httpx.AsyncClient) -> dict[str, object]:
    jwks = (await client.get("/.well-known/jwks.json")).json()
    return dict(jwks["keys"][0])


def _claims(**overrides: object) -> dict[str, object]:
    now = int(time.time())
    claims: dict[str, object] = {
        "iss": ISSUER,
        "sub": "someone@clients",
        "aud": MANAGEMENT_AUDIENCE,
        "iat": now,
        "exp": now + 600,
        "scope": "read:clients",
    }
    claims.update(overrides)
    return claims


async def _sign_with_tenant_key(app: FastAPI, claims: dict[str, object], typ: str) -> str:
    services = app.state.services
    tenant = await services.tenants.resolve("authgate.test")
    signer = await services.keys.signer(tenant)
    return str(signer.sign(claims, typ=typ))


def _error(response: httpx.Response) -> tuple[int, str | None]:
    body = response.json()
    assert set(body) >= {"statusCode", "error", "message"}
    assert body["statusCode"] == response.status_code
    return response.status_code, body.get("errorCode")


async def test_missing_token_is_401(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v2/clients")
    assert _error(response) == (401, "invalid_token")
    assert response.headers["www-authenticate"].startswith("Bearer")


async def test_token_in_query_string_is_not_accepted(
    client: httpx.AsyncClient, admin_token: str
) -> None:
    response = await client.get("/api/v2/clients", params={"access_token": admin_token})
    assert response.status_code == 401


@pytest.mark.parametrize(
    "header", ["Basic abc", "Bearer", "Bearer not.a.jwt", "Bearer " + "a" * 20_000]
)
async def test_malformed_authorization_is_401(client: httpx.AsyncClient, header: str) -> None:
    response = await client.get("/api/v2/clients", headers={"Authorization": header})
    assert response.status_code == 401


async def test_valid_token_with_insufficient_scope_is_403(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    app = await create_client(client, admin)
    await grant(
        client,
        admin,
        app["client_id"],
        audience=MANAGEMENT_AUDIENCE,
        scope=("read:resource_servers",),
    )
    token = await client.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "audience": MANAGEMENT_AUDIENCE,
        },
    )
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    assert (await client.get("/api/v2/resource-servers", headers=headers)).status_code == 200
    response = await client.get("/api/v2/clients", headers=headers)
    assert _error(response) == (403, "insufficient_scope")
    assert "read:clients" in response.json()["message"]


async def test_token_for_another_audience_is_401(
    client: httpx.AsyncClient, admin: dict[str, str], app: FastAPI
) -> None:
    token = await _sign_with_tenant_key(app, _claims(aud="https://api.example.test"), "at+jwt")
    response = await client.get("/api/v2/clients", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


async def test_token_from_another_issuer_is_401(client: httpx.AsyncClient, app: FastAPI) -> None:
    token = await _sign_with_tenant_key(app, _claims(iss="https://evil.test/"), "at+jwt")
    response = await client.get("/api/v2/clients", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


async def test_expired_token_is_401(client: httpx.AsyncClient, app: FastAPI) -> None:
    past = int(time.time()) - 3600
    token = await _sign_with_tenant_key(app, _claims(iat=past - 600, exp=past), "at+jwt")
    response = await client.get("/api/v2/clients", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


async def test_token_of_another_type_is_401(client: httpx.AsyncClient, app: FastAPI) -> None:
    """ASVS 9.2.2: an ID token (typ JWT) is not an access token."""
    token = await _sign_with_tenant_key(app, _claims(), "JWT")
    response = await client.get("/api/v2/clients", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


async def test_alg_none_is_refused(client: httpx.AsyncClient) -> None:
    key = await _current_key(client)
    token = f"{_b64({'alg': 'none', 'typ': 'at+jwt', 'kid': key['kid']})}.{_b64(_claims())}."
    response = await client.get("/api/v2/clients", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


async def test_hs256_signed_with_public_key_is_refused(client: httpx.AsyncClient) -> None:
    """The key-confusion attack of security.md §5: HMAC keyed with our public key."""
    key = await _current_key(client)
    public_pem = RSAKey.import_key({k: key[k] for k in ("kty", "n", "e")}).as_pem(private=False)
    signing_input = (
        f"{_b64({'alg': 'HS256', 'typ': 'at+jwt', 'kid': key['kid']})}.{_b64(_claims())}"
    )
    mac = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    token = f"{signing_input}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"
    response = await client.get("/api/v2/clients", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


async def test_token_signed_by_another_key_with_our_kid_is_refused(
    client: httpx.AsyncClient,
) -> None:
    key = await _current_key(client)
    other = RSAKey.import_key(rsa.generate_private_key(public_exponent=65537, key_size=2048))
    token = jwt.encode({"alg": "RS256", "typ": "at+jwt", "kid": key["kid"]}, _claims(), other)
    response = await client.get("/api/v2/clients", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
