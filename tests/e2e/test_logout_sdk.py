"""A browser login, the session and refresh token Management API through the official Auth0
Python SDK, RP-initiated logout and a back-channel logout token verified through the JWKS URL,
against a running Authgate with two workers."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
import pytest
from auth0.authentication import GetToken
from auth0.management import Auth0
from auth0.management.errors import NotFoundError

from tests.e2e.server import LiveServer
from tests.http.authorize_helpers import CALLBACK, Pkce, authorize_params
from tests.http.logout_helpers import BYE, Receiver

PASSWORD = "Correct-Horse-7-Battery"
EVENT = "http://schemas.openid.net/event/backchannel-logout"


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=30) as client:
        yield client


def _management(server: LiveServer, http: httpx.Client) -> Auth0:
    token = GetToken(
        server.domain, server.client_id, client_secret=server.client_secret, protocol="http"
    ).client_credentials(server.management_audience)
    return Auth0(
        base_url=f"{server.issuer}api/v2",
        token=token["access_token"],
        max_retries=0,
        httpx_client=http,
    )


def _field(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]+)"', html)
    assert match, html
    return match.group(1)


def _log_in(
    server: LiveServer, browser: httpx.Client, client_id: str, email: str
) -> dict[str, str]:
    """The hosted login page, as a browser without JavaScript uses it; the SDK's code exchange."""
    pkce = Pkce.new()
    params = authorize_params({"client_id": client_id}, pkce)
    start = browser.get(f"{server.issuer}authorize", params=params)
    page = browser.get(f"{server.issuer}{start.headers['location'].lstrip('/')}")
    posted = browser.post(
        f"{server.issuer}u/login",
        data={
            "state": _field(page.text, "state"),
            "csrf_token": _field(page.text, "csrf_token"),
            "username": email,
            "password": PASSWORD,
            "action": "default",
        },
    )
    resumed = browser.get(f"{server.issuer}{posted.headers['location'].lstrip('/')}")
    code = parse_qs(urlsplit(resumed.headers["location"]).query)["code"][0]
    tokens: dict[str, str] = GetToken(
        server.domain, client_id, protocol="http"
    ).authorization_code_pkce(pkce.verifier, code, CALLBACK)
    return tokens


def test_sessions_and_logout_with_the_sdk(live_server: LiveServer, http: httpx.Client) -> None:
    management = _management(live_server, http)
    with Receiver() as receiver:
        app = management.clients.create(
            name="Shop",
            app_type="spa",
            token_endpoint_auth_method="none",
            grant_types=["authorization_code", "refresh_token"],
            callbacks=[CALLBACK],
            allowed_logout_urls=[BYE],
            oidc_logout={"backchannel_logout_urls": [receiver.url()]},
        )
        assert app.oidc_logout is not None
        assert app.oidc_logout.backchannel_logout_urls == [receiver.url()]
        email = "shopper@example.test"
        user = management.users.create(
            connection="Username-Password-Authentication", email=email, password=PASSWORD
        )
        with httpx.Client(timeout=30) as browser:
            tokens = _log_in(live_server, browser, str(app.client_id), email)
            sid = jwt.decode(tokens["id_token"], options={"verify_signature": False})["sid"]

            (session,) = list(management.users.sessions.list(str(user.user_id)))
            assert session.id == sid
            assert session.clients is not None
            assert [c.client_id for c in session.clients] == [app.client_id]
            assert management.sessions.get(sid).user_id == user.user_id
            (token,) = list(management.users.refresh_token.list(str(user.user_id)))
            assert token.session_id == sid
            assert management.refresh_tokens.get(str(token.id)).client_id == app.client_id

            logout = browser.get(
                f"{live_server.issuer}oidc/logout",
                params={
                    "id_token_hint": tokens["id_token"],
                    "post_logout_redirect_uri": BYE,
                    "state": "bye",
                },
            )
            assert logout.status_code == 302
            assert logout.headers["location"] == f"{BYE}?state=bye"
            assert receiver.arrived.wait(10), "no logout token arrived"
    logout_token = receiver.received[0].form["logout_token"]
    jwks = jwt.PyJWKClient(f"{live_server.issuer}.well-known/jwks.json", cache_keys=False)
    assert jwt.get_unverified_header(logout_token)["typ"] == "logout+jwt"
    claims = jwt.decode(
        logout_token,
        jwks.get_signing_key_from_jwt(logout_token).key,
        algorithms=["RS256"],
        audience=str(app.client_id),
        issuer=live_server.issuer,
    )
    assert claims["sid"] == sid
    assert claims["sub"] == user.user_id
    assert claims["events"] == {EVENT: {}}
    with pytest.raises(NotFoundError):
        management.sessions.get(sid)
    refreshed = GetToken(live_server.domain, str(app.client_id), protocol="http").refresh_token(
        tokens["refresh_token"]
    )
    assert refreshed["access_token"], "refresh tokens outlive logout, as in Auth0"
    management.users.refresh_token.delete(str(user.user_id))
    assert list(management.users.refresh_token.list(str(user.user_id))) == []
