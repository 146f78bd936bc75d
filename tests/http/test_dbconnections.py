"""``POST /dbconnections/signup`` and ``/dbconnections/change_password`` (reference §1.6)."""

from __future__ import annotations

import json
import statistics
import time

import httpx
import pytest

from tests.factories import create_client
from tests.users_factories import DATABASE, GOOD_PASSWORD, create_user


async def _app(client: httpx.AsyncClient, admin: dict[str, str]) -> str:
    return str((await create_client(client, admin, app_type="spa"))["client_id"])


async def test_signup_with_json_and_form(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    client_id = await _app(client, admin)
    response = await client.post(
        "/dbconnections/signup",
        json={
            "client_id": client_id,
            "connection": DATABASE,
            "email": "New@Example.test",
            "password": GOOD_PASSWORD,
            "given_name": "New",
            "user_metadata": {"color": "blue"},
        },
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) >= {"_id", "email", "email_verified"}
    assert "|" not in body["_id"]
    assert body["email"] == "new@example.test"
    assert body["email_verified"] is False
    assert body["given_name"] == "New"
    user = (await client.get(f"/api/v2/users/auth0|{body['_id']}", headers=admin)).json()
    assert user["user_metadata"] == {"color": "blue"}
    form = await client.post(
        "/dbconnections/signup",
        data={
            "client_id": client_id,
            "connection": DATABASE,
            "email": "form@example.test",
            "password": GOOD_PASSWORD,
        },
    )
    assert form.status_code == 200, form.text


async def test_signup_refuses_a_weak_password_with_the_policy(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    client_id = await _app(client, admin)
    response = await client.post(
        "/dbconnections/signup",
        json={
            "client_id": client_id,
            "connection": DATABASE,
            "email": "weak@example.test",
            "password": "weak",
        },
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_password"
    assert body["name"] == "PasswordStrengthError"
    assert body["statusCode"] == 400
    rules = body["description"]["rules"]
    assert rules[0]["message"] == "At least %d characters in length"
    assert rules[0]["format"] == [8]
    assert rules[0]["verified"] is False
    assert "* At least 8 characters in length" in body["policy"]
    users = (
        await client.get("/api/v2/users-by-email?email=weak@example.test", headers=admin)
    ).json()
    assert users == []


async def test_existing_user_gets_invalid_signup(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    client_id = await _app(client, admin)
    await create_user(client, admin, email="taken@example.test")
    response = await client.post(
        "/dbconnections/signup",
        json={
            "client_id": client_id,
            "connection": DATABASE,
            "email": "taken@example.test",
            "password": GOOD_PASSWORD,
        },
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_signup"


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"client_id": None}, "unauthorized"),
        ({"client_id": "unknown-client"}, "unauthorized"),
        ({"connection": "nope"}, "unauthorized"),
        ({"email": "not-an-email"}, "invalid_body"),
        ({"email": None}, "invalid_body"),
        ({"password": None}, "invalid_body"),
        ({"user_metadata": {f"k{i}": "v" for i in range(11)}}, "invalid_body"),
        ({"user_metadata": {"k": "v" * 501}}, "invalid_body"),
        ({"username": "someone"}, "invalid_body"),
    ],
)
async def test_signup_errors(
    client: httpx.AsyncClient, admin: dict[str, str], overrides: dict[str, object], code: str
) -> None:
    client_id = await _app(client, admin)
    body = {
        "client_id": client_id,
        "connection": DATABASE,
        "email": "e@example.test",
        "password": GOOD_PASSWORD,
        **overrides,
    }
    response = await client.post(
        "/dbconnections/signup", json={k: v for k, v in body.items() if v is not None}
    )
    assert response.status_code == 400, response.text
    assert response.json()["code"] == code
    assert (
        await client.get("/api/v2/users-by-email?email=e@example.test", headers=admin)
    ).json() == []


async def test_signup_disabled_and_connection_not_enabled(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    client_id = await _app(client, admin)
    listed = (await client.get(f"/api/v2/connections?name={DATABASE}", headers=admin)).json()
    url = f"/api/v2/connections/{listed[0]['id']}"
    await client.patch(url, json={"options": {"disable_signup": True}}, headers=admin)
    body = {
        "client_id": client_id,
        "connection": DATABASE,
        "email": "x@example.test",
        "password": GOOD_PASSWORD,
    }
    disabled = await client.post("/dbconnections/signup", json=body)
    assert disabled.json()["code"] == "operation_not_allowed"
    await client.patch(url, json={"options": {}, "enabled_clients": []}, headers=admin)
    not_enabled = await client.post("/dbconnections/signup", json=body)
    assert not_enabled.json()["code"] == "unauthorized"


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b"{", "application/json"),
        (b"[]", "application/json"),
        (b"a=b", "text/plain"),
        (b"email=a&email=b", "application/x-www-form-urlencoded"),
    ],
)
async def test_malformed_signup_bodies(
    client: httpx.AsyncClient, content: bytes, content_type: str
) -> None:
    response = await client.post(
        "/dbconnections/signup", content=content, headers={"Content-Type": content_type}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_body"


async def test_change_password_answers_the_same_for_known_and_unknown_users(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    await create_user(client, admin, email="known@example.test")
    answers = []
    for email in ("known@example.test", "unknown@example.test"):
        response = await client.post(
            "/dbconnections/change_password",
            json={"email": email, "connection": DATABASE},
        )
        answers.append((response.status_code, response.text, response.headers["content-type"]))
    assert answers[0] == answers[1]
    assert answers[0][0] == 200
    assert answers[0][1] == "We've just sent you an email to reset your password."


async def test_change_password_timing_does_not_reveal_users(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    await create_user(client, admin, email="known@example.test")

    async def timed(email: str) -> float:
        started = time.perf_counter()
        await client.post(
            "/dbconnections/change_password", json={"email": email, "connection": DATABASE}
        )
        return time.perf_counter() - started

    known, unknown = [], []
    for _ in range(25):
        known.append(await timed("known@example.test"))
        unknown.append(await timed("unknown@example.test"))
    ratio = statistics.median(known) / statistics.median(unknown)
    assert 0.5 < ratio < 2.0, ratio


async def test_change_password_bad_input(client: httpx.AsyncClient) -> None:
    missing = await client.post("/dbconnections/change_password", json={"email": "a@b.test"})
    assert missing.status_code == 400
    assert json.loads(missing.text)["code"] == "invalid_body"
