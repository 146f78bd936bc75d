"""``/api/v2/clients`` over HTTP: Auth0's shapes, validation, secrets and paging."""

from __future__ import annotations

import httpx
import pytest

from tests.databases import ISSUER
from tests.factories import API_AUDIENCE, create_client, grant, m2m_app, token


async def test_create_returns_auth0_shape(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    response = await client.post(
        "/api/v2/clients",
        json={
            "name": "Web shop",
            "description": "The shop",
            "app_type": "regular_web",
            "callbacks": ["https://shop.example/callback"],
            "allowed_logout_urls": ["https://shop.example/"],
            "web_origins": ["https://shop.example"],
            "client_metadata": {"team": "web"},
            "logo_uri": "https://shop.example/logo.png",
        },
        headers=admin,
    )
    assert response.status_code == 201, response.text
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert len(body["client_id"]) == 32
    assert body["client_id"].isalnum()
    assert len(body["client_secret"]) == 64
    assert body["tenant"] == "default"
    assert body["app_type"] == "regular_web"
    assert body["is_first_party"] is True
    assert body["oidc_conformant"] is True
    assert body["token_endpoint_auth_method"] == "client_secret_post"
    assert body["grant_types"] == ["authorization_code", "refresh_token", "client_credentials"]
    assert body["jwt_configuration"] == {
        "lifetime_in_seconds": 36000,
        "secret_encoded": False,
        "alg": "RS256",
    }
    assert body["refresh_token"]["rotation_type"] == "non-rotating"
    assert body["refresh_token"]["token_lifetime"] == 2592000
    assert body["client_metadata"] == {"team": "web"}
    fetched = await client.get(f"/api/v2/clients/{body['client_id']}", headers=admin)
    assert fetched.json() == body


@pytest.mark.parametrize(
    ("app_type", "method", "grants"),
    [
        ("spa", "none", ["authorization_code", "refresh_token"]),
        ("native", "none", ["authorization_code", "refresh_token"]),
        ("non_interactive", "client_secret_post", ["client_credentials"]),
    ],
)
async def test_defaults_follow_the_application_type(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    app_type: str,
    method: str,
    grants: list[str],
) -> None:
    body = await create_client(client, admin, app_type=app_type)
    assert body["token_endpoint_auth_method"] == method
    assert body["grant_types"] == grants
    assert "implicit" not in body["grant_types"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": 42}, "name"),
        ({"name": "x" * 256}, "name"),
        ({"name": "a", "description": "d" * 141}, "description"),
        ({"name": "a", "app_type": "mainframe"}, "app_type"),
        ({"name": "a", "callbacks": ["not a url"]}, "callbacks.0"),
        ({"name": "a", "callbacks": ["https://x.example/cb#frag"]}, "callbacks.0"),
        ({"name": "a", "callbacks": ["javascript:alert(1)"]}, "callbacks.0"),
        ({"name": "a", "web_origins": ["https://x.example/path"]}, "web_origins.0"),
        ({"name": "a", "grant_types": ["magic"]}, "grant_types"),
        (
            {"name": "a", "token_endpoint_auth_method": "private_key_jwt"},
            "token_endpoint_auth_method",
        ),
        ({"name": "a", "client_metadata": {f"k{i}": "v" for i in range(11)}}, "client_metadata"),
        ({"name": "a", "client_metadata": {"k": "v" * 256}}, "client_metadata"),
        ({"name": "a", "jwt_configuration": {"alg": "none"}}, "jwt_configuration.alg"),
        ({"name": "a", "unknown_field": True}, "unknown_field"),
        ({"name": "a", "app_type": "spa", "grant_types": ["client_credentials"]}, "grant_types"),
        (
            {"name": "a", "app_type": "spa", "token_endpoint_auth_method": "client_secret_post"},
            "token_endpoint_auth_method",
        ),
        (
            {"name": "a", "app_type": "non_interactive", "grant_types": ["authorization_code"]},
            "grant_types",
        ),
    ],
)
async def test_bad_bodies_are_400_naming_the_field_and_store_nothing(
    client: httpx.AsyncClient, admin: dict[str, str], body: dict[str, object], field: str
) -> None:
    before = (await client.get("/api/v2/clients?include_totals=true", headers=admin)).json()
    response = await client.post("/api/v2/clients", json=body, headers=admin)
    assert response.status_code == 400, response.text
    error = response.json()
    assert error["statusCode"] == 400
    assert error["error"] == "Bad Request"
    assert error["errorCode"] == "invalid_body"
    assert field in error["message"]
    after = (await client.get("/api/v2/clients?include_totals=true", headers=admin)).json()
    assert after["total"] == before["total"]


