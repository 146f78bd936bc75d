"""The test clock hook exists only with ``AUTHGATE_TESTING``."""

from __future__ import annotations

import base64
import json
import time

import httpx
import pytest

from tests.factories import m2m_app, token


async def test_clock_hook_is_absent_by_default(client: httpx.AsyncClient) -> None:
    response = await client.put("/testing/clock", json={"offset_seconds": 60})
    assert response.status_code in (404, 405)


@pytest.mark.parametrize("settings_overrides", [{"testing": True}])
async def test_clock_offset_moves_token_times(
    client: httpx.AsyncClient, admin: dict[str, str], settings_overrides: dict[str, object]
) -> None:
    app = await m2m_app(client, admin)
    moved = await client.put("/testing/clock", json={"offset_seconds": 7200})
    assert moved.status_code == 200
    issued = (await token(client, app)).json()["access_token"]
    payload = issued.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert claims["iat"] >= time.time() + 7100
    assert (await client.put("/testing/clock", json={"offset_seconds": "x"})).status_code == 400
