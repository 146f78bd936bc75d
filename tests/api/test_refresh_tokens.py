"""``/api/v2/refresh-tokens/{id}`` and ``/api/v2/users/{id}/refresh-tokens`` over HTTP: Auth0's
refresh token object (checked with the official SDK's models), paging, revocation, scopes and
the Management API error shape."""

from __future__ import annotations

import httpx
from auth0.management.types import (
    GetRefreshTokenResponseContent,
    ListRefreshTokensPaginatedResponseContent,
)
from fastapi import FastAPI

from tests.databases import ISSUER
from tests.http.authorize_helpers import Pkce, authorize_params, exchange, query
from tests.http.logout_helpers import LoggedIn, browser, log_in, refresh
from tests.logs.test_logs_api import error, scoped

ROTATING = {
    "rotation_type": "rotating",
    "expiration_type": "expiring",
    "infinite_token_lifetime": False,
    "token_lifetime": 86400,
}


async def tokens_of(
    client: httpx.AsyncClient, admin: dict[str, str], user_id: str, **params: object
) -> dict[str, object]:
    response = await client.get(
        f"/api/v2/users/{user_id}/refresh-tokens", params=params, headers=admin
    )
    assert response.status_code == 200, response.text
    ListRefreshTokensPaginatedResponseContent.model_validate(response.json())
    return dict(response.json())


async def another_token(client: httpx.AsyncClient, logged_in: LoggedIn) -> LoggedIn:
    """A second refresh token for the same user and session (single sign-on)."""
    pkce = Pkce.new()
    sso = await client.get("/authorize", params=authorize_params(logged_in.app, pkce))
    code = query(sso.headers["location"])["code"]
    tokens = await exchange(client, logged_in.app, code, pkce.verifier)
    assert tokens.status_code == 200, tokens.text
    return LoggedIn(logged_in.app, logged_in.user, tokens.json())


async def test_a_users_refresh_tokens_in_auth0s_shape(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    logged_in = await log_in(client, admin)
    body = await tokens_of(client, admin, logged_in.user["user_id"])
    assert set(body) == {"tokens"}
    (token,) = body["tokens"]  # type: ignore[misc]
    assert token["user_id"] == logged_in.user["user_id"]
    assert token["client_id"] == logged_in.app["client_id"]
    assert token["session_id"] == logged_in.sid
    assert token["rotating"] is False
    assert token["created_at"].endswith("Z")
    assert token["device"]["initial_ip"] == "198.51.100.7"
    assert token["resource_servers"] == [
        {"audience": f"{ISSUER}userinfo", "scopes": "openid profile email offline_access"}
    ]
    assert "expires_at" not in token, "non-expiring by default"
    one = await client.get(f"/api/v2/refresh-tokens/{token['id']}", headers=admin)
    assert one.status_code == 200
    GetRefreshTokenResponseContent.model_validate(one.json())
    assert one.json() == token


async def test_a_rotated_token_is_listed_once_with_its_latest_device(
    app: FastAPI, client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    logged_in = await log_in(client, admin, refresh_token=ROTATING)
    async with browser(app, "203.0.113.9") as elsewhere:
        rotated = await refresh(elsewhere, logged_in)
    assert rotated.status_code == 200, rotated.text
    (token,) = (await tokens_of(client, admin, logged_in.user["user_id"]))["tokens"]  # type: ignore[misc]
    assert token["rotating"] is True
    assert token["expires_at"] > token["created_at"]
    assert token["device"]["initial_ip"] == "198.51.100.7"
    assert token["device"]["last_ip"] == "203.0.113.9"


async def test_checkpoint_paging(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    logged_in = await log_in(client, admin)
    await another_token(client, logged_in)
    user_id = logged_in.user["user_id"]
    page = await tokens_of(client, admin, user_id, take=1)
    rest = await tokens_of(client, admin, user_id, take=1, **{"from": page["next"]})
    assert "next" not in rest
    ids = [t["id"] for t in page["tokens"] + rest["tokens"]]  # type: ignore[operator]
    assert len(set(ids)) == 2


async def test_deleting_a_token_revokes_it(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    logged_in = await log_in(client, admin)
    kept = await another_token(client, logged_in)
    (token, _) = (await tokens_of(client, admin, logged_in.user["user_id"]))["tokens"]  # type: ignore[misc]
    first = (await client.get(f"/api/v2/refresh-tokens/{token['id']}", headers=admin)).json()
    deleted = await client.delete(f"/api/v2/refresh-tokens/{first['id']}", headers=admin)
    assert deleted.status_code == 202
    gone = await client.get(f"/api/v2/refresh-tokens/{first['id']}", headers=admin)
    assert error(gone) == (404, "inexistent_refresh_token")
    outcomes = sorted([(await refresh(client, t)).status_code for t in (logged_in, kept)])
    assert outcomes == [200, 400]


async def test_deleting_a_users_tokens_revokes_them_all(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    logged_in = await log_in(client, admin)
    second = await another_token(client, logged_in)
    url = f"/api/v2/users/{logged_in.user['user_id']}/refresh-tokens"
    assert (await client.delete(url, headers=admin)).status_code == 202
    assert (await refresh(client, logged_in)).status_code == 400
    assert (await refresh(client, second)).status_code == 400
    assert (await tokens_of(client, admin, logged_in.user["user_id"])) == {"tokens": []}


async def test_unknown_tokens_and_users_are_404(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    for method in ("GET", "DELETE"):
        unknown = await client.request(method, "/api/v2/refresh-tokens/nope", headers=admin)
        assert error(unknown) == (404, "inexistent_refresh_token")
        assert unknown.json()["message"] == "The refresh token does not exist."
        nobody = await client.request(
            method, "/api/v2/users/auth0|nobody/refresh-tokens", headers=admin
        )
        assert error(nobody) == (404, "inexistent_user")


async def test_scopes(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    logged_in = await log_in(client, admin)
    url = f"/api/v2/users/{logged_in.user['user_id']}/refresh-tokens"
    sessions_only = await scoped(client, admin, "read:sessions", "delete:sessions")
    assert error(await client.get(url, headers=sessions_only)) == (403, "insufficient_scope")
    assert error(await client.delete(url, headers=sessions_only)) == (403, "insufficient_scope")
    reader = await scoped(client, admin, "read:refresh_tokens")
    (token,) = (await client.get(url, headers=reader)).json()["tokens"]
    path = f"/api/v2/refresh-tokens/{token['id']}"
    assert error(await client.delete(path, headers=reader)) == (403, "insufficient_scope")
    assert (await refresh(client, logged_in)).status_code == 200
    deleter = await scoped(client, admin, "delete:refresh_tokens")
    assert error(await client.get(path, headers=deleter)) == (403, "insufficient_scope")
    assert (await client.delete(path, headers=deleter)).status_code == 202
