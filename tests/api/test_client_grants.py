"""``/api/v2/client-grants`` over HTTP."""

from __future__ import annotations

import httpx

from tests.factories import API_AUDIENCE, create_api, create_client, grant, token


async def test_create_patch_delete_and_effect_on_tokens(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    await create_api(client, admin)
    app = await create_client(client, admin)
    created = await grant(client, admin, app["client_id"])
    assert created["id"].startswith("cgr_")
    assert created["scope"] == ["read:things"]
    assert (await token(client, app)).json()["scope"] == "read:things"
    patched = await client.patch(
        f"/api/v2/client-grants/{created['id']}", json={"scope": ["write:things"]}, headers=admin
    )
    assert patched.status_code == 200
    assert (await token(client, app)).json()["scope"] == "write:things"
    assert (
        await client.delete(f"/api/v2/client-grants/{created['id']}", headers=admin)
    ).status_code == 204
    assert (await token(client, app)).status_code == 403


async def test_one_grant_per_client_and_audience(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    await create_api(client, admin)
    app = await create_client(client, admin)
    await grant(client, admin, app["client_id"])
    again = await client.post(
        "/api/v2/client-grants",
        json={"client_id": app["client_id"], "audience": API_AUDIENCE, "scope": []},
        headers=admin,
    )
    assert again.status_code == 409


async def test_validation(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    await create_api(client, admin)
    app = await create_client(client, admin)
    cases = [
        ({"client_id": "nobody", "audience": API_AUDIENCE, "scope": []}, 404),
        ({"client_id": app["client_id"], "audience": "https://nope", "scope": []}, 404),
        ({"client_id": app["client_id"], "audience": API_AUDIENCE, "scope": ["undefined"]}, 400),
        ({"client_id": app["client_id"], "audience": API_AUDIENCE}, 400),
        ({"client_id": app["client_id"], "audience": API_AUDIENCE, "scope": [], "x": 1}, 400),
    ]
    for body, status in cases:
        response = await client.post("/api/v2/client-grants", json=body, headers=admin)
        assert response.status_code == status, (body, response.text)
    listed = (
        await client.get(f"/api/v2/client-grants?client_id={app['client_id']}", headers=admin)
    ).json()
    assert listed["client_grants"] == []


async def test_list_filters_and_checkpoint_paging(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    await create_api(client, admin)
    made = []
    for _ in range(5):
        app = await create_client(client, admin)
        made.append((await grant(client, admin, app["client_id"]))["id"])
    seen: list[str] = []
    url = f"/api/v2/client-grants?audience={API_AUDIENCE}&take=2"
    while True:
        page = (await client.get(url, headers=admin)).json()
        seen.extend(item["id"] for item in page["client_grants"])
        if "next" not in page:
            break
        url = f"/api/v2/client-grants?audience={API_AUDIENCE}&take=2&from={page['next']}"
    assert sorted(seen) == sorted(made)
    offset = (
        await client.get(
            f"/api/v2/client-grants?audience={API_AUDIENCE}&page=0&per_page=3&include_totals=true",
            headers=admin,
        )
    ).json()
    assert offset["total"] == 5
    assert offset["length"] == 3
    bad = await client.get("/api/v2/client-grants?from=%%%", headers=admin)
    assert bad.status_code == 400, bad.text
