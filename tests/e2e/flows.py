"""What the login-client tests share: applications and users made through the Management API
(with the official SDK), and a person at the hosted login page (a cookie-carrying HTTP client
that follows the redirects by hand, so each hop can be checked)."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
import ssl
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import httpx
from auth0.authentication import GetToken
from auth0.management import Auth0

from tests.e2e.server import LiveServer

DATABASE = "Username-Password-Authentication"
PASSWORD = "Correct-Horse-7-Battery"
PASSWORD_REALM = "http://auth0.com/oauth/grant-type/password-realm"
ROTATING = {"rotation_type": "rotating", "expiration_type": "expiring", "leeway": 0}


def authorize_url(server: LiveServer, client_id: str, callback: str, **extra: str) -> str:
    """An authorization request with PKCE (the verifier is not kept: the tests that use this
    stop at the callback)."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    params = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": callback,
        "scope": "openid profile email",
        "state": secrets.token_urlsafe(12),
        "code_challenge": challenge.rstrip(b"=").decode(),
        "code_challenge_method": "S256",
        **extra,
    }
    return f"{server.issuer}authorize?{urlencode(params)}"


def protocol(server: LiveServer) -> str:
    return server.issuer.split(":", 1)[0]


@contextmanager
def management(server: LiveServer, verify: ssl.SSLContext | bool = True) -> Iterator[Auth0]:
    """The Management API through auth0-python, with a token of the bootstrap application."""
    token = GetToken(
        server.domain,
        server.client_id,
        client_secret=server.client_secret,
        protocol=protocol(server),
    ).client_credentials(server.management_audience)
    with httpx.Client(timeout=30, verify=verify) as http:
        yield Auth0(
            base_url=f"{server.issuer}api/v2",
            token=token["access_token"],
            max_retries=0,
            httpx_client=http,
        )


def public_app(api: Auth0, app_type: str, callback: str, **fields: Any) -> str:
    """A public client (no secret) that rotates its refresh tokens; its client id."""
    app = api.clients.create(
        name=f"{app_type} {uuid.uuid4().hex[:6]}",
        app_type=app_type,
        callbacks=[callback],
        token_endpoint_auth_method="none",
        refresh_token=ROTATING,
        **fields,
    )
    assert app.client_id
    assert app.client_secret is None or app.token_endpoint_auth_method == "none"
    return app.client_id


def user(api: Auth0, **fields: Any) -> tuple[str, str]:
    """A database user; its user id and email."""
    email = f"person-{uuid.uuid4().hex[:8]}@example.test"
    created = api.users.create(
        connection=DATABASE, email=email, password=PASSWORD, given_name="Ada", **fields
    )
    assert created.user_id
    return created.user_id, email


@dataclass
class Callback:
    """Where the authorization server finally sent the browser."""

    url: str

    @property
    def params(self) -> dict[str, str]:
        return {key: values[0] for key, values in parse_qs(urlsplit(self.url).query).items()}


def _field(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert match, f"no {name} field in the page:\n{html[:2000]}"
    return match.group(1)


def sign_in(browser: httpx.Client, authorize_url: str, email: str, callback: str) -> Callback:
    """Open the authorization URL, fill the hosted login form, and follow the redirects up to
    the application's callback, which is never requested (only its URL is read)."""
    response = browser.get(authorize_url)
    assert response.status_code == 302, response.text
    login_url = urljoin(authorize_url, response.headers["location"])
    assert urlsplit(login_url).path == "/u/login"
    page = browser.get(login_url)
    assert page.status_code == 200, page.text
    assert page.headers["content-type"].startswith("text/html")
    posted = browser.post(
        urljoin(login_url, "/u/login"),
        data={
            "state": _field(page.text, "state"),
            "csrf_token": _field(page.text, "csrf_token"),
            "username": email,
            "password": PASSWORD,
            "action": "default",
        },
    )
    assert posted.status_code == 303, posted.text
    resumed = browser.get(urljoin(login_url, posted.headers["location"]))
    assert resumed.status_code == 302, resumed.text
    location = resumed.headers["location"]
    assert location.startswith(callback + "?"), location
    return Callback(location)
