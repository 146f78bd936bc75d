"""Python login clients against a running Authgate (two workers), each through the hosted login
page: Authlib's ``AsyncOAuth2Client`` (discovery, code flow with PKCE, the ID token checked
against the JWKS with joserfc, /userinfo, refresh-token rotation) and the official auth0-python
``GetToken`` (PKCE, password-realm login, refresh, userinfo and revocation, over http and
https)."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import secrets
import ssl
from urllib.parse import urlencode

import httpx
import pytest
from auth0.authentication import GetToken, RevokeToken, Users
from auth0.authentication.exceptions import Auth0Error
from auth0.authentication.token_verifier import AsymmetricSignatureVerifier, TokenVerifier
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


# -- auth0-python -------------------------------------------------------------------------------


@pytest.fixture(params=["http", "https"])
def server_and_verify(
    request: pytest.FixtureRequest, backend: str, monkeypatch: pytest.MonkeyPatch
) -> tuple[LiveServer, ssl.SSLContext | bool]:
    """The SDK's default is https: run the flow over both, https with ``authgate certs local``
    (requests, inside the SDK, trusts the CA through ``REQUESTS_CA_BUNDLE``). ``backend`` is
    named so that the servers, looked up by name, are parametrized by it."""
    if request.param == "http":
        return request.getfixturevalue("live_server"), True
    ca = request.getfixturevalue("local_ca") / "ca.pem"
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(ca))
    return request.getfixturevalue("tls_server"), ssl.create_default_context(cafile=ca)


def _authorize_url(server: LiveServer, client_id: str, challenge: str, nonce: str) -> str:
    return f"{server.issuer}authorize?" + urlencode(
        {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": CALLBACK,
            "scope": SCOPE,
            "state": secrets.token_urlsafe(12),
            "nonce": nonce,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
    )


def _challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def test_auth0_python_pkce_refresh_userinfo_and_revoke(
    server_and_verify: tuple[LiveServer, ssl.SSLContext | bool],
) -> None:
    server, verify = server_and_verify
    protocol = flows.protocol(server)
    with flows.management(server, verify) as api:
        client_id = flows.public_app(
            api,
            "native",
            CALLBACK,
            grant_types=["authorization_code", "refresh_token", flows.PASSWORD_REALM],
        )
        user_id, email = flows.user(api)

    verifier, nonce = secrets.token_urlsafe(64), secrets.token_urlsafe(16)
    url = _authorize_url(server, client_id, _challenge(verifier), nonce)
    with httpx.Client(timeout=30, verify=verify) as browser:
        callback = flows.sign_in(browser, url, email, CALLBACK)
    getter = GetToken(server.domain, client_id, protocol=protocol)
    tokens = getter.authorization_code_pkce(verifier, callback.params["code"], CALLBACK)
    ids = TokenVerifier(
        AsymmetricSignatureVerifier(f"{server.issuer}.well-known/jwks.json"),
        issuer=server.issuer,
        audience=client_id,
    )
    assert ids.verify(tokens["id_token"], nonce=nonce)["sub"] == user_id
    profile = Users(server.domain, protocol=protocol).userinfo(tokens["access_token"])
    assert (profile["sub"], profile["email"]) == (user_id, email)

    with pytest.raises(Auth0Error) as replay:  # codes are single use
        getter.authorization_code_pkce(verifier, callback.params["code"], CALLBACK)
    assert (replay.value.status_code, replay.value.error_code) == (400, "invalid_grant")

    login = GetToken(server.domain, client_id, protocol=protocol)
    fresh = login.login(email, flows.PASSWORD, realm=flows.DATABASE, scope=SCOPE)
    assert ids.verify(fresh["id_token"])["sub"] == user_id

    rotated = getter.refresh_token(fresh["refresh_token"])  # the SDK sends scope="" (absent)
    assert rotated["refresh_token"] != fresh["refresh_token"]
    assert ids.verify(rotated["id_token"])["sub"] == user_id
    assert Users(server.domain, protocol=protocol).userinfo(rotated["access_token"])["sub"]

    RevokeToken(server.domain, client_id, protocol=protocol).revoke_refresh_token(
        rotated["refresh_token"]
    )
    with pytest.raises(Auth0Error) as revoked:
        getter.refresh_token(rotated["refresh_token"])
    assert (revoked.value.status_code, revoked.value.error_code) == (400, "invalid_grant")


def test_auth0_python_password_realm_only_where_the_client_enables_it(
    live_server: LiveServer,
) -> None:
    server = live_server
    with flows.management(server) as api:
        enabled = flows.public_app(
            api,
            "native",
            CALLBACK,
            grant_types=["authorization_code", "refresh_token", flows.PASSWORD_REALM],
        )
        disabled = flows.public_app(api, "native", CALLBACK)
        user_id, email = flows.user(api)

    tokens = GetToken(server.domain, enabled, protocol="http").login(
        email, flows.PASSWORD, realm=flows.DATABASE, scope="openid email"
    )
    assert tokens["token_type"] == "Bearer"
    assert "refresh_token" not in tokens  # offline_access was not asked for
    ids = TokenVerifier(
        AsymmetricSignatureVerifier(f"{server.issuer}.well-known/jwks.json"),
        issuer=server.issuer,
        audience=enabled,
    )
    assert ids.verify(tokens["id_token"])["email"] == email

    with pytest.raises(Auth0Error) as wrong:
        GetToken(server.domain, enabled, protocol="http").login(
            email, "not-the-password", realm=flows.DATABASE
        )
    assert (wrong.value.status_code, wrong.value.error_code) == (400, "invalid_grant")
    with pytest.raises(Auth0Error) as refused:
        GetToken(server.domain, disabled, protocol="http").login(
            email, flows.PASSWORD, realm=flows.DATABASE
        )
    assert refused.value.error_code == "unauthorized_client"
    assert user_id