async def test_malformed_json_is_400(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    response = await client.post(
        "/api/v2/clients",
        content=b'{"name": ',
        headers={**admin, "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["errorCode"] == "invalid_body"


async def test_body_over_one_megabyte_is_413(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    response = await client.post(
        "/api/v2/clients", json={"name": "a", "description": "x" * 1_100_000}, headers=admin
    )
    assert response.status_code == 413
    assert response.json()["statusCode"] == 413


async def test_patch_updates_merges_objects_and_validates(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    created = await create_client(
        client, admin, app_type="regular_web", client_metadata={"a": "1", "b": "2"}
    )
    url = f"/api/v2/clients/{created['client_id']}"
    response = await client.patch(
        url,
        json={
            "name": "Renamed",
            "jwt_configuration": {"lifetime_in_seconds": 600},
            "client_metadata": {"b": None, "c": "3"},
            "description": None,
        },
        headers=admin,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["name"] == "Renamed"
    assert body["jwt_configuration"]["lifetime_in_seconds"] == 600
    assert body["jwt_configuration"]["alg"] == "RS256"
    assert body["client_metadata"] == {"a": "1", "c": "3"}
    assert "description" not in body
    bad = await client.patch(
        url, json={"jwt_configuration": {"lifetime_in_seconds": -1}}, headers=admin
    )
    assert bad.status_code == 400
    assert "jwt_configuration.lifetime_in_seconds" in bad.json()["message"]
    switched = await client.patch(url, json={"app_type": "spa"}, headers=admin)
    assert switched.status_code == 400, "client_credentials is left on a public client"
    unchanged = (await client.get(url, headers=admin)).json()
    assert unchanged["app_type"] == "regular_web"
    assert unchanged["name"] == "Renamed"
    assert (await client.patch(url, json={"name": None}, headers=admin)).status_code == 400
    assert (await client.patch(url, json={"client_id": "x"}, headers=admin)).status_code == 400


async def test_rotate_secret_takes_effect_immediately(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    app = await m2m_app(client, admin)
    assert (await token(client, app)).status_code == 200
    rotated = await client.post(f"/api/v2/clients/{app['client_id']}/rotate-secret", headers=admin)
    assert rotated.status_code == 200
    new_secret = rotated.json()["client_secret"]
    assert new_secret != app["client_secret"]
    assert (await token(client, app)).status_code == 401
    assert (await token(client, {**app, "client_secret": new_secret})).status_code == 200


async def test_patch_client_secret(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    app = await m2m_app(client, admin)
    chosen = "s" * 40
    url = f"/api/v2/clients/{app['client_id']}"
    assert (
        await client.patch(url, json={"client_secret": "short"}, headers=admin)
    ).status_code == 400
    response = await client.patch(url, json={"client_secret": chosen}, headers=admin)
    assert response.status_code == 200
    assert (await token(client, {**app, "client_secret": chosen})).status_code == 200


async def test_secret_is_visible_only_with_key_scopes(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    target = await create_client(client, admin)
    reader = await create_client(client, admin)
    audience = f"{ISSUER}api/v2/"
    await grant(client, admin, reader["client_id"], audience=audience, scope=("read:clients",))
    issued = await token(client, reader, audience=audience)
    headers = {"Authorization": f"Bearer {issued.json()['access_token']}"}
    body = (await client.get(f"/api/v2/clients/{target['client_id']}", headers=headers)).json()
    assert "client_secret" not in body
    assert body["callbacks"] == []
    full = (await client.get(f"/api/v2/clients/{target['client_id']}", headers=admin)).json()
    assert full["client_secret"] == target["client_secret"]


async def test_summary_scope_sees_summary_fields(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    reader = await create_client(client, admin)
    audience = f"{ISSUER}api/v2/"
    await grant(
        client, admin, reader["client_id"], audience=audience, scope=("read:client_summary",)
    )
    issued = await token(client, reader, audience=audience)
    headers = {"Authorization": f"Bearer {issued.json()['access_token']}"}
    body = (await client.get(f"/api/v2/clients/{reader['client_id']}", headers=headers)).json()
    assert set(body) == {"client_id", "name", "app_type"}


async def test_changing_secret_needs_key_scope(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    target = await create_client(client, admin)
    editor = await create_client(client, admin)
    audience = f"{ISSUER}api/v2/"
    await grant(client, admin, editor["client_id"], audience=audience, scope=("update:clients",))
    issued = await token(client, editor, audience=audience)
    headers = {"Authorization": f"Bearer {issued.json()['access_token']}"}
    url = f"/api/v2/clients/{target['client_id']}"
    assert (await client.patch(url, json={"name": "ok"}, headers=headers)).status_code == 200
    refused = await client.patch(url, json={"client_secret": "z" * 40}, headers=headers)
    assert refused.status_code == 403


async def test_list_paging_totals_and_filters(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    for index in range(5):
        await create_client(client, admin, name=f"spa-{index}", app_type="spa")
    everything = (await client.get("/api/v2/clients?include_totals=true", headers=admin)).json()
    assert everything["total"] == 6
    assert everything["start"] == 0
    assert everything["limit"] == 50
    assert everything["length"] == 6
    page = await client.get(
        "/api/v2/clients",
        params={"page": 1, "per_page": 2, "include_totals": "true", "app_type": "spa"},
        headers=admin,
    )
    body = page.json()
    assert body["total"] == 5
    assert body["start"] == 2
    assert body["limit"] == 2
    assert body["length"] == 2
    assert [c["name"] for c in body["clients"]] == ["spa-2", "spa-3"]
    bare = (await client.get("/api/v2/clients?per_page=3", headers=admin)).json()
    assert isinstance(bare, list)
    assert len(bare) == 3
    fields = (
        await client.get("/api/v2/clients?fields=name,client_id&include_fields=true", headers=admin)
    ).json()
    assert all(set(item) == {"name", "client_id"} for item in fields)
    assert (await client.get("/api/v2/clients?per_page=1000", headers=admin)).status_code == 400
    bad = await client.get("/api/v2/clients?page=-1", headers=admin)
    assert bad.status_code == 400
    assert bad.json()["errorCode"] == "invalid_query_string"


async def test_delete_removes_client_and_its_grants(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    app = await m2m_app(client, admin)
    url = f"/api/v2/clients/{app['client_id']}"
    assert (await client.delete(url, headers=admin)).status_code == 204
    missing = await client.get(url, headers=admin)
    assert missing.status_code == 404
    assert missing.json()["errorCode"] == "inexistent_client"
    grants = (
        await client.get(f"/api/v2/client-grants?client_id={app['client_id']}", headers=admin)
    ).json()
    assert grants["client_grants"] == []
    assert (await token(client, app)).status_code == 401
    assert (await client.delete(url, headers=admin)).status_code == 404


async def test_token_audience_of_deleted_api_is_refused(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    app = await m2m_app(client, admin)
    api = (await client.get(f"/api/v2/resource-servers/{API_AUDIENCE}", headers=admin)).json()
    assert (
        await client.delete(f"/api/v2/resource-servers/{api['id']}", headers=admin)
    ).status_code == 204
    assert (await token(client, app)).status_code == 403
