"""``/api/v2/resource-servers`` over HTTP."""

from __future__ import annotations

from urllib.parse import quote

import httpx
import jwt as pyjwt
import pytest

from tests.databases import ISSUER
from tests.factories import API_AUDIENCE, create_api, create_client, grant, m2m_app, token


async def test_create_get_patch_delete(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    created = await create_api(client, admin, token_lifetime=3600)
    assert len(created["id"]) == 24
    assert created["identifier"] == API_AUDIENCE
    assert created["is_system"] is False
    assert created["signing_alg"] == "RS256"
    assert created["token_lifetime"] == 3600
    assert created["token_lifetime_for_web"] == 3600
    assert created["allow_offline_access"] is False
    assert created["skip_consent_for_verifiable_first_party_clients"] is True
    assert created["token_dialect"] == "access_token"
    assert "signing_secret" not in created
    by_identifier = await client.get(
        f"/api/v2/resource-servers/{quote(API_AUDIENCE, safe='')}", headers=admin
    )
    assert by_identifier.json() == created
    patched = await client.patch(
        f"/api/v2/resource-servers/{created['id']}",
        json={
            "name": "Renamed",
            "allow_offline_access": True,
            "enforce_policies": True,
            "token_dialect": "access_token_authz",
        },
        headers=admin,
    )
    assert patched.status_code == 200
    assert patched.json()["name"] == "Renamed"
    assert patched.json()["token_dialect"] == "access_token_authz"
    assert (
        await client.delete(f"/api/v2/resource-servers/{created['id']}", headers=admin)
    ).status_code == 204
    assert (
        await client.get(f"/api/v2/resource-servers/{created['id']}", headers=admin)
    ).status_code == 404


async def test_token_lifetime_comes_from_the_api(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    app = await m2m_app(client, admin)
    api = (
        await client.get(f"/api/v2/resource-servers/{quote(API_AUDIENCE, safe='')}", headers=admin)
    ).json()
    await client.patch(
        f"/api/v2/resource-servers/{api['id']}", json={"token_lifetime": 120}, headers=admin
    )
    assert (await token(client, app)).json()["expires_in"] == 120


async def test_hs256_api_gets_a_secret_and_signs_with_it(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    api = await create_api(client, admin, identifier="https://hs.example", signing_alg="HS256")
    assert len(api["signing_secret"]) >= 32
    app = await m2m_app_for(client, admin, "https://hs.example")
    issued = (await token(client, app, audience="https://hs.example")).json()["access_token"]
    claims = pyjwt.decode(
        issued,
        api["signing_secret"],
        algorithms=["HS256"],
        audience="https://hs.example",
        issuer=ISSUER,
    )
    assert claims["gty"] == "client-credentials"


async def m2m_app_for(
    client: httpx.AsyncClient, admin: dict[str, str], audience: str
) -> dict[str, str]:
    app = await create_client(client, admin)
    await grant(client, admin, app["client_id"], audience=audience)
    return app


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "no identifier"}, "identifier"),
        ({"identifier": ""}, "identifier"),
        ({"identifier": "x", "token_lifetime": 0}, "token_lifetime"),
        ({"identifier": "x", "token_lifetime": 2_592_001}, "token_lifetime"),
        ({"identifier": "x", "signing_alg": "none"}, "signing_alg"),
        ({"identifier": "x", "scopes": [{"value": "has space"}]}, "scopes.0.value"),
        ({"identifier": "x", "scopes": [{"value": "a"}, {"value": "a"}]}, "scopes"),
        ({"identifier": "x", "signing_secret": "short"}, "signing_secret"),
        ({"identifier": "x", "is_system": True}, "is_system"),
    ],
)
async def test_bad_bodies_are_400(
    client: httpx.AsyncClient, admin: dict[str, str], body: dict[str, object], field: str
) -> None:
    response = await client.post("/api/v2/resource-servers", json=body, headers=admin)
    assert response.status_code == 400, response.text
    assert field in response.json()["message"]
    listed = (
        await client.get("/api/v2/resource-servers?include_totals=true", headers=admin)
    ).json()
    assert listed["total"] == 1


async def test_duplicate_identifier_is_409(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    await create_api(client, admin)
    again = await client.post(
        "/api/v2/resource-servers", json={"identifier": API_AUDIENCE}, headers=admin
    )
    assert again.status_code == 409
    assert again.json()["errorCode"] == "conflict"


async def test_identifier_is_immutable(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    api = await create_api(client, admin)
    response = await client.patch(
        f"/api/v2/resource-servers/{api['id']}", json={"identifier": "https://other"}, headers=admin
    )
    assert response.status_code == 400


async def test_management_api_is_a_system_api_that_cannot_be_deleted(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    listed = (await client.get("/api/v2/resource-servers", headers=admin)).json()
    system = next(api for api in listed if api["is_system"])
    assert system["identifier"] == f"{ISSUER}api/v2/"
    scopes = {scope["value"] for scope in system["scopes"]}
    assert {
        "read:clients",
        "create:clients",
        "update:client_keys",
        "read:signing_keys",
        "update:tenant_settings",
        "delete:resource_servers",
    } <= scopes
    delete = await client.delete(f"/api/v2/resource-servers/{system['id']}", headers=admin)
    assert delete.status_code == 400
    assert delete.json()["errorCode"] == "operation_not_supported"
    rescoped = await client.patch(
        f"/api/v2/resource-servers/{system['id']}", json={"scopes": []}, headers=admin
    )
    assert rescoped.status_code == 400
    lifetime = await client.patch(
        f"/api/v2/resource-servers/{system['id']}", json={"token_lifetime": 3600}, headers=admin
    )
    assert lifetime.status_code == 200
    reserved = await client.post(
        "/api/v2/resource-servers", json={"identifier": f"{ISSUER}api/v2/"}, headers=admin
    )
    assert reserved.status_code == 409


async def test_list_paging_and_identifier_filter(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    for index in range(3):
        await create_api(client, admin, identifier=f"https://api{index}.example")
    page = (
        await client.get(
            "/api/v2/resource-servers?page=0&per_page=2&include_totals=true", headers=admin
        )
    ).json()
    assert page["total"] == 4
    assert page["length"] == 2
    filtered = (
        await client.get(
            "/api/v2/resource-servers",
            params={"identifiers": "https://api1.example,https://api2.example"},
            headers=admin,
        )
    ).json()
    assert sorted(api["identifier"] for api in filtered) == [
        "https://api1.example",
        "https://api2.example",
    ]
