"""Factories for users, through the Management API."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

DATABASE = "Username-Password-Authentication"
GOOD_PASSWORD = "Correct-Horse-7-Battery"


async def create_user(
    client: httpx.AsyncClient, admin: dict[str, str], **fields: Any
) -> dict[str, Any]:
    body = {
        "connection": DATABASE,
        "email": f"user-{uuid.uuid4().hex[:8]}@example.test",
        "password": GOOD_PASSWORD,
        **fields,
    }
    response = await client.post("/api/v2/users", json=body, headers=admin)
    assert response.status_code == 201, response.text
    return dict(response.json())
