"""Authlib's OAuth 2.0 client (``AsyncOAuth2Client``) through the authorization code flow with
PKCE against a running Authgate: discovery, the hosted login page, the code exchange, the ID
token checked against the JWKS (joserfc), /userinfo, and refresh-token rotation."""

from __future__ import annotations

import asyncio
import secrets

import httpx
import pytest
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.httpx_client import AsyncOAuth2Client
from joserfc import jwt
from joserfc.jwk import KeySet

from tests.e2e import flows
from tests.e2e.server import LiveServer

CALLBACK = "http://127.0.0.1:53682/callback"  # a native app's loopback redirect (RFC 8252)
SCOPE = "openid profile email offline_access"


async def _discover(server: LiveServer) -> dict[str, object]:
    async with httpx.AsyncClient(timeout=30) as http:
        response = await http.get(f"{server.issuer}.well-known/openid-configuration")
    assert response.status_code == 200
    metadata: dict[str, object] = response.json()
    assert metadata["issuer"] == server.issuer
    assert "S256" in metadata["code_challenge_methods_supported"]  # type: ignore[operator]
    return metadata


def _verified_id_token(
    id_token: str, jwks: dict[str, object], server: LiveServer, client_id: str, nonce: str
) -> dict[str, object]:
    """Signature by a key of the JWKS, then OIDC Core §3.1.3.7: iss, aud, exp, iat, nonce. An ID
    token from a refresh carries no nonce (§12.2), but never a different one."""
    token = jwt.decode(id_token, KeySet.import_key_set(jwks), algorithms=["RS256"])  # type: ignore[arg-type]
    jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": server.issuer},
        aud={"essential": True, "value": client_id},
        nonce={"essential": "nonce" in token.claims, "value": nonce},
        sub={"essential": True},
        exp={"essential": True},
        iat={"essential": True},
    ).validate(token.claims)
    return token.claims


async def test_authlib_code_flow_with_pkce_userinfo_and_rotation(live_server: LiveServer) -> None:
    server = live_server
    metadata = await _discover(server)
    with flows.management(server) as api:
        client_id = flows.public_app(api, "native", CALLBACK)
        user_id, email = flows.user(api)

    nonce = secrets.token_urlsafe(16)
    verifier = secrets.token_urlsafe(64)
    async with AsyncOAuth2Client(
        client_id=client_id,
        redirect_uri=CALLBACK,
        scope=SCOPE,
        code_challenge_method="S256",
        token_endpoint_auth_method="none",
        timeout=30,
    ) as oauth:
        url, state = oauth.create_authorization_url(
            str(metadata["authorization_endpoint"]), code_verifier=verifier, nonce=nonce
        )
        assert "code_challenge_method=S256" in url
        with httpx.Client(timeout=30) as browser:
            callback = await asyncio.to_thread(flows.sign_in, browser, url, email, CALLBACK)
        assert callback.params["state"] == state
        assert callback.params["iss"] == server.issuer  # RFC 9207

        token = await oauth.fetch_token(
            str(metadata["token_endpoint"]),
            authorization_response=callback.url,
            code_verifier=verifier,
        )
        assert token["token_type"] == "Bearer"
        assert set(token["scope"].split()) == set(SCOPE.split())
        keys = await oauth.request("GET", str(metadata["jwks_uri"]), withhold_token=True)
        jwks = keys.json()
        claims = _verified_id_token(token["id_token"], jwks, server, client_id, nonce)
        assert claims["sub"] == user_id
        assert claims["email"] == email
        assert claims["nonce"] == nonce

        info = await oauth.get(str(metadata["userinfo_endpoint"]))
        assert info.status_code == 200, info.text
        assert info.json()["sub"] == user_id
        assert info.json()["email"] == email

        first_refresh_token = token["refresh_token"]
        refreshed = await oauth.refresh_token(str(metadata["token_endpoint"]))
        assert refreshed["refresh_token"] != first_refresh_token
        assert refreshed["access_token"] != token["access_token"]
        again = _verified_id_token(refreshed["id_token"], jwks, server, client_id, nonce)
        assert again["sub"] == user_id
        assert (await oauth.get(str(metadata["userinfo_endpoint"]))).json()["sub"] == user_id

        with pytest.raises(OAuthError) as reused:  # the rotated-out token is refused...
            await oauth.refresh_token(
                str(metadata["token_endpoint"]), refresh_token=first_refresh_token
            )
        assert reused.value.error == "invalid_grant"
        with pytest.raises(OAuthError) as family:  # ...and its reuse revoked the whole family
            await oauth.refresh_token(
                str(metadata["token_endpoint"]), refresh_token=refreshed["refresh_token"]
            )
        assert family.value.error == "invalid_grant"
