"""``/api/v2/users`` and ``/api/v2/users-by-email`` over HTTP."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import insert, select

from authgate.services import Services
from authgate.tenants.models import Tenant
from authgate.users.models import User
from tests.databases import ISSUER
from tests.factories import create_client, grant, token
from tests.users_factories import DATABASE, GOOD_PASSWORD, create_user


async def test_create_returns_the_auth0_user_object(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    user = await create_user(
        client,
        admin,
        email="Ada.Lovelace@Example.TEST",
        given_name="Ada",
        family_name="Lovelace",
        user_metadata={"theme": "dark"},
        app_metadata={"plan": "gold"},
    )
    assert user["user_id"].startswith("auth0|")
    assert len(user["user_id"]) == len("auth0|") + 24
    assert user["email"] == "ada.lovelace@example.test"
    assert user["email_verified"] is False
    assert user["name"] == "ada.lovelace@example.test"
    assert user["nickname"] == "ada.lovelace"
    assert user["picture"].startswith(f"{ISSUER}avatars/")
    assert user["identities"] == [
        {
            "connection": DATABASE,
            "user_id": user["user_id"][6:],
            "provider": "auth0",
            "isSocial": False,
        }
    ]
    assert user["user_metadata"] == {"theme": "dark"}
    assert user["app_metadata"] == {"plan": "gold"}
    assert user["logins_count"] == 0
    assert "password" not in user
    assert "password_hash" not in str(user)
    fetched = await client.get(f"/api/v2/users/{user['user_id']}", headers=admin)
    assert fetched.json() == user
    avatar = await client.get(user["picture"].removeprefix(ISSUER.rstrip("/")))
    assert avatar.status_code == 200
    assert avatar.headers["content-type"] == "image/svg+xml"


async def test_custom_user_id(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    user = await create_user(client, admin, user_id="legacy-42")
    assert user["user_id"] == "auth0|legacy-42"


async def test_email_is_unique_per_connection_case_insensitively(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    await create_user(client, admin, email="dup@example.test")
    again = await client.post(
        "/api/v2/users",
        json={"connection": DATABASE, "email": "DUP@example.test", "password": GOOD_PASSWORD},
        headers=admin,
    )
    assert again.status_code == 409
    assert again.json()["message"] == "The user already exists."


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"email": "a@b"}, "email"),
        ({"email": ("x" * 65) + "@example.test"}, "email"),
        ({"email": "ok@example.test", "phone_number": "12345"}, "phone_number"),
        ({"email": "ok@example.test", "given_name": ""}, "given_name"),
        ({"email": "ok@example.test", "name": "x" * 301}, "name"),
        ({"email": "ok@example.test", "name": "bad\u0000name"}, "name"),
        ({"email": "ok@example.test", "user_metadata": {"a.b": 1}}, "user_metadata"),
        ({"email": "ok@example.test", "user_metadata": {"big": "x" * 20_000}}, "user_metadata"),
        ({"email": "ok@example.test", "app_metadata": {"blocked": True}}, "app_metadata"),
        ({"email": "ok@example.test", "user_metadata": "text"}, "user_metadata"),
        ({"email": "ok@example.test", "blocked": "yes"}, "blocked"),
        ({"email": "ok@example.test", "username": "someone"}, "username"),
        ({"email": "ok@example.test", "surprise": True}, "surprise"),
        ({"email": "ok@example.test", "connection": "nope"}, "connection"),
    ],
)
async def test_bad_bodies_are_400_naming_the_field_and_store_nothing(
    client: httpx.AsyncClient, admin: dict[str, str], body: dict[str, object], field: str
) -> None:
    payload = {"connection": DATABASE, "password": GOOD_PASSWORD, **body}
    response = await client.post("/api/v2/users", json=payload, headers=admin)
    assert response.status_code == 400, response.text
    assert field in response.json()["message"]
    listed = (await client.get("/api/v2/users?include_totals=true", headers=admin)).json()
    assert listed["total"] == 0


@pytest.mark.parametrize(
    ("password", "error_code"),
    [
        ("short", "PasswordStrengthError"),
        ("alllowercaseletters", "PasswordStrengthError"),
        ("Password1", "PasswordDictionaryError"),
    ],
)
async def test_password_policy_is_enforced(
    client: httpx.AsyncClient, admin: dict[str, str], password: str, error_code: str
) -> None:
    await client.patch(
        "/api/v2/connections/" + await _database_id(client, admin),
        json={"options": {"passwordPolicy": "good", "password_dictionary": {"enable": True}}},
        headers=admin,
    )
    response = await client.post(
        "/api/v2/users",
        json={"connection": DATABASE, "email": "p@example.test", "password": password},
        headers=admin,
    )
    assert response.status_code == 400, response.text
    assert response.json()["errorCode"] == error_code


async def _database_id(client: httpx.AsyncClient, admin: dict[str, str]) -> str:
    listed = (await client.get(f"/api/v2/connections?name={DATABASE}", headers=admin)).json()
    return str(listed[0]["id"])


async def test_patch_merges_metadata_and_resets_email_verification(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    user = await create_user(
        client, admin, email_verified=True, user_metadata={"a": 1, "b": {"c": 2}}
    )
    url = f"/api/v2/users/{user['user_id']}"
    patched = await client.patch(
        url,
        json={
            "user_metadata": {"a": None, "d": 4},
            "app_metadata": {"roles": ["x"]},
            "given_name": "Grace",
        },
        headers=admin,
    )
    assert patched.status_code == 200, patched.text
    body = patched.json()
    assert body["user_metadata"] == {"b": {"c": 2}, "d": 4}
    assert body["app_metadata"] == {"roles": ["x"]}
    assert body["given_name"] == "Grace"
    assert body["email_verified"] is True
    moved = (await client.patch(url, json={"email": "new@example.test"}, headers=admin)).json()
    assert moved["email"] == "new@example.test"
    assert moved["email_verified"] is False
    other = await create_user(client, admin)
    taken = await client.patch(url, json={"email": other["email"]}, headers=admin)
    assert taken.status_code == 409
    blocked = (await client.patch(url, json={"blocked": True}, headers=admin)).json()
    assert blocked["blocked"] is True
    assert (
        await client.patch(url, json={"email_verified": None}, headers=admin)
    ).status_code == 400


async def test_app_metadata_scope_cannot_change_other_fields(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    user = await create_user(client, admin)
    app = await create_client(client, admin)
    await grant(
        client,
        admin,
        app["client_id"],
        audience=f"{ISSUER}api/v2/",
        scope=("update:users_app_metadata",),
    )
    issued = (await token(client, app, audience=f"{ISSUER}api/v2/")).json()["access_token"]
    headers = {"Authorization": f"Bearer {issued}"}
    url = f"/api/v2/users/{user['user_id']}"
    assert (
        await client.patch(url, json={"app_metadata": {"x": 1}}, headers=headers)
    ).status_code == 200
    assert (await client.patch(url, json={"blocked": True}, headers=headers)).status_code == 403


async def test_delete(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    user = await create_user(client, admin)
    url = f"/api/v2/users/{user['user_id']}"
    assert (await client.delete(url, headers=admin)).status_code == 204
    missing = await client.get(url, headers=admin)
    assert missing.status_code == 404
    assert missing.json()["errorCode"] == "inexistent_user"


async def test_users_by_email_and_search(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    ada = await create_user(
        client, admin, email="ada@example.test", name="Ada Lovelace", app_metadata={"plan": "gold"}
    )
    await create_user(
        client,
        admin,
        email="grace@example.test",
        name="Grace Hopper",
        app_metadata={"plan": "free"},
    )
    by_email = (
        await client.get("/api/v2/users-by-email?email=ADA@example.test", headers=admin)
    ).json()
    assert [u["user_id"] for u in by_email] == [ada["user_id"]]
    cases = {
        'email:"ada@example.test"': ["ada@example.test"],
        "name:Grace*": ["grace@example.test"],
        'app_metadata.plan:"gold"': ["ada@example.test"],
        "email_verified:false AND NOT name:Ada*": ["grace@example.test"],
        f'identities.connection:"{DATABASE}"': ["ada@example.test", "grace@example.test"],
    }
    for query, expected in cases.items():
        found = (
            await client.get(
                "/api/v2/users",
                params={"q": query, "search_engine": "v3", "sort": "email:1"},
                headers=admin,
            )
        ).json()
        assert [u["email"] for u in found] == expected, query
    bad = await client.get("/api/v2/users", params={"q": "email:(unclosed"}, headers=admin)
    assert bad.status_code == 400
    assert bad.json()["errorCode"] == "invalid_query_string"
    too_deep = await client.get("/api/v2/users?page=20&per_page=100", headers=admin)
    assert too_deep.status_code == 400


async def test_paging_with_totals(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    for _ in range(5):
        await create_user(client, admin)
    page = (
        await client.get("/api/v2/users?page=1&per_page=2&include_totals=true", headers=admin)
    ).json()
    assert page["total"] == 5
    assert page["start"] == 2
    assert len(page["users"]) == 2
    fields = (
        await client.get("/api/v2/users?fields=email,user_id&include_fields=true", headers=admin)
    ).json()
    assert all(set(u) == {"email", "user_id"} for u in fields)


async def _emails(client: httpx.AsyncClient, admin: dict[str, str], q: str) -> list[str]:
    params = {"q": q, "search_engine": "v3", "sort": "email:1"}
    found = (await client.get("/api/v2/users", params=params, headers=admin)).json()
    return [user["email"] for user in found]


async def test_email_domain_follows_the_email(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    """``email.domain`` matches what follows the ``@`` of the email as created, then as
    changed by PATCH, ignoring case."""
    ada = await create_user(client, admin, email="Ada@Sub.Example.TEST")
    await create_user(client, admin, email="grace@example.test")
    assert await _emails(client, admin, 'email.domain:"SUB.example.test"') == [
        "ada@sub.example.test"
    ]
    assert await _emails(client, admin, "email.domain:example.test") == ["grace@example.test"]
    url = f"/api/v2/users/{ada['user_id']}"
    moved = await client.patch(url, json={"email": "ada@Elsewhere.TEST"}, headers=admin)
    assert moved.status_code == 200, moved.text
    assert await _emails(client, admin, "email.domain:sub.example.test") == []
    assert await _emails(client, admin, "email.domain:elsewhere.test") == ["ada@elsewhere.test"]
    assert await _emails(client, admin, "email.domain:else*") == ["ada@elsewhere.test"]
    renamed = await client.patch(url, json={"given_name": "Ada"}, headers=admin)
    assert renamed.status_code == 200, renamed.text
    assert await _emails(client, admin, "email.domain:elsewhere.test") == ["ada@elsewhere.test"]


async def _insert_users(app: FastAPI, connection_id: str, emails: list[str]) -> None:
    """Users written straight into the table: a thousand through the API would take minutes."""
    services: Services = app.state.services
    now = datetime.now(UTC)
    async with services.db.unit_of_work(write=True) as session:
        tenant_id = (await session.execute(select(Tenant.id).where(Tenant.is_default))).scalar()
        rows = [
            {
                "id": uuid.uuid4().hex,
                "tenant_id": tenant_id,
                "connection_id": connection_id,
                "user_id": f"auth0|{uuid.uuid4().hex[:24]}",
                "email": email,
                "email_key": email,
                "email_domain": email.rpartition("@")[2],
                "user_metadata": {},
                "app_metadata": {},
                "created_at": now,
                "updated_at": now,
            }
            for email in emails
        ]
        await session.execute(insert(User), rows)


async def test_totals_are_counted_up_to_the_1000_users_a_search_reaches(
    client: httpx.AsyncClient, admin: dict[str, str], app: FastAPI
) -> None:
    """Auth0's ``total`` is at most 1,000, the most users a search (or the list) can page
    through; fewer matches are counted exactly."""
    many = [f"user{n}@many.test" for n in range(1001)]
    await _insert_users(app, await _database_id(client, admin), [*many, "a@few.test", "b@few.test"])

    async def total(**params: str) -> int:
        query = {"include_totals": "true", "per_page": "1", "search_engine": "v3", **params}
        page = (await client.get("/api/v2/users", params=query, headers=admin)).json()
        return int(page["total"])

    assert await total() == 1000
    assert await total(q="email.domain:many.test") == 1000
    assert await total(q="email:user1000@many.test OR email.domain:few.test") == 3
    assert await total(q="email.domain:few.test", connection=DATABASE) == 2
    last = await client.get(
        "/api/v2/users",
        params={"q": "email.domain:many.test", "page": "999", "per_page": "1", "sort": "email:1"},
        headers=admin,
    )
    assert [user["email"] for user in last.json()] == [sorted(many)[999]]
