"""The password and password-realm grants (RFC 6749 §4.3, Auth0 reference §1.3): logins in
database connections, blocking, hash upgrades and their log events."""

from __future__ import annotations

import base64
import json
import statistics
import time
from typing import Any

import bcrypt
import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select, update

from authgate.logs.models import LogEvent
from authgate.users.models import User
from tests.databases import ISSUER
from tests.factories import API_AUDIENCE, create_api, create_client
from tests.users_factories import DATABASE, GOOD_PASSWORD, create_user

REALM = "http://auth0.com/oauth/grant-type/password-realm"


def _claims(jwt: str) -> dict[str, Any]:
    payload = jwt.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))))


async def _native(client: httpx.AsyncClient, admin: dict[str, str]) -> dict[str, Any]:
    return await create_client(
        client, admin, app_type="native", grant_types=["authorization_code", "password", REALM]
    )


async def _login(
    client: httpx.AsyncClient, app: dict[str, Any], username: str, password: str, **extra: str
) -> httpx.Response:
    return await client.post(
        "/oauth/token",
        data={
            "grant_type": REALM,
            "client_id": app["client_id"],
            "username": username,
            "password": password,
            "realm": DATABASE,
            **extra,
        },
    )


async def _logs(client: httpx.AsyncClient, admin: dict[str, str], app: FastAPI) -> list[str]:
    await app.state.services.logs.flush()
    async with app.state.services.db.unit_of_work(write=False) as session:
        rows = (await session.execute(select(LogEvent.type).order_by(LogEvent.log_id))).all()
    return [row[0] for row in rows]


async def test_password_realm_issues_tokens_and_records_the_login(
    client: httpx.AsyncClient, admin: dict[str, str], app: FastAPI
) -> None:
    await create_api(client, admin)
    native = await _native(client, admin)
    user = await create_user(client, admin, given_name="Ada", email_verified=True)
    response = await _login(
        client,
        native,
        user["email"].upper(),
        GOOD_PASSWORD,
        scope="openid profile email read:things",
        audience=API_AUDIENCE,
    )
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["scope"] == "openid profile email read:things"
    access = _claims(body["access_token"])
    assert access["sub"] == user["user_id"]
    assert access["aud"] == [API_AUDIENCE, f"{ISSUER}userinfo"]
    assert access["gty"] == "password"
    identity = _claims(body["id_token"])
    assert identity["aud"] == native["client_id"]
    assert identity["iss"] == ISSUER
    assert identity["sub"] == user["user_id"]
    assert identity["email"] == user["email"]
    assert identity["email_verified"] is True
    assert identity["given_name"] == "Ada"
    assert identity["exp"] - identity["iat"] == 36000
    fetched = (await client.get(f"/api/v2/users/{user['user_id']}", headers=admin)).json()
    assert fetched["logins_count"] == 1
    assert fetched["last_ip"] == "198.51.100.7"
    assert "last_login" in fetched
    assert "sepft" in await _logs(client, admin, app)


async def test_wrong_and_unknown_are_the_same_answer_and_logged_apart(
    client: httpx.AsyncClient, admin: dict[str, str], app: FastAPI
) -> None:
    native = await _native(client, admin)
    user = await create_user(client, admin)
    wrong = await _login(client, native, user["email"], "Not-The-Password-1")
    unknown = await _login(client, native, "nobody@example.test", "Not-The-Password-1")
    assert wrong.status_code == unknown.status_code == 400
    assert (
        wrong.json()
        == unknown.json()
        == {"error": "invalid_grant", "error_description": "Wrong email or password."}
    )
    types = await _logs(client, admin, app)
    assert "fp" in types
    assert "fu" in types
    assert "fepft" not in types


