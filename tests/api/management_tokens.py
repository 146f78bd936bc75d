"""Management API credentials for tests: a token with chosen scopes, a second tenant."""

from __future__ import annotations

import json

import httpx
from fastapi import FastAPI

from authgate.bootstrap import create_tenant
from tests.databases import ISSUER
from tests.factories import create_client, grant

MANAGEMENT_AUDIENCE = f"{ISSUER}api/v2/"


async def scoped(client: httpx.AsyncClient, admin: dict[str, str], *scopes: str) -> dict[str, str]:
    """Headers carrying a Management API token that holds only ``scopes``."""
    app = await create_client(client, admin)
    await grant(client, admin, app["client_id"], audience=MANAGEMENT_AUDIENCE, scope=scopes)
    response = await client.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "audience": MANAGEMENT_AUDIENCE,
        },
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def second_tenant(
    app: FastAPI, client: httpx.AsyncClient, name: str = "acme"
) -> dict[str, str]:
    """A tenant on ``https://{name}.test/`` and headers administering it (every scope)."""
    tenant, client_id, path = await create_tenant(
        app.state.services, name=name, issuer=f"https://{name}.test/"
    )
    host = {"Host": f"{name}.test"}
    issued = await client.post(
        "/oauth/token",
        headers=host,
        data={
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": json.loads(path.read_text())["client_secret"],
            "audience": tenant.management_audience,
        },
    )
    assert issued.status_code == 200, issued.text
    return {**host, "Authorization": f"Bearer {issued.json()['access_token']}"}


def error(response: httpx.Response) -> tuple[int, str]:
    """The status and ``errorCode`` of a Management API error, checking its shape."""
    body = response.json()
    assert set(body) == {"statusCode", "error", "message", "errorCode"}, body
    assert body["statusCode"] == response.status_code
    return response.status_code, str(body["errorCode"])
