"""Rate limits (reference §3.4): token buckets per endpoint group and IP on the Authentication
API, per client on the Management API, configurable per tenant, reported in ``X-RateLimit-*``
headers, refused with 429 in each API's error shape; and Auth0's same-user login limit."""

from __future__ import annotations

import time
from typing import Any

import httpx
from fastapi import FastAPI

from tests.factories import API_AUDIENCE, create_client, m2m_app
from tests.protection.conftest import log_types
from tests.users_factories import DATABASE, GOOD_PASSWORD, create_user

SETTINGS = "/api/v2/attack-protection/rate-limits"
REALM = "http://auth0.com/oauth/grant-type/password-realm"


async def _limit(
    client: httpx.AsyncClient, admin: dict[str, str], group: str, **bucket: Any
) -> dict[str, Any]:
    response = await client.patch(SETTINGS, json={"limits": {group: bucket}}, headers=admin)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def test_the_settings_document(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    document = (await client.get(SETTINGS, headers=admin)).json()
    assert document["enabled"] is True
    assert set(document["limits"]) >= {"token", "userinfo", "management", "jwks"}
    changed = await _limit(client, admin, "jwks", burst=5)
    assert changed["limits"]["jwks"] == {"enabled": True, "burst": 5, "interval_ms": 10}
    for body in (
        {"limits": {"jwks": {"burst": 0}}},
        {"limits": {"nowhere": {"burst": 1}}},
        {"enabled": 1},
    ):
        assert (await client.patch(SETTINGS, json=body, headers=admin)).status_code == 400


async def test_token_requests_are_limited_per_ip_with_headers(
    client: httpx.AsyncClient, admin: dict[str, str], app: FastAPI, other_ip: httpx.AsyncClient
) -> None:
    machine = await m2m_app(client, admin)
    await _limit(client, admin, "token", burst=3, interval_ms=60_000)
    form = {
        "grant_type": "client_credentials",
        "client_id": machine["client_id"],
        "client_secret": machine["client_secret"],
        "audience": API_AUDIENCE,
    }
    answers = [await other_ip.post("/oauth/token", data=form) for _ in range(4)]
    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    assert [answer.headers["x-ratelimit-remaining"] for answer in answers] == ["2", "1", "0", "0"]
    assert {answer.headers["x-ratelimit-limit"] for answer in answers} == {"3"}
    reset = int(answers[3].headers["x-ratelimit-reset"])
    assert time.time() < reset <= time.time() + 181
    assert int(answers[3].headers["retry-after"]) >= 1
    assert answers[3].json() == {
        "error": "too_many_requests",
        "error_description": "Too many requests. Try again later.",
    }
    assert (await client.post("/oauth/token", data=form)).status_code == 200
    assert "api_limit" in await log_types(app)


async def test_a_disabled_group_sends_no_headers(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    await _limit(client, admin, "jwks", enabled=False)
    response = await client.get("/.well-known/jwks.json")
    assert response.status_code == 200
    assert "x-ratelimit-limit" not in response.headers
    await client.patch(
        SETTINGS, json={"enabled": False, "limits": {"jwks": {"enabled": True}}}, headers=admin
    )
    assert "x-ratelimit-limit" not in (await client.get("/.well-known/jwks.json")).headers


async def test_the_management_api_is_limited_per_client(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    await _limit(client, admin, "management", burst=3, interval_ms=60_000)
    # the PATCH itself may have spent the first token (unless its bucket, made under the old
    # limit, has expired since): two or three more calls pass, the next is refused
    statuses = []
    for _ in range(4):
        response = await client.get("/api/v2/clients", headers=admin)
        statuses.append(response.status_code)
        assert response.headers["x-ratelimit-limit"] == "3"
        if response.status_code == 429:
            break
    assert statuses in ([200, 200, 429], [200, 200, 200, 429]), statuses
    body = response.json()
    assert body["statusCode"] == 429
    assert body["errorCode"] == "too_many_requests"
    assert response.headers["x-ratelimit-remaining"] == "0"


async def test_the_same_user_login_limit(
    client: httpx.AsyncClient, admin: dict[str, str], app: FastAPI
) -> None:
    """Auth0's: 20 attempts a minute from one IP to one user, then 10 a minute."""
    native = await create_client(client, admin, app_type="native", grant_types=["password", REALM])
    await client.patch(
        "/api/v2/attack-protection/brute-force-protection", json={"enabled": False}, headers=admin
    )
    user = await create_user(client, admin, email_verified=True)
    form = {
        "grant_type": REALM,
        "client_id": native["client_id"],
        "username": user["email"],
        "password": GOOD_PASSWORD,
        "realm": DATABASE,
    }
    statuses = [(await client.post("/oauth/token", data=form)).status_code for _ in range(21)]
    assert statuses[:20] == [200] * 20
    assert statuses[20] == 429
    assert "limit_sul" in await log_types(app)
