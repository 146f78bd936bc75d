"""Driving the authorization code flow through the hosted pages, as a browser would."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from tests.factories import create_client
from tests.users_factories import GOOD_PASSWORD

CALLBACK = "https://app.example.test/callback"
WEB_ORIGIN = "https://app.example.test"


def claims(jwt: str) -> dict[str, Any]:
    payload = jwt.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))))


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, html
    return match.group(1)


def state_of(html: str) -> str:
    match = re.search(r'name="state" value="([^"]+)"', html)
    assert match, html
    return match.group(1)


def query(location: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(location).query).items()}


@dataclass
class Pkce:
    verifier: str
    challenge: str

    @classmethod
    def new(cls) -> Pkce:
        verifier = secrets.token_urlsafe(48)
        digest = hashlib.sha256(verifier.encode()).digest()
        return cls(verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode())


async def spa(client: httpx.AsyncClient, admin: dict[str, str], **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "app_type": "spa",
        "callbacks": [CALLBACK],
        "web_origins": [WEB_ORIGIN],
        "allowed_logout_urls": [f"{WEB_ORIGIN}/bye"],
        "token_endpoint_auth_method": "none",
        "grant_types": ["authorization_code", "refresh_token"],
        **fields,
    }
    return await create_client(client, admin, **body)


def authorize_params(app: dict[str, Any], pkce: Pkce, **extra: str) -> dict[str, str]:
    return {
        "response_type": "code",
        "client_id": app["client_id"],
        "redirect_uri": CALLBACK,
        "scope": "openid profile email offline_access",
        "state": "st-" + secrets.token_hex(4),
        "nonce": "n-" + secrets.token_hex(4),
        "code_challenge": pkce.challenge,
        "code_challenge_method": "S256",
        **extra,
    }


async def login_through_pages(
    client: httpx.AsyncClient, params: dict[str, str], email: str, password: str = GOOD_PASSWORD
) -> httpx.Response:
    """GET /authorize, the login page and its POST, then the resume: the final response."""
    response = await client.get("/authorize", params=params)
    assert response.status_code == 302, response.text
    assert response.headers["location"].startswith("/u/login?state=")
    page = await client.get(response.headers["location"])
    assert page.status_code == 200, page.text
    posted = await client.post(
        "/u/login",
        data={
            "state": state_of(page.text),
            "csrf_token": csrf_of(page.text),
            "username": email,
            "password": password,
            "action": "default",
        },
    )
    assert posted.status_code == 303, posted.text
    return await client.get(posted.headers["location"])


async def exchange(
    client: httpx.AsyncClient, app: dict[str, Any], code: str, verifier: str
) -> httpx.Response:
    return await client.post(
        "/oauth/token",
        data={
            "grant_type": "authorization_code",
            "client_id": app["client_id"],
            "code": code,
            "redirect_uri": CALLBACK,
            "code_verifier": verifier,
        },
    )