async def test_login_timing_does_not_reveal_users(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    native = await _native(client, admin)
    user = await create_user(client, admin)

    async def timed(username: str) -> float:
        started = time.perf_counter()
        await _login(client, native, username, "Not-The-Password-1")
        return time.perf_counter() - started

    known: list[float] = []
    unknown: list[float] = []
    for _ in range(15):  # interleaved, so machine load drifts affect both alike
        known.append(await timed(user["email"]))
        unknown.append(await timed("nobody@example.test"))
    ratio = statistics.median(known) / statistics.median(unknown)
    assert 0.5 < ratio < 2.0, ratio


async def test_blocked_user_cannot_log_in(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    native = await _native(client, admin)
    user = await create_user(client, admin)
    await client.patch(f"/api/v2/users/{user['user_id']}", json={"blocked": True}, headers=admin)
    blocked = await _login(client, native, user["email"], GOOD_PASSWORD)
    assert blocked.status_code == 403
    assert blocked.json() == {"error": "access_denied", "error_description": "user is blocked"}
    wrong = await _login(client, native, user["email"], "Not-The-Password-1")
    assert wrong.json()["error"] == "invalid_grant", "no account probing with a wrong password"
    await client.patch(f"/api/v2/users/{user['user_id']}", json={"blocked": False}, headers=admin)
    assert (await _login(client, native, user["email"], GOOD_PASSWORD)).status_code == 200


async def test_imported_bcrypt_hash_is_upgraded_at_login(
    client: httpx.AsyncClient, admin: dict[str, str], app: FastAPI
) -> None:
    native = await _native(client, admin)
    user = await create_user(client, admin)
    legacy = bcrypt.hashpw(b"Legacy-Password-9", bcrypt.gensalt(rounds=4)).decode()
    db = app.state.services.db
    async with db.unit_of_work(write=True) as session:
        await session.execute(
            update(User).where(User.user_id == user["user_id"]).values(password_hash=legacy)
        )
    assert (await _login(client, native, user["email"], "Legacy-Password-9")).status_code == 200
    async with db.unit_of_work(write=False) as session:
        stored = await session.scalar(
            select(User.password_hash).where(User.user_id == user["user_id"])
        )
    assert stored is not None
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert (await _login(client, native, user["email"], "Legacy-Password-9")).status_code == 200


async def test_grant_must_be_enabled_and_connection_enabled_for_the_client(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    user = await create_user(client, admin)
    spa = await create_client(client, admin, app_type="spa")
    refused = await _login(client, spa, user["email"], GOOD_PASSWORD)
    assert refused.status_code == 403
    assert refused.json()["error"] == "unauthorized_client"
    native = await _native(client, admin)
    listed = (await client.get(f"/api/v2/connections?name={DATABASE}", headers=admin)).json()
    await client.patch(
        f"/api/v2/connections/{listed[0]['id']}/clients",
        json=[{"client_id": native["client_id"], "status": False}],
        headers=admin,
    )
    disabled = await _login(client, native, user["email"], GOOD_PASSWORD)
    assert disabled.status_code == 403
    assert disabled.json()["error"] == "access_denied"


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"username": ""}, "invalid_request"),
        ({"realm": "nope"}, "invalid_request"),
        ({"scope": "read:things"}, "invalid_scope"),
    ],
)
async def test_bad_password_requests(
    client: httpx.AsyncClient, admin: dict[str, str], data: dict[str, str], error: str
) -> None:
    native = await _native(client, admin)
    user = await create_user(client, admin)
    body = {
        "grant_type": REALM,
        "client_id": native["client_id"],
        "username": user["email"],
        "password": GOOD_PASSWORD,
        "realm": DATABASE,
        **data,
    }
    response = await client.post("/oauth/token", data=body)
    assert response.status_code == 400, response.text
    assert response.json()["error"] == error


async def test_password_grant_uses_the_default_directory(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    native = await _native(client, admin)
    user = await create_user(client, admin)
    body = {
        "grant_type": "password",
        "client_id": native["client_id"],
        "username": user["email"],
        "password": GOOD_PASSWORD,
        "scope": "openid email",
    }
    unset = await client.post("/oauth/token", data=body)
    assert unset.status_code == 400
    await client.patch(
        "/api/v2/tenants/settings", json={"default_directory": DATABASE}, headers=admin
    )
    response = await client.post("/oauth/token", data=body)
    assert response.status_code == 200, response.text
    token = response.json()["access_token"]
    assert token.count(".") != 2  # without an API: opaque, for /userinfo only
    userinfo = await client.get("/userinfo", headers={"Authorization": f"Bearer {token}"})
    assert userinfo.status_code == 200, userinfo.text
    assert userinfo.json()["sub"] == user["user_id"]
