"""Plain factory functions with safe defaults, going through the Management API."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from tests.databases import BOOTSTRAP_CLIENT_ID, BOOTSTRAP_CLIENT_SECRET, ISSUER

API_AUDIENCE = "https://api.example.test"


async def bootstrap_token(client: httpx.AsyncClient) -> str:
    """A Management API token of the bootstrap application (every scope)."""
    response = await client.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": BOOTSTRAP_CLIENT_ID,
            "client_secret": BOOTSTRAP_CLIENT_SECRET,
            "audience": f"{ISSUER}api/v2/",
        },
    )
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


async def create_api(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    *,
    identifier: str = API_AUDIENCE,
    scopes: tuple[str, ...] = ("read:things", "write:things"),
    **fields: Any,
) -> dict[str, Any]:
    body = {
        "identifier": identifier,
        "name": fields.pop("name", "Things API"),
        "scopes": [{"value": scope, "description": scope} for scope in scopes],
        **fields,
    }
    response = await client.post("/api/v2/resource-servers", json=body, headers=admin)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def create_client(
    client: httpx.AsyncClient, admin: dict[str, str], **fields: Any
) -> dict[str, Any]:
    body = {"name": f"app-{uuid.uuid4().hex[:8]}", "app_type": "non_interactive", **fields}
    response = await client.post("/api/v2/clients", json=body, headers=admin)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def grant(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    client_id: str,
    audience: str = API_AUDIENCE,
    scope: tuple[str, ...] = ("read:things",),
) -> dict[str, Any]:
    response = await client.post(
        "/api/v2/client-grants",
        json={"client_id": client_id, "audience": audience, "scope": list(scope)},
        headers=admin,
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def m2m_app(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    scope: tuple[str, ...] = ("read:things",),
) -> dict[str, Any]:
    """An API, a machine-to-machine client and a grant between them."""
    await create_api(client, admin)
    app = await create_client(client, admin)
    await grant(client, admin, app["client_id"], scope=scope)
    return app


async def token(
    client: httpx.AsyncClient,
    app: dict[str, Any],
    *,
    audience: str | None = API_AUDIENCE,
    **extra: str,
) -> httpx.Response:
    data = {
        "grant_type": "client_credentials",
        "client_id": app["client_id"],
        "client_secret": app["client_secret"],
        **extra,
    }
    if audience is not None:
        data["audience"] = audience
    return await client.post("/oauth/token", data=data)
