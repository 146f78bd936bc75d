"""Discovery (OIDC Discovery §4, RFC 8414 §3), JWKS and tenant resolution by host."""

from __future__ import annotations

import httpx
import pytest

from tests.databases import ISSUER


@pytest.mark.parametrize(
    "path", ["/.well-known/openid-configuration", "/.well-known/oauth-authorization-server"]
)
async def test_metadata_documents(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path)
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    body = response.json()
    assert body["issuer"] == ISSUER
    assert body["token_endpoint"] == f"{ISSUER}oauth/token"
    assert body["jwks_uri"] == f"{ISSUER}.well-known/jwks.json"
    assert body["grant_types_supported"] == [
        "authorization_code",
        "client_credentials",
        "http://auth0.com/oauth/grant-type/password-realm",
        "implicit",
        "password",
        "refresh_token",
    ]
    assert body["token_endpoint_auth_methods_supported"] == [
        "client_secret_basic",
        "client_secret_post",
        "none",
    ]
    assert body["authorization_endpoint"] == f"{ISSUER}authorize"
    assert body["userinfo_endpoint"] == f"{ISSUER}userinfo"
    assert body["revocation_endpoint"] == f"{ISSUER}oauth/revoke"
    assert body["response_types_supported"] == [
        "code",
        "code id_token",
        "code id_token token",
        "code token",
        "id_token",
        "id_token token",
        "token",
    ]
    assert body["code_challenge_methods_supported"] == ["S256"]
    assert body["authorization_response_iss_parameter_supported"] is True
    assert body["end_session_endpoint"] == f"{ISSUER}oidc/logout"
    assert body["backchannel_logout_supported"] is True
    assert body["backchannel_logout_session_supported"] is True
    assert "frontchannel_logout_supported" not in body, "only what is implemented is advertised"
    assert "check_session_iframe" not in body


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Forwarded-Host": "evil.test"},
        {"X-Forwarded-Proto": "https", "X-Forwarded-Port": "8443"},
        {"Forwarded": "host=evil.test;proto=https"},
    ],
    ids=["x-forwarded-host", "x-forwarded-proto", "forwarded"],
)
async def test_issuer_ignores_forwarded_headers_from_untrusted_peers(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    body = (await client.get("/.well-known/openid-configuration", headers=headers)).json()
    assert body["issuer"] == ISSUER
    assert body["token_endpoint"].startswith(ISSUER)


async def test_unknown_host_gets_a_clear_error_and_no_tenant_data(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    for path in ("/.well-known/openid-configuration", "/.well-known/jwks.json", "/oauth/token"):
        method = client.post if path == "/oauth/token" else client.get
        response = await method(path, headers={"Host": "evil.test"})
        assert response.status_code == 404
        assert response.json()["error"] == "invalid_request"
        assert "tenant" in response.json()["error_description"]
    management = await client.get("/api/v2/clients", headers={**admin, "Host": "evil.test"})
    assert management.status_code == 404
    assert management.json()["errorCode"] == "unknown_host"


async def test_default_port_is_ignored_in_host(client: httpx.AsyncClient) -> None:
    response = await client.get("/.well-known/jwks.json", headers={"Host": "AUTHGATE.test:80"})
    assert response.status_code == 200


async def test_jwks_publishes_current_and_next_rsa_keys(client: httpx.AsyncClient) -> None:
    response = await client.get("/.well-known/jwks.json")
    assert response.headers["access-control-allow-origin"] == "*"
    keys = response.json()["keys"]
    assert len(keys) == 2
    for key in keys:
        assert key["kty"] == "RSA"
        assert key["use"] == "sig"
        assert key["alg"] == "RS256"
        assert key["e"] == "AQAB"
        assert len(key["n"]) >= 342  # 2048-bit modulus, base64url
        assert key["x5c"]
        assert key["x5t"]
        assert "d" not in key
        assert "p" not in key


async def test_remove_alg_from_jwks_flag(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    patched = await client.patch(
        "/api/v2/tenants/settings", json={"flags": {"remove_alg_from_jwks": True}}, headers=admin
    )
    assert patched.status_code == 200
    keys = (await client.get("/.well-known/jwks.json")).json()["keys"]
    assert all("alg" not in key for key in keys)


async def test_unknown_route_is_404_in_each_shape(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    assert (await client.get("/nope")).json()["error"] == "invalid_request"
    assert (await client.get("/api/v2/nope", headers=admin)).json()["statusCode"] == 404
