"""``/api/v2/connections`` over HTTP."""

from __future__ import annotations

import httpx
import pytest

from tests.factories import create_client


async def _default(client: httpx.AsyncClient, admin: dict[str, str]) -> dict[str, object]:
    listed = (await client.get("/api/v2/connections", headers=admin)).json()
    return next(c for c in listed if c["name"] == "Username-Password-Authentication")


async def test_bootstrap_creates_the_default_database_connection(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    connection = await _default(client, admin)
    assert str(connection["id"]).startswith("con_")
    assert connection["strategy"] == "auth0"
    assert connection["realms"] == ["Username-Password-Authentication"]
    options = connection["options"]
    assert isinstance(options, dict)
    assert options["passwordPolicy"] == "good"
    assert options["brute_force_protection"] is True


async def test_new_applications_get_the_connections(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    app = await create_client(client, admin, app_type="spa")
    connection = await _default(client, admin)
    assert app["client_id"] in connection["enabled_clients"]
    clients = (
        await client.get(f"/api/v2/connections/{connection['id']}/clients", headers=admin)
    ).json()
    assert {"client_id": app["client_id"]} in clients["clients"]


async def test_create_update_delete(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    app = await create_client(client, admin)
    created = await client.post(
        "/api/v2/connections",
        json={
            "name": "staff-db",
            "strategy": "auth0",
            "display_name": "Staff",
            "options": {
                "passwordPolicy": "excellent",
                "requires_username": True,
                "password_history": {"enable": True, "size": 3},
            },
            "enabled_clients": [app["client_id"]],
            "metadata": {"team": "it"},
        },
        headers=admin,
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["options"]["passwordPolicy"] == "excellent"
    assert body["options"]["password_history"] == {"enable": True, "size": 3}
    assert body["enabled_clients"] == [app["client_id"]]
    url = f"/api/v2/connections/{body['id']}"
    patched = await client.patch(
        url, json={"options": {"passwordPolicy": "low"}, "enabled_clients": []}, headers=admin
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["options"]["passwordPolicy"] == "low"
    assert patched.json()["options"]["requires_username"] is False, "options are replaced"
    assert patched.json()["enabled_clients"] == []
    change = await client.patch(
        f"{url}/clients", json=[{"client_id": app["client_id"], "status": True}], headers=admin
    )
    assert change.status_code == 204
    assert (await client.get(url, headers=admin)).json()["enabled_clients"] == [app["client_id"]]
    assert (await client.delete(url, headers=admin)).status_code == 204
    assert (await client.get(url, headers=admin)).status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"strategy": "auth0"}, "name"),
        ({"name": "bad name", "strategy": "auth0"}, "name"),
        ({"name": "-x", "strategy": "auth0"}, "name"),
        ({"name": "x", "strategy": "carrier-pigeon"}, "strategy"),
        (
            {"name": "x", "strategy": "auth0", "options": {"passwordPolicy": "weak"}},
            "options.passwordPolicy",
        ),
        (
            {"name": "x", "strategy": "auth0", "options": {"password_history": {"size": 99}}},
            "options.password_history.size",
        ),
        ({"name": "x", "strategy": "auth0", "options": {"magic": True}}, "options.magic"),
        ({"name": "x", "strategy": "auth0", "enabled_clients": ["nope"]}, "enabled_clients"),
        ({"name": "x", "strategy": "auth0", "surprise": 1}, "surprise"),
    ],
)
async def test_bad_bodies_are_400_and_store_nothing(
    client: httpx.AsyncClient, admin: dict[str, str], body: dict[str, object], field: str
) -> None:
    response = await client.post("/api/v2/connections", json=body, headers=admin)
    assert response.status_code == 400, response.text
    assert field in response.json()["message"]
    names = [c["name"] for c in (await client.get("/api/v2/connections", headers=admin)).json()]
    assert names == ["Username-Password-Authentication"]


async def test_duplicate_name_is_409(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    again = await client.post(
        "/api/v2/connections",
        json={"name": "Username-Password-Authentication", "strategy": "auth0"},
        headers=admin,
    )
    assert again.status_code == 409


async def test_checkpoint_paging_and_filters(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    for index in range(4):
        response = await client.post(
            "/api/v2/connections", json={"name": f"db-{index}", "strategy": "auth0"}, headers=admin
        )
        assert response.status_code == 201
    seen: list[str] = []
    url = "/api/v2/connections?take=2"
    while url:
        page = (await client.get(url, headers=admin)).json()
        seen += [c["name"] for c in page["connections"]]
        url = f"/api/v2/connections?take=2&from={page['next']}" if "next" in page else ""
    assert sorted(seen) == sorted(
        ["Username-Password-Authentication"] + [f"db-{i}" for i in range(4)]
    )
    named = (await client.get("/api/v2/connections?name=db-2", headers=admin)).json()
    assert [c["name"] for c in named] == ["db-2"]
    totals = (
        await client.get("/api/v2/connections?include_totals=true&per_page=2", headers=admin)
    ).json()
    assert totals["total"] == 5
    assert len(totals["connections"]) == 2
