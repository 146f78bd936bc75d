"""RFC 6749 §4.4 client credentials grant at ``POST /oauth/token``, over HTTP."""

from __future__ import annotations

import base64
import json
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from tests.databases import ISSUER
from tests.factories import API_AUDIENCE, create_api, create_client, grant, m2m_app, token


def _claims(access_token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    header, payload, _ = access_token.split(".")
    pad = lambda s: s + "=" * (-len(s) % 4)  # noqa: E731
    return (
        json.loads(base64.urlsafe_b64decode(pad(header))),
        json.loads(base64.urlsafe_b64decode(pad(payload))),
    )


async def test_issues_rfc9068_jwt_with_auth0_claims(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    app = await m2m_app(client, admin)
    response = await token(client, app)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 86400
    assert body["scope"] == "read:things"
    header, claims = _claims(body["access_token"])
    assert header["typ"] == "at+jwt"
    assert header["alg"] == "RS256"
    assert claims["iss"] == ISSUER
    assert claims["sub"] == f"{app['client_id']}@clients"
    assert claims["aud"] == API_AUDIENCE
    assert claims["azp"] == claims["client_id"] == app["client_id"]
    assert claims["gty"] == "client-credentials"
    assert claims["scope"] == "read:things"
    assert claims["exp"] - claims["iat"] == 86400
    assert len(claims["jti"]) >= 16


async def test_json_body_is_accepted(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    app = await m2m_app(client, admin)
    response = await client.post(
        "/oauth/token",
        json={
            "grant_type": "client_credentials",
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "audience": API_AUDIENCE,
        },
    )
    assert response.status_code == 200, response.text


async def test_client_secret_basic(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    app = await m2m_app(client, admin)
    credentials = f"{quote(app['client_id'])}:{quote(app['client_secret'], safe='')}"
    response = await client.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", "audience": API_AUDIENCE},
        headers={"Authorization": "Basic " + base64.b64encode(credentials.encode()).decode()},
    )
    assert response.status_code == 200, response.text


async def test_failed_basic_authentication_is_401_with_challenge(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    app = await m2m_app(client, admin)
    credentials = base64.b64encode(f"{app['client_id']}:wrong".encode()).decode()
    response = await client.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", "audience": API_AUDIENCE},
        headers={"Authorization": f"Basic {credentials}"},
    )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert response.headers["www-authenticate"].startswith("Basic")
    assert "access_token" not in response.text


@pytest.mark.parametrize("secret", ["wrong", "", "x" * 64], ids=["wrong", "empty", "same-length"])
async def test_wrong_secret_is_invalid_client(
    client: httpx.AsyncClient, admin: dict[str, str], secret: str
) -> None:
    app = await m2m_app(client, admin)
    response = await token(client, {**app, "client_secret": secret})
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


async def test_unknown_client_is_invalid_client(client: httpx.AsyncClient) -> None:
    response = await token(client, {"client_id": "nobody", "client_secret": "nothing"})
    assert response.status_code == 401
    assert response.json() == {
        "error": "invalid_client",
        "error_description": "Client authentication failed.",
    }


async def test_default_audience_is_used(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    app = await m2m_app(client, admin)
    patched = await client.patch(
        "/api/v2/tenants/settings", json={"default_audience": API_AUDIENCE}, headers=admin
    )
    assert patched.status_code == 200
    response = await token(client, app, audience=None)
    assert response.status_code == 200, response.text
    assert _claims(response.json()["access_token"])[1]["aud"] == API_AUDIENCE


async def test_missing_audience_without_default_is_access_denied(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    app = await m2m_app(client, admin)
    response = await token(client, app, audience=None)
    assert response.status_code == 403
    assert response.json()["error"] == "access_denied"


async def test_unknown_audience_is_access_denied(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    app = await m2m_app(client, admin)
    response = await token(client, app, audience="https://unknown.example")
    assert response.status_code == 403
    assert response.json()["error"] == "access_denied"


async def test_no_client_grant_is_access_denied(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    await create_api(client, admin)
    app = await create_client(client, admin)
    response = await token(client, app)
    assert response.status_code == 403
    assert response.json()["error"] == "access_denied"


async def test_grant_type_not_enabled_is_unauthorized_client(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    await create_api(client, admin)
    app = await create_client(
        client, admin, app_type="regular_web", grant_types=["authorization_code"]
    )
    await grant(client, admin, app["client_id"])
    response = await token(client, app)
    assert response.status_code == 403
    assert response.json() == {
        "error": "unauthorized_client",
        "error_description": "Grant type 'client_credentials' not allowed for the client.",
    }


async def test_public_client_cannot_use_client_credentials(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    app = await create_client(client, admin, app_type="spa")
    response = await client.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": app["client_id"],
            "audience": API_AUDIENCE,
        },
    )
    assert response.status_code == 403
    assert response.json()["error"] == "unauthorized_client"


async def test_requested_scope_is_narrowed_to_granted(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    app = await m2m_app(client, admin, scope=("read:things", "write:things"))
    response = await token(client, app, scope="write:things admin:everything")
    assert response.status_code == 200, response.text
    assert response.json()["scope"] == "write:things"
    assert _claims(response.json()["access_token"])[1]["scope"] == "write:things"


async def test_all_granted_scopes_when_none_requested(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    app = await m2m_app(client, admin, scope=("read:things", "write:things"))
    response = await token(client, app)
    assert response.json()["scope"] == "read:things write:things"


async def test_scope_over_issue_never_includes_undefined_scope(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    """security.md §5 scope over-issue: a scope the API stopped defining is never issued."""
    api = await create_api(client, admin)
    app = await create_client(client, admin)
    await grant(client, admin, app["client_id"], scope=("read:things", "write:things"))
    narrowed = await client.patch(
        f"/api/v2/resource-servers/{api['id']}",
        json={"scopes": [{"value": "read:things"}]},
        headers=admin,
    )
    assert narrowed.status_code == 200
    response = await token(client, app, scope="read:things write:things")
    assert response.json()["scope"] == "read:things"


async def test_only_ungranted_scopes_is_invalid_scope(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    app = await m2m_app(client, admin)
    response = await token(client, app, scope="admin:everything")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"
    assert "access_token" not in response.text


async def test_malformed_scope_is_invalid_scope(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    app = await m2m_app(client, admin)
    response = await token(client, app, scope='read:things "quoted"')
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"


async def test_missing_grant_type_is_invalid_request(client: httpx.AsyncClient) -> None:
    response = await client.post("/oauth/token", data={"client_id": "x"})
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


async def test_unknown_grant_type_is_unsupported(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/oauth/token", data={"grant_type": "urn:example:magic", "client_id": "x"}
    )
    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"


async def test_repeated_parameter_is_invalid_request(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    app = await m2m_app(client, admin)
    body = (
        f"grant_type=client_credentials&client_id={app['client_id']}"
        f"&client_secret={app['client_secret']}&audience={quote(API_AUDIENCE, safe='')}"
        f"&audience=https%3A%2F%2Fother.example"
    )
    response = await client.post(
        "/oauth/token",
        content=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


async def test_two_authentication_methods_is_invalid_request(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    app = await m2m_app(client, admin)
    basic = base64.b64encode(f"{app['client_id']}:{app['client_secret']}".encode()).decode()
    response = await client.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_secret": app["client_secret"],
            "audience": API_AUDIENCE,
        },
        headers={"Authorization": f"Basic {basic}"},
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b"{not json", "application/json"),
        (b"[1, 2]", "application/json"),
        (b'{"grant_type": {"nested": true}}', "application/json"),
        (b"grant_type=client_credentials", "text/plain"),
        (b"\xff\xfe=\xff", "application/x-www-form-urlencoded"),
    ],
    ids=["bad-json", "json-array", "json-object-value", "text-plain", "bad-utf8"],
)
async def test_malformed_bodies_are_invalid_request(
    client: httpx.AsyncClient, content: bytes, content_type: str
) -> None:
    response = await client.post(
        "/oauth/token", content=content, headers={"Content-Type": content_type}
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    assert response.headers["cache-control"] == "no-store"


async def test_oversized_body_is_refused(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/oauth/token",
        content=b"a=" + b"x" * 300_000,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 413
    assert response.json()["error"] == "invalid_request"
