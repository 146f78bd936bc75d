"""Consent remembered as grants and ``/api/v2/grants`` (reference §2.2, §2.3 "Grant"): a
third-party application asks once per API and scope set; ``prompt=consent`` asks again; the
Management API lists grants with Auth0's filters and paging and deletes them, after which the
page asks again."""

from __future__ import annotations

from typing import Any

import httpx

from tests.factories import create_api
from tests.http.authorize_helpers import (
    Pkce,
    authorize_params,
    csrf_of,
    login_through_pages,
    query,
    spa,
    state_of,
)
from tests.logs.test_logs_api import error, scoped
from tests.users_factories import create_user

USERINFO = "http://authgate.test/userinfo"
API = "https://things.example.test/"


async def _accept(client: httpx.AsyncClient, location: str) -> httpx.Response:
    """On the consent page at ``location``: accept, then follow the resume."""
    assert location.startswith("/u/consent?state="), location
    page = await client.get(location)
    assert page.status_code == 200, page.text
    form = {"state": state_of(page.text), "csrf_token": csrf_of(page.text), "action": "accept"}
    accepted = await client.post("/u/consent", data=form)
    assert accepted.status_code == 303, accepted.text
    return await client.get(accepted.headers["location"])


async def _authorize(
    client: httpx.AsyncClient, app: dict[str, Any], **extra: str
) -> httpx.Response:
    response = await client.get("/authorize", params=authorize_params(app, Pkce.new(), **extra))
    assert response.status_code == 302, response.text
    return response


async def test_consent_is_asked_once_and_remembered(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    third = await spa(client, admin, is_first_party=False)
    user = await create_user(client, admin)
    first = await login_through_pages(client, authorize_params(third, Pkce.new()), user["email"])
    issued = await _accept(client, first.headers["location"])
    assert "code" in query(issued.headers["location"])

    again = await _authorize(client, third)
    assert "code" in query(again.headers["location"]), "remembered: no consent page"
    silent = await _authorize(client, third, prompt="none")
    assert "code" in query(silent.headers["location"])
    asked = await _authorize(client, third, prompt="consent")
    assert asked.headers["location"].startswith("/u/consent?state=")

    # more scopes, or another API, ask again; the grant then holds both consents
    await create_api(client, admin, identifier=API)
    wider = await _authorize(client, third, scope="openid profile email phone")
    assert wider.headers["location"].startswith("/u/consent?state=")
    await _accept(client, wider.headers["location"])
    narrower = await _authorize(client, third, scope="openid email")
    assert "code" in query(narrower.headers["location"])
    api = await _authorize(client, third, audience=API, scope="openid read:things")
    assert api.headers["location"].startswith("/u/consent?state=")
    await _accept(client, api.headers["location"])

    listed = await client.get("/api/v2/grants", params={"user_id": user["user_id"]}, headers=admin)
    assert listed.status_code == 200, listed.text
    grants = {grant["audience"]: grant for grant in listed.json()}
    assert set(grants) == {USERINFO, API}
    assert grants[USERINFO]["clientID"] == third["client_id"]
    assert grants[USERINFO]["user_id"] == user["user_id"]
    assert set(grants[USERINFO]["scope"]) == {
        "openid",
        "profile",
        "email",
        "offline_access",
        "phone",
    }
    assert set(grants[API]["scope"]) == {"openid", "read:things"}
    assert set(grants[API]) == {"id", "clientID", "user_id", "audience", "scope"}


async def test_a_deleted_grant_asks_again(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    third = await spa(client, admin, is_first_party=False)
    user = await create_user(client, admin)
    first = await login_through_pages(client, authorize_params(third, Pkce.new()), user["email"])
    await _accept(client, first.headers["location"])
    (grant,) = (
        await client.get("/api/v2/grants", params={"user_id": user["user_id"]}, headers=admin)
    ).json()
    deleted = await client.delete(f"/api/v2/grants/{grant['id']}", headers=admin)
    assert deleted.status_code == 204
    missing = await client.delete(f"/api/v2/grants/{grant['id']}", headers=admin)
    assert missing.status_code == 404
    assert missing.json()["errorCode"] == "inexistent_grant"
    silent = await _authorize(client, third, prompt="none")
    assert query(silent.headers["location"])["error"] == "consent_required"
    asked = await _authorize(client, third)
    assert asked.headers["location"].startswith("/u/consent?state=")


async def test_listing_filters_paging_and_deleting_a_users_grants(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    apps = [await spa(client, admin, is_first_party=False) for _ in range(3)]
    ada = await create_user(client, admin)
    bob = await create_user(client, admin)
    for person in (ada, bob):
        client.cookies.clear()
        for n, app in enumerate(apps):
            params = authorize_params(app, Pkce.new())
            if n == 0:
                step = await login_through_pages(client, params, person["email"])
            else:
                step = await client.get("/authorize", params=params)
            await _accept(client, step.headers["location"])

    everything = await client.get(
        "/api/v2/grants", params={"include_totals": "true", "per_page": 4}, headers=admin
    )
    body = everything.json()
    assert (body["start"], body["limit"], body["length"], body["total"]) == (0, 4, 4, 6)
    second = await client.get(
        "/api/v2/grants",
        params={"include_totals": "true", "per_page": 4, "page": 1},
        headers=admin,
    )
    assert second.json()["length"] == 2
    ids = {grant["id"] for grant in body["grants"] + second.json()["grants"]}
    assert len(ids) == 6
    by_client = await client.get(
        "/api/v2/grants", params={"client_id": apps[1]["client_id"]}, headers=admin
    )
    assert {grant["user_id"] for grant in by_client.json()} == {ada["user_id"], bob["user_id"]}
    by_audience = await client.get("/api/v2/grants", params={"audience": API}, headers=admin)
    assert by_audience.json() == []
    nobody = await client.get("/api/v2/grants", params={"user_id": "auth0|nobody"}, headers=admin)
    assert nobody.json() == []

    assert (await client.delete("/api/v2/grants", headers=admin)).status_code == 400
    gone = await client.delete("/api/v2/grants", params={"user_id": ada["user_id"]}, headers=admin)
    assert gone.status_code == 204
    left = (await client.get("/api/v2/grants", headers=admin)).json()
    assert {grant["user_id"] for grant in left} == {bob["user_id"]}

    # a deleted user's grants go with it
    removed = await client.delete(f"/api/v2/users/{bob['user_id']}", headers=admin)
    assert removed.status_code == 204
    assert (await client.get("/api/v2/grants", headers=admin)).json() == []


async def test_grants_need_their_scopes(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    users_only = await scoped(client, admin, "read:users", "delete:users")
    assert error(await client.get("/api/v2/grants", headers=users_only)) == (
        403,
        "insufficient_scope",
    )
    reader = await scoped(client, admin, "read:grants")
    assert (await client.get("/api/v2/grants", headers=reader)).status_code == 200
    for path in ("/api/v2/grants/gr_x", "/api/v2/grants?user_id=auth0|x"):
        assert error(await client.delete(path, headers=reader)) == (403, "insufficient_scope")
