"""Suspicious IP throttling (reference §3.1): failed logins per IP across accounts and signups
per IP, each a token bucket; ``limit_mu``; the admin notification; ``/anomaly/blocks/ips``."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI

from tests.factories import create_client
from tests.protection.conftest import log_types
from tests.smtp import Sink
from tests.users_factories import DATABASE, GOOD_PASSWORD, create_user

REALM = "http://auth0.com/oauth/grant-type/password-realm"
SETTINGS = "/api/v2/attack-protection/suspicious-ip-throttling"
IP = "198.51.100.7"


async def _native(client: httpx.AsyncClient, admin: dict[str, str]) -> dict[str, Any]:
    return await create_client(client, admin, app_type="native", grant_types=["password", REALM])


async def _login(
    http: httpx.AsyncClient, app: dict[str, Any], username: str, password: str
) -> httpx.Response:
    return await http.post(
        "/oauth/token",
        data={
            "grant_type": REALM,
            "client_id": app["client_id"],
            "username": username,
            "password": password,
            "realm": DATABASE,
        },
    )


async def _stage(
    client: httpx.AsyncClient, admin: dict[str, str], stage: str, **limits: int
) -> dict[str, Any]:
    response = await client.patch(SETTINGS, json={"stage": {stage: limits}}, headers=admin)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def test_defaults_are_auth0s(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    document = (await client.get(SETTINGS, headers=admin)).json()
    assert document == {
        "enabled": True,
        "shields": ["admin_notification", "block"],
        "allowlist": [],
        "stage": {
            "pre-login": {"max_attempts": 100, "rate": 864000},
            "pre-user-registration": {"max_attempts": 50, "rate": 1200},
        },
    }
    changed = await _stage(client, admin, "pre-login", max_attempts=7)
    assert changed["stage"]["pre-login"] == {"max_attempts": 7, "rate": 864000}
    assert changed["stage"]["pre-user-registration"] == {"max_attempts": 50, "rate": 1200}
    for body in (
        {"stage": {"pre-login": {"max_attempts": 0}}},
        {"stage": {"pre-login": {"rate": 0}}},
        {"stage": {"post-login": {"rate": 5}}},
        {"shields": ["user_notification"]},
    ):
        assert (await client.patch(SETTINGS, json=body, headers=admin)).status_code == 400


async def test_failed_logins_across_accounts_throttle_the_ip(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    app: FastAPI,
    other_ip: httpx.AsyncClient,
    smtp_sink: Sink,
) -> None:
    patched = await client.patch(
        "/api/v2/tenants/settings", json={"support_email": "security@example.test"}, headers=admin
    )
    assert patched.status_code == 200, patched.text
    native = await _native(client, admin)
    await _stage(client, admin, "pre-login", max_attempts=3)
    victim = await create_user(client, admin, email_verified=True)
    for number in range(3):
        answer = await _login(client, native, f"user{number}@example.test", "guess-1")
        assert answer.status_code == 400
    throttled = await _login(client, native, victim["email"], GOOD_PASSWORD)
    assert throttled.status_code == 429
    assert throttled.json()["error"] == "too_many_attempts"
    assert (await _login(other_ip, native, victim["email"], GOOD_PASSWORD)).status_code == 200
    assert "limit_mu" in await log_types(app)
    alert = (await smtp_sink.wait_for(1))[0]
    assert alert.rcpt_tos == ["security@example.test"]
    assert IP in alert.message.get_body(("plain",)).get_content()  # type: ignore[union-attr]

    checked = await client.get(f"/api/v2/anomaly/blocks/ips/{IP}", headers=admin)
    assert checked.status_code == 200
    released = await client.delete(f"/api/v2/anomaly/blocks/ips/{IP}", headers=admin)
    assert released.status_code == 204
    assert (await client.get(f"/api/v2/anomaly/blocks/ips/{IP}", headers=admin)).status_code == 404
    assert (await _login(client, native, victim["email"], GOOD_PASSWORD)).status_code == 200


async def test_successful_logins_do_not_spend_the_budget(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    native = await _native(client, admin)
    await _stage(client, admin, "pre-login", max_attempts=2)
    user = await create_user(client, admin, email_verified=True)
    for _ in range(5):
        assert (await _login(client, native, user["email"], GOOD_PASSWORD)).status_code == 200
    assert (await client.get(f"/api/v2/anomaly/blocks/ips/{IP}", headers=admin)).status_code == 404


async def test_the_allowlist_and_monitoring_mode(
    client: httpx.AsyncClient, admin: dict[str, str], app: FastAPI
) -> None:
    native = await _native(client, admin)
    await _stage(client, admin, "pre-login", max_attempts=1)
    await client.patch(SETTINGS, json={"allowlist": [IP]}, headers=admin)
    for _ in range(3):
        assert (await _login(client, native, "a@example.test", "guess-1")).status_code == 400
    await client.patch(SETTINGS, json={"allowlist": [], "shields": []}, headers=admin)
    for _ in range(3):
        assert (await _login(client, native, "b@example.test", "guess-1")).status_code == 400
    assert "limit_mu" in await log_types(app)


async def test_signups_per_ip_are_throttled(
    client: httpx.AsyncClient, admin: dict[str, str], app: FastAPI, other_ip: httpx.AsyncClient
) -> None:
    native = await _native(client, admin)
    await _stage(client, admin, "pre-user-registration", max_attempts=2, rate=60_000)

    async def signup(http: httpx.AsyncClient, number: int) -> httpx.Response:
        return await http.post(
            "/dbconnections/signup",
            json={
                "client_id": native["client_id"],
                "connection": DATABASE,
                "email": f"new{number}@example.test",
                "password": GOOD_PASSWORD,
            },
        )

    malformed = await client.post("/dbconnections/signup", json={"connection": DATABASE})
    assert malformed.status_code == 400  # does not count
    assert (await signup(client, 1)).status_code == 200
    assert (await signup(client, 1)).status_code == 400  # a failed signup counts too
    refused = await signup(client, 2)
    assert refused.status_code == 429
    assert refused.json()["code"] == "too_many_attempts"
    assert refused.json()["statusCode"] == 429
    assert (await signup(other_ip, 3)).status_code == 200
    assert "limit_mu" in await log_types(app)


async def test_anomaly_paths_refuse_what_is_not_an_ip(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    assert (await client.get("/api/v2/anomaly/blocks/ips/nope", headers=admin)).status_code == 400
    ipv6 = await client.get("/api/v2/anomaly/blocks/ips/2001:db8::1", headers=admin)
    assert ipv6.status_code == 404
    assert (await client.get(f"/api/v2/anomaly/blocks/ips/{IP}")).status_code == 401
