"""``/api/v2/users/{id}/sessions``, ``/api/v2/sessions/{id}`` and the refresh-token endpoints."""

from __future__ import annotations

from typing import Any

import httpx

from tests.factories import create_client
from tests.http.authorize_helpers import (
    Pkce,
    authorize_params,
    claims,
    exchange,
    login_through_pages,
    query,
    spa,
)
from tests.users_factories import create_user


async def _login(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    app = await spa(client, admin)
    user = await create_user(client, admin)
    pkce = Pkce.new()
    final = await login_through_pages(client, authorize_params(app, pkce), user["email"])
    tokens = await exchange(client, app, query(final.headers["location"])["code"], pkce.verifier)
    return app, user, tokens.json()


async def _refresh(client: httpx.AsyncClient, app: dict[str, Any], token: str) -> int:
    response = await client.post(
        "/oauth/token",
        data={"grant_type": "refresh_token", "client_id": app["client_id"], "refresh_token": token},
    )
    return response.status_code


async def test_a_users_sessions_can_be_listed_read_and_revoked(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    app, user, tokens = await _login(client, admin)
    listed = await client.get(f"/api/v2/users/{user['user_id']}/sessions", headers=admin)
    assert listed.status_code == 200, listed.text
    [found] = listed.json()["sessions"]
    assert found["id"] == claims(tokens["id_token"])["sid"]
    assert found["user_id"] == user["user_id"]
    assert found["clients"] == [{"client_id": app["client_id"]}]
    one = await client.get(f"/api/v2/sessions/{found['id']}", headers=admin)
    assert one.json()["authentication"]["methods"][0]["name"] == "pwd"
    revoked = await client.post(f"/api/v2/sessions/{found['id']}/revoke", headers=admin)
    assert revoked.status_code == 202
    gone = await client.get(f"/api/v2/sessions/{found['id']}", headers=admin)
    assert gone.status_code == 404
    assert gone.json()["statusCode"] == 404
    assert await _refresh(client, app, tokens["refresh_token"]) == 400
    silent = await client.get("/authorize", params=authorize_params(app, Pkce.new(), prompt="none"))
    assert query(silent.headers["location"])["error"] == "login_required"


async def test_deleting_a_session_keeps_its_refresh_tokens(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    app, _, tokens = await _login(client, admin)
    sid = claims(tokens["id_token"])["sid"]
    assert (await client.delete(f"/api/v2/sessions/{sid}", headers=admin)).status_code == 202
    assert (await client.delete(f"/api/v2/sessions/{sid}", headers=admin)).status_code == 404
    assert await _refresh(client, app, tokens["refresh_token"]) == 200


async def test_refresh_tokens_can_be_listed_read_and_revoked(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    app, user, tokens = await _login(client, admin)
    listed = await client.get(f"/api/v2/users/{user['user_id']}/refresh-tokens", headers=admin)
    assert listed.status_code == 200, listed.text
    [token] = listed.json()["tokens"]
    assert token["client_id"] == app["client_id"]
    assert token["session_id"] == claims(tokens["id_token"])["sid"]
    read = await client.get(f"/api/v2/refresh-tokens/{token['id']}", headers=admin)
    assert read.json()["id"] == token["id"]
    deleted = await client.delete(f"/api/v2/refresh-tokens/{token['id']}", headers=admin)
    assert deleted.status_code == 202
    assert await _refresh(client, app, tokens["refresh_token"]) == 400
    missing = await client.get(f"/api/v2/refresh-tokens/{token['id']}", headers=admin)
    assert missing.status_code == 404


async def test_all_refresh_tokens_of_a_user_can_be_revoked(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    app, user, tokens = await _login(client, admin)
    path = f"/api/v2/users/{user['user_id']}/refresh-tokens"
    assert (await client.delete(path, headers=admin)).status_code == 202
    assert await _refresh(client, app, tokens["refresh_token"]) == 400
    assert (await client.get(path, headers=admin)).json() == {"tokens": []}
    unknown = await client.get("/api/v2/users/auth0|nobody/sessions", headers=admin)
    assert unknown.status_code == 404


async def test_the_scopes_are_required(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    _, user, _ = await _login(client, admin)
    m2m = await create_client(client, admin)
    grant = await client.post(
        "/api/v2/client-grants",
        json={
            "client_id": m2m["client_id"],
            "audience": "http://authgate.test/api/v2/",
            "scope": ["read:users"],
        },
        headers=admin,
    )
    assert grant.status_code == 201, grant.text
    token = await client.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": m2m["client_id"],
            "client_secret": m2m["client_secret"],
            "audience": "http://authgate.test/api/v2/",
        },
    )
    narrow = {"Authorization": f"Bearer {token.json()['access_token']}"}
    response = await client.get(f"/api/v2/users/{user['user_id']}/sessions", headers=narrow)
    assert response.status_code == 403
