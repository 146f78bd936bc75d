"""``/api/v2/sessions/{id}`` and ``/api/v2/users/{id}/sessions`` over HTTP: Auth0's session
object (checked with the official SDK's models), checkpoint paging, deletion and revocation,
scopes and the Management API error shape."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from auth0.management.types import (
    GetSessionResponseContent,
    ListUserSessionsPaginatedResponseContent,
)
from fastapi import FastAPI

from tests.factories import bootstrap_token
from tests.http.logout_helpers import browser, has_session, log_in, refresh
from tests.logs.test_logs_api import error, scoped

PEER_IP = "198.51.100.7"


@pytest.fixture
async def other_browser(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with browser(app, "203.0.113.9") as http:
        yield http


async def test_a_users_sessions_in_auth0s_shape(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    logged_in = await log_in(client, admin)
    user_id = logged_in.user["user_id"]
    listed = await client.get(f"/api/v2/users/{user_id}/sessions", headers=admin)
    assert listed.status_code == 200, listed.text
    ListUserSessionsPaginatedResponseContent.model_validate(listed.json())
    assert set(listed.json()) == {"sessions"}, "no next: the last page"
    (session,) = listed.json()["sessions"]
    assert session["id"] == logged_in.sid
    assert session["user_id"] == user_id
    assert session["clients"] == [{"client_id": logged_in.app["client_id"]}]
    assert session["device"]["initial_ip"] == PEER_IP
    assert session["device"]["last_ip"] == PEER_IP
    assert session["device"]["initial_user_agent"].startswith("python-httpx/")
    (method,) = session["authentication"]["methods"]
    assert method == {"name": "pwd", "timestamp": session["authenticated_at"]}
    for name in ("created_at", "updated_at", "last_interacted_at", "idle_expires_at"):
        assert session[name].endswith("Z"), name
    assert session["expires_at"] > session["idle_expires_at"]
    one = await client.get(f"/api/v2/sessions/{logged_in.sid}", headers=admin)
    assert one.status_code == 200
    GetSessionResponseContent.model_validate(one.json())
    assert one.json() == session


async def test_checkpoint_paging(
    client: httpx.AsyncClient, other_browser: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    first = await log_in(client, admin)
    second = await log_in(other_browser, admin, app=first.app, user=first.user)
    url = f"/api/v2/users/{first.user['user_id']}/sessions"
    page = (await client.get(url, params={"take": 1}, headers=admin)).json()
    assert len(page["sessions"]) == 1
    rest = (await client.get(url, params={"take": 1, "from": page["next"]}, headers=admin)).json()
    assert "next" not in rest
    ids = {page["sessions"][0]["id"], rest["sessions"][0]["id"]}
    assert ids == {first.sid, second.sid}
    devices = {s["id"]: s["device"]["initial_ip"] for s in page["sessions"] + rest["sessions"]}
    assert devices == {first.sid: PEER_IP, second.sid: "203.0.113.9"}
    bad = await client.get(url, params={"from": "%%%"}, headers=admin)
    assert error(bad) == (400, "invalid_query_string")
    assert error(await client.get(url, params={"take": 0}, headers=admin))[0] == 400


async def test_unknown_sessions_and_users_are_404(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    for method, path in [
        ("GET", "/api/v2/sessions/nope"),
        ("DELETE", "/api/v2/sessions/nope"),
        ("POST", "/api/v2/sessions/nope/revoke"),
    ]:
        response = await client.request(method, path, headers=admin)
        assert error(response) == (404, "inexistent_session"), path
        assert response.json()["message"] == "The session does not exist."
    for method in ("GET", "DELETE"):
        response = await client.request(
            method, "/api/v2/users/auth0|nobody/sessions", headers=admin
        )
        assert error(response) == (404, "inexistent_user")


async def test_delete_ends_the_session_and_keeps_its_refresh_tokens(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    logged_in = await log_in(client, admin)
    deleted = await client.delete(f"/api/v2/sessions/{logged_in.sid}", headers=admin)
    assert deleted.status_code == 202
    assert deleted.content == b""
    assert error(await client.get(f"/api/v2/sessions/{logged_in.sid}", headers=admin))[0] == 404
    assert not await has_session(client, logged_in.app)
    assert (await refresh(client, logged_in)).status_code == 200, "as in Auth0"


async def test_revoke_ends_the_session_and_its_refresh_tokens(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    logged_in = await log_in(client, admin)
    revoked = await client.post(f"/api/v2/sessions/{logged_in.sid}/revoke", headers=admin)
    assert revoked.status_code == 202
    assert not await has_session(client, logged_in.app)
    refreshed = await refresh(client, logged_in)
    assert refreshed.status_code == 400
    assert refreshed.json()["error"] == "invalid_grant"


async def test_deleting_all_of_a_users_sessions(
    app: FastAPI,
    client: httpx.AsyncClient,
    other_browser: httpx.AsyncClient,
    admin: dict[str, str],
) -> None:
    first = await log_in(client, admin)
    await log_in(other_browser, admin, app=first.app, user=first.user)
    async with browser(app, "192.0.2.1") as third:
        bystander = await log_in(third, admin, app=first.app)  # another user
        url = f"/api/v2/users/{first.user['user_id']}/sessions"
        assert (await client.delete(url, headers=admin)).status_code == 202
        assert (await client.get(url, headers=admin)).json() == {"sessions": []}
        assert not await has_session(client, first.app)
        assert not await has_session(other_browser, first.app)
        assert await has_session(third, bystander.app)


@pytest.mark.parametrize("settings_overrides", [{"testing": True}])
async def test_an_expired_session_is_gone(
    client: httpx.AsyncClient, admin: dict[str, str], settings_overrides: dict[str, object]
) -> None:
    logged_in = await log_in(client, admin)
    await client.put("/testing/clock", json={"offset_seconds": 73 * 3600})  # idle: 72 h
    admin = {"Authorization": f"Bearer {await bootstrap_token(client)}"}  # the old one expired
    assert error(await client.get(f"/api/v2/sessions/{logged_in.sid}", headers=admin))[0] == 404
    url = f"/api/v2/users/{logged_in.user['user_id']}/sessions"
    assert (await client.get(url, headers=admin)).json() == {"sessions": []}


async def test_scopes(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    logged_in = await log_in(client, admin)
    path = f"/api/v2/sessions/{logged_in.sid}"
    users_only = await scoped(client, admin, "read:users", "delete:users")
    assert error(await client.get(path, headers=users_only)) == (403, "insufficient_scope")
    assert error(await client.delete(path, headers=users_only)) == (403, "insufficient_scope")
    reader = await scoped(client, admin, "read:sessions")
    assert (await client.get(path, headers=reader)).status_code == 200
    deleter = await scoped(client, admin, "delete:sessions")
    refused = await client.post(f"{path}/revoke", headers=deleter)
    assert error(refused) == (403, "insufficient_scope")
    assert "delete:refresh_tokens" in refused.json()["message"]
    assert await has_session(client, logged_in.app)
    both = await scoped(client, admin, "delete:sessions", "delete:refresh_tokens")
    assert (await client.post(f"{path}/revoke", headers=both)).status_code == 202
