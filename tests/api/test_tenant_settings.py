"""``/api/v2/tenants/settings``."""

from __future__ import annotations

import httpx
import pytest


async def test_defaults(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    body = (await client.get("/api/v2/tenants/settings", headers=admin)).json()
    assert body["friendly_name"] == "default"
    assert body["session_lifetime"] == 168
    assert body["idle_session_lifetime"] == 72
    assert body["session_lifetime_in_minutes"] == 10080
    assert body["enabled_locales"] == ["en"]
    assert body["allowed_logout_urls"] == []
    assert body["flags"] == {
        "remove_alg_from_jwks": False,
        "enable_client_connections": True,
        "require_pkce_for_confidential_clients": True,
    }
    assert "default_audience" not in body


async def test_patch_and_read_back(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    patch = {
        "friendly_name": "Acme",
        "picture_url": "https://acme.example/logo.png",
        "support_email": "help@acme.example",
        "support_url": "https://acme.example/help",
        "default_audience": "https://api.acme.example",
        "idle_session_lifetime_in_minutes": 30,
        "session_lifetime": 24,
        "enabled_locales": ["en", "fr", "ja"],
        "allowed_logout_urls": ["https://acme.example/bye"],
    }
    response = await client.patch("/api/v2/tenants/settings", json=patch, headers=admin)
    assert response.status_code == 200, response.text
    body = (await client.get("/api/v2/tenants/settings", headers=admin)).json()
    assert body["friendly_name"] == "Acme"
    assert body["idle_session_lifetime"] == 0.5
    assert body["session_lifetime"] == 24
    assert body["enabled_locales"] == ["en", "fr", "ja"]
    cleared = await client.patch(
        "/api/v2/tenants/settings", json={"default_audience": None}, headers=admin
    )
    assert "default_audience" not in cleared.json()
    fields = await client.get("/api/v2/tenants/settings?fields=friendly_name", headers=admin)
    assert fields.json() == {"friendly_name": "Acme"}


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"support_email": "not-an-email"}, "support_email"),
        ({"picture_url": "ftp://x"}, "picture_url"),
        ({"session_lifetime": 0}, "session_lifetime"),
        ({"session_lifetime": 10, "idle_session_lifetime": 20}, "idle_session_lifetime"),
        ({"enabled_locales": ["xx"]}, "enabled_locales"),
        ({"enabled_locales": []}, "enabled_locales"),
        ({"flags": {"enable_everything": True}}, "flags"),
        ({"session_lifetime": None}, "session_lifetime"),
        ({"sandbox_version": "18"}, "sandbox_version"),
    ],
)
async def test_bad_patches_are_400_and_change_nothing(
    client: httpx.AsyncClient, admin: dict[str, str], patch: dict[str, object], field: str
) -> None:
    before = (await client.get("/api/v2/tenants/settings", headers=admin)).json()
    response = await client.patch("/api/v2/tenants/settings", json=patch, headers=admin)
    assert response.status_code == 400, response.text
    assert field in response.json()["message"]
    assert (await client.get("/api/v2/tenants/settings", headers=admin)).json() == before
