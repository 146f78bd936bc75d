"""The hosted email-verification and password-reset pages, driven like a browser would."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import httpx

from tests.databases import ISSUER
from tests.factories import create_client
from tests.users_factories import DATABASE, GOOD_PASSWORD, create_user

NEW_PASSWORD = "Another-Strong-Pass-42"


def _path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, html
    return match.group(1)


async def _reset_ticket(
    client: httpx.AsyncClient, admin: dict[str, str], user_id: str, **extra: object
) -> str:
    response = await client.post(
        "/api/v2/tickets/password-change", json={"user_id": user_id, **extra}, headers=admin
    )
    assert response.status_code == 201, response.text
    ticket = str(response.json()["ticket"])
    assert ticket.startswith(f"{ISSUER}u/reset-password?ticket=")
    return ticket


async def _open_reset(client: httpx.AsyncClient, ticket: str) -> httpx.Response:
    first = await client.get(_path(ticket))
    assert first.status_code == 303
    assert first.headers["location"] == "/u/reset-password"
    page = await client.get("/u/reset-password")
    assert page.status_code == 200, page.text
    return page


async def test_password_reset_through_the_page(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    user = await create_user(client, admin)
    ticket = await _reset_ticket(client, admin, user["user_id"], mark_email_as_verified=True)
    page = await _open_reset(client, ticket)
    assert page.headers["content-security-policy"].count("frame-ancestors 'none'") == 1
    assert page.headers["referrer-policy"] == "same-origin"
    assert page.headers["x-frame-options"] == "DENY"
    assert 'label for="password"' in page.text
    assert "At least 8 characters in length" in page.text
    response = await client.post(
        "/u/reset-password",
        data={
            "csrf_token": _csrf(page.text),
            "password": NEW_PASSWORD,
            "re-enter-password": NEW_PASSWORD,
            "action": "default",
        },
    )
    assert response.status_code == 200, response.text
    assert "Password changed" in response.text
    fetched = (await client.get(f"/api/v2/users/{user['user_id']}", headers=admin)).json()
    assert fetched["email_verified"] is True
    assert "last_password_reset" in fetched
    again = await client.get(_path(ticket))
    follow = await client.get(again.headers["location"])
    assert follow.status_code == 400, "a used link never works twice"


async def test_reset_refuses_weak_mismatched_and_forged_posts(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    user = await create_user(client, admin)
    page = await _open_reset(client, await _reset_ticket(client, admin, user["user_id"]))
    token = _csrf(page.text)
    weak = await client.post(
        "/u/reset-password",
        data={"csrf_token": token, "password": "weak", "re-enter-password": "weak"},
    )
    assert weak.status_code == 400
    assert 'role="alert"' in weak.text
    mismatch = await client.post(
        "/u/reset-password",
        data={
            "csrf_token": token,
            "password": NEW_PASSWORD,
            "re-enter-password": NEW_PASSWORD + "x",
        },
    )
    assert mismatch.status_code == 400
    assert "do not match" in mismatch.text
    forged = await client.post(
        "/u/reset-password",
        data={
            "csrf_token": "forged-token-value-000000",
            "password": NEW_PASSWORD,
            "re-enter-password": NEW_PASSWORD,
        },
    )
    assert forged.status_code == 400
    cross_site = await client.post(
        "/u/reset-password",
        data={"csrf_token": token, "password": NEW_PASSWORD, "re-enter-password": NEW_PASSWORD},
        headers={"Origin": "https://evil.test"},
    )
    assert cross_site.status_code == 400
    ok = await client.post(
        "/u/reset-password",
        data={"csrf_token": token, "password": NEW_PASSWORD, "re-enter-password": NEW_PASSWORD},
    )
    assert ok.status_code == 200, "the ticket survived the refused attempts"


async def test_reset_without_or_with_bad_ticket(client: httpx.AsyncClient) -> None:
    assert (await client.get("/u/reset-password")).status_code == 400
    client.cookies.set("authgate_reset", "made-up", path="/u/reset-password")
    assert (await client.get("/u/reset-password")).status_code == 400


async def test_reset_redirects_to_result_url(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    user = await create_user(client, admin)
    ticket = await _reset_ticket(
        client, admin, user["user_id"], result_url="https://app.example.test/done?x=1"
    )
    page = await _open_reset(client, ticket)
    response = await client.post(
        "/u/reset-password",
        data={
            "csrf_token": _csrf(page.text),
            "password": NEW_PASSWORD,
            "re-enter-password": NEW_PASSWORD,
        },
    )
    assert response.status_code == 303
    assert response.headers["location"].startswith("https://app.example.test/done?x=1&success=true")


async def test_ticket_by_connection_and_email_and_expiry(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    user = await create_user(client, admin)
    listed = (await client.get(f"/api/v2/connections?name={DATABASE}", headers=admin)).json()
    response = await client.post(
        "/api/v2/tickets/password-change",
        json={"connection_id": listed[0]["id"], "email": user["email"], "ttl_sec": 0},
        headers=admin,
    )
    assert response.status_code == 201
    missing = await client.post(
        "/api/v2/tickets/password-change", json={"email": user["email"]}, headers=admin
    )
    assert missing.status_code == 400
    unknown = await client.post(
        "/api/v2/tickets/password-change", json={"user_id": "auth0|nobody"}, headers=admin
    )
    assert unknown.status_code == 404


async def test_email_verification_link(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    user = await create_user(client, admin)
    response = await client.post(
        "/api/v2/tickets/email-verification", json={"user_id": user["user_id"]}, headers=admin
    )
    assert response.status_code == 201
    link = response.json()["ticket"]
    assert link.startswith(f"{ISSUER}u/email-verification?ticket=")
    page = await client.get(_path(link))
    assert page.status_code == 200
    assert "Email verified" in page.text
    fetched = (await client.get(f"/api/v2/users/{user['user_id']}", headers=admin)).json()
    assert fetched["email_verified"] is True
    again = await client.get(_path(link))
    assert again.status_code == 400


async def test_verification_link_dies_when_the_email_changes(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    user = await create_user(client, admin)
    link = (
        await client.post(
            "/api/v2/tickets/email-verification", json={"user_id": user["user_id"]}, headers=admin
        )
    ).json()["ticket"]
    await client.patch(
        f"/api/v2/users/{user['user_id']}", json={"email": "moved@example.test"}, headers=admin
    )
    assert (await client.get(_path(link))).status_code == 400
    fetched = (await client.get(f"/api/v2/users/{user['user_id']}", headers=admin)).json()
    assert fetched["email_verified"] is False


async def test_signup_then_reset_with_the_new_password_policy_rules(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    app = await create_client(client, admin, app_type="spa")
    signed = await client.post(
        "/dbconnections/signup",
        json={
            "client_id": app["client_id"],
            "connection": DATABASE,
            "email": "s@example.test",
            "password": GOOD_PASSWORD,
        },
    )
    assert signed.status_code == 200


async def test_account_flows_write_their_log_events(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    app = await create_client(client, admin, app_type="spa")
    signed = await client.post(
        "/dbconnections/signup",
        json={
            "client_id": app["client_id"],
            "connection": DATABASE,
            "email": "logs@example.test",
            "password": GOOD_PASSWORD,
        },
    )
    user_id = f"auth0|{signed.json()['_id']}"
    await client.post(
        "/dbconnections/signup",
        json={
            "client_id": app["client_id"],
            "connection": DATABASE,
            "email": "logs@example.test",
            "password": GOOD_PASSWORD,
        },
    )
    link = (
        await client.post(
            "/api/v2/tickets/email-verification", json={"user_id": user_id}, headers=admin
        )
    ).json()["ticket"]
    await client.get(_path(link))
    await client.get(_path(link))
    ticket = await _reset_ticket(client, admin, user_id)
    page = await _open_reset(client, ticket)
    await client.post(
        "/u/reset-password",
        data={
            "csrf_token": _csrf(page.text),
            "password": NEW_PASSWORD,
            "re-enter-password": NEW_PASSWORD,
        },
    )
    logs = (
        await client.get(
            "/api/v2/logs",
            params={"q": f'user_id:"{user_id}" OR type:fs OR type:fv', "sort": "date:1"},
            headers=admin,
        )
    ).json()
    assert [event["type"] for event in logs] == ["ss", "fs", "sv", "fv", "scp"]
    assert logs[1]["description"] == "The user already exists."
