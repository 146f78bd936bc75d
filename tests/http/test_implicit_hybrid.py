"""The implicit and hybrid response types (OpenID Connect Core §3.2, §3.3; OAuth 2.0 Multiple
Response Type Encoding Practices): only for a client that enables the legacy ``implicit``
grant, answered in the fragment (or form_post / web_message, never the query), with ``nonce``
required for an ID token, ``at_hash`` and ``c_hash`` binding it to the access token and code,
and no refresh token from the authorization endpoint."""

from __future__ import annotations

import base64
import hashlib
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
import pytest

from tests.databases import ISSUER
from tests.http.authorize_helpers import (
    CALLBACK,
    Pkce,
    authorize_params,
    exchange,
    login_through_pages,
    query,
    spa,
)
from tests.users_factories import create_user

LEGACY = ["authorization_code", "implicit", "refresh_token"]


def fragment(location: str) -> dict[str, str]:
    parts = urlsplit(location)
    assert parts.query == "", "nothing travels in the query"
    return {name: values[0] for name, values in parse_qs(parts.fragment).items()}


def half_hash(value: str) -> str:
    digest = hashlib.sha256(value.encode()).digest()
    return base64.urlsafe_b64encode(digest[:16]).rstrip(b"=").decode()


async def verified(client: httpx.AsyncClient, token: str, audience: str) -> dict[str, Any]:
    jwks = jwt.PyJWKSet.from_dict((await client.get("/.well-known/jwks.json")).json())
    header = jwt.get_unverified_header(token)
    key = next(key for key in jwks.keys if key.key_id == header["kid"])
    decoded: dict[str, Any] = jwt.decode(
        token, key.key, algorithms=["RS256"], audience=audience, issuer=ISSUER
    )
    return decoded


async def _answer(
    client: httpx.AsyncClient, admin: dict[str, str], response_type: str, **extra: str
) -> tuple[dict[str, Any], dict[str, str], Pkce]:
    app = await spa(client, admin, grant_types=LEGACY)
    user = await create_user(client, admin)
    pkce = Pkce.new()
    params = authorize_params(app, pkce, response_type=response_type, **extra)
    final = await login_through_pages(client, params, user["email"])
    assert final.status_code in (200, 302), final.text
    return app, {**params, "location": final.headers.get("location", ""), "body": final.text}, pkce


async def test_id_token_token(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    app, answer, _ = await _answer(client, admin, "id_token token")
    assert answer["location"].startswith(CALLBACK + "#")
    got = fragment(answer["location"])
    assert set(got) == {
        "access_token",
        "token_type",
        "expires_in",
        "id_token",
        "scope",
        "state",
        "iss",
    }
    assert got["token_type"] == "Bearer"
    assert got["state"] == answer["state"]
    assert got["iss"] == ISSUER
    claims = await verified(client, got["id_token"], app["client_id"])
    assert claims["nonce"] == answer["nonce"]
    assert claims["at_hash"] == half_hash(got["access_token"])
    assert "c_hash" not in claims
    userinfo = await client.get(
        "/userinfo", headers={"Authorization": f"Bearer {got['access_token']}"}
    )
    assert userinfo.status_code == 200
    assert userinfo.json()["sub"] == claims["sub"]


async def test_id_token_alone(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    app, answer, _ = await _answer(client, admin, "id_token")
    got = fragment(answer["location"])
    assert set(got) == {"id_token", "state", "iss"}
    claims = await verified(client, got["id_token"], app["client_id"])
    assert "at_hash" not in claims
    assert claims["nonce"] == answer["nonce"]


async def test_code_id_token_token_and_the_code_still_redeems(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    app, answer, pkce = await _answer(client, admin, "code id_token token")
    got = fragment(answer["location"])
    assert {"code", "access_token", "id_token", "state"} <= set(got)
    assert "refresh_token" not in got, "never from the authorization endpoint"
    claims = await verified(client, got["id_token"], app["client_id"])
    assert claims["c_hash"] == half_hash(got["code"])
    assert claims["at_hash"] == half_hash(got["access_token"])
    tokens = await exchange(client, app, got["code"], pkce.verifier)
    assert tokens.status_code == 200, tokens.text
    assert "refresh_token" in tokens.json()
    again = await exchange(client, app, got["code"], pkce.verifier)
    assert again.status_code in (400, 403), "the code is single-use"


async def test_code_id_token_in_form_post(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    _, answer, _ = await _answer(client, admin, "code id_token", response_mode="form_post")
    body = answer["body"]
    assert f'action="{CALLBACK}"' in body
    assert 'name="id_token"' in body
    assert 'name="code"' in body


@pytest.mark.parametrize(
    ("response_type", "extra", "error"),
    [
        ("token", {}, "unauthorized_client"),
        ("id_token token", {"nonce": ""}, "unauthorized_client"),
    ],
)
async def test_a_client_without_the_implicit_grant_is_refused(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    response_type: str,
    extra: dict[str, str],
    error: str,
) -> None:
    app = await spa(client, admin)  # authorization_code and refresh_token only
    params = authorize_params(app, Pkce.new(), response_type=response_type, **extra)
    refused = await client.get("/authorize", params=params)
    assert refused.status_code == 302
    assert fragment(refused.headers["location"])["error"] == error


async def test_bad_implicit_requests_are_refused(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    app = await spa(client, admin, grant_types=LEGACY)
    no_nonce = authorize_params(app, Pkce.new(), response_type="id_token token")
    del no_nonce["nonce"]
    refused = await client.get("/authorize", params=no_nonce)
    answer = fragment(refused.headers["location"])
    assert answer["error"] == "invalid_request"
    assert "nonce" in answer["error_description"]
    in_query = authorize_params(app, Pkce.new(), response_type="token", response_mode="query")
    leaked = await client.get("/authorize", params=in_query)
    assert query(leaked.headers["location"])["error"] == "invalid_request"
    no_openid = authorize_params(app, Pkce.new(), response_type="id_token", scope="profile")
    missing = await client.get("/authorize", params=no_openid)
    assert fragment(missing.headers["location"])["error"] == "invalid_request"
    unknown = authorize_params(app, Pkce.new(), response_type="code banana")
    odd = await client.get("/authorize", params=unknown)
    assert query(odd.headers["location"])["error"] == "unsupported_response_type"
