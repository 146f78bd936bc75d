"""Brute-force protection (reference §3.1; security.md §5 brute-force row): counted per
identifier and IP on every password path, atomic under parallel bursts, no lockout of the real
user from elsewhere, released by a successful login, the unblock link, a password reset and the
Management API."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import httpx
from fastapi import FastAPI

from tests.factories import create_client
from tests.http.authorize_helpers import Pkce, authorize_params, csrf_of, spa, state_of
from tests.protection.conftest import from_ip, log_types
from tests.smtp import Sink
from tests.users_factories import DATABASE, GOOD_PASSWORD, create_user

REALM = "http://auth0.com/oauth/grant-type/password-realm"
WRONG = "Not-The-Password-1"
SETTINGS = "/api/v2/attack-protection/brute-force-protection"


async def _native(client: httpx.AsyncClient, admin: dict[str, str]) -> dict[str, Any]:
    return await create_client(
        client, admin, app_type="native", grant_types=["authorization_code", "password", REALM]
    )


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
            "scope": "openid",
        },
    )


async def _configure(client: httpx.AsyncClient, admin: dict[str, str], **body: Any) -> Any:
    response = await client.patch(SETTINGS, json=body, headers=admin)
    assert response.status_code == 200, response.text
    return response.json()


async def test_defaults_are_auth0s(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    response = await client.get(SETTINGS, headers=admin)
    assert response.status_code == 200
    assert response.json() == {
        "enabled": True,
        "shields": ["block", "user_notification"],
        "mode": "count_per_identifier_and_ip",
        "allowlist": [],
        "max_attempts": 10,
    }


async def test_settings_refuse_bad_values(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    for body in (
        {"max_attempts": 0},
        {"max_attempts": 101},
        {"mode": "count_per_ip"},
        {"shields": ["block", "admin_notification"]},
        {"allowlist": ["10.0.0.0/33"]},
        {"allowlist": ["not-an-ip"]},
        {"allowlist": [f"10.0.{i // 250}.{i % 250}" for i in range(101)]},
        {"enabled": "yes"},
        {"unknown": 1},
    ):
        response = await client.patch(SETTINGS, json=body, headers=admin)
        assert response.status_code == 400, body
        assert response.json()["message"].startswith("Payload validation error"), body
    assert (await client.patch(SETTINGS, content=b"{", headers=admin)).status_code == 400
    assert (await client.get(SETTINGS, headers=admin)).json()["max_attempts"] == 10
    assert (await client.patch(SETTINGS, json={"max_attempts": 3})).status_code == 401


async def test_ten_failures_block_the_identifier_from_that_ip_only(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    app: FastAPI,
    other_ip: httpx.AsyncClient,
    smtp_sink: Sink,
) -> None:
    native = await _native(client, admin)
    user = await create_user(client, admin, email_verified=True)
    for _ in range(10):
        assert (await _login(client, native, user["email"], WRONG)).status_code == 400
    blocked = await _login(client, native, user["email"], GOOD_PASSWORD)
    assert blocked.status_code == 429
    assert blocked.json()["error"] == "too_many_attempts"
    # the real user, elsewhere, is not locked out
    assert (await _login(other_ip, native, user["email"], GOOD_PASSWORD)).status_code == 200
    listed = await client.get(
        "/api/v2/user-blocks", params={"identifier": user["email"]}, headers=admin
    )
    assert listed.json() == {
        "blocked_for": [{"identifier": user["email"], "ip": "198.51.100.7", "connection": DATABASE}]
    }
    by_user = await client.get(f"/api/v2/user-blocks/{user['user_id']}", headers=admin)
    assert by_user.json() == listed.json()
    types = await log_types(app)
    assert types.count("fp") == 10
    assert types.count("limit_wc") == 2  # the block engaging, then the refused attempt
    mails = await smtp_sink.wait_for(1)
    assert mails[0].rcpt_tos == [user["email"]]
    assert "blocked" in str(mails[0].message["subject"]).lower()


async def test_the_unblock_link_lifts_the_block(
    client: httpx.AsyncClient, admin: dict[str, str], app: FastAPI, smtp_sink: Sink
) -> None:
    native = await _native(client, admin)
    user = await create_user(client, admin, email_verified=True)
    await _configure(client, admin, max_attempts=2)
    for _ in range(2):
        await _login(client, native, user["email"], WRONG)
    assert (await _login(client, native, user["email"], GOOD_PASSWORD)).status_code == 429
    mail = (await smtp_sink.wait_for(1))[0].message
    text = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    link = re.search(r"http://authgate\.test(/u/unblock\?ticket=[\w-]+)", text)
    assert link is not None, text
    page = await client.get(link.group(1))
    assert page.status_code == 200
    ticket = re.search(r'name="ticket" value="([^"]+)"', page.text)
    assert ticket is not None
    form = {"ticket": ticket.group(1), "csrf_token": csrf_of(page.text)}
    done = await client.post("/u/unblock", data=form)
    assert done.status_code == 200, done.text
    assert (await _login(client, native, user["email"], GOOD_PASSWORD)).status_code == 200
    assert (await client.post("/u/unblock", data=form)).status_code == 400  # single use
    assert "ublkdu" in await log_types(app)


async def test_the_unblock_page_refuses_a_forged_ticket(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    page = await client.get("/u/unblock?ticket=forged")
    form = {"ticket": "forged", "csrf_token": csrf_of(page.text)}
    assert (await client.post("/u/unblock", data=form)).status_code == 400
    assert (await client.post("/u/unblock", data={"ticket": "forged"})).status_code == 400
    assert (await client.get("/u/unblock")).status_code == 400


async def test_fifty_parallel_wrong_passwords_engage_the_block_at_exactly_the_count(
    client: httpx.AsyncClient, admin: dict[str, str], app: FastAPI
) -> None:
    native = await _native(client, admin)
    user = await create_user(client, admin, email_verified=True)
    answers = await asyncio.gather(
        *(_login(client, native, user["email"], WRONG) for _ in range(50))
    )
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses.count(400) == 10
    assert statuses.count(429) == 40
    assert (await log_types(app)).count("fp") == 10


async def test_a_successful_login_clears_the_count(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    native = await _native(client, admin)
    user = await create_user(client, admin, email_verified=True)
    await _configure(client, admin, max_attempts=3)
    for _ in range(2):
        await _login(client, native, user["email"], WRONG)
    assert (await _login(client, native, user["email"], GOOD_PASSWORD)).status_code == 200
    for _ in range(3):
        assert (await _login(client, native, user["email"], WRONG)).status_code == 400
    assert (await _login(client, native, user["email"], WRONG)).status_code == 429


async def test_unknown_identifiers_are_counted_too(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    native = await _native(client, admin)
    await _configure(client, admin, max_attempts=2)
    for _ in range(2):
        assert (await _login(client, native, "nobody@example.test", WRONG)).status_code == 400
    assert (await _login(client, native, "NOBODY@example.test", WRONG)).status_code == 429


async def test_an_allowlisted_ip_is_never_blocked(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    native = await _native(client, admin)
    user = await create_user(client, admin, email_verified=True)
    await _configure(client, admin, max_attempts=2, allowlist=["198.51.100.0/24", "2001:db8::/32"])
    for _ in range(4):
        assert (await _login(client, native, user["email"], WRONG)).status_code == 400
    assert (await _login(client, native, user["email"], GOOD_PASSWORD)).status_code == 200


async def test_account_lockout_mode_blocks_the_identifier_everywhere(
    client: httpx.AsyncClient, admin: dict[str, str], other_ip: httpx.AsyncClient
) -> None:
    native = await _native(client, admin)
    user = await create_user(client, admin, email_verified=True)
    await _configure(client, admin, max_attempts=2, mode="count_per_identifier")
    await _login(client, native, user["email"], WRONG)
    await _login(other_ip, native, user["email"], WRONG)
    assert (await _login(other_ip, native, user["email"], GOOD_PASSWORD)).status_code == 429
    assert (await _login(client, native, user["email"], GOOD_PASSWORD)).status_code == 429
    listed = await client.get(
        "/api/v2/user-blocks", params={"identifier": user["email"]}, headers=admin
    )
    assert listed.json()["blocked_for"] == [
        {"identifier": user["email"], "ip": None, "connection": DATABASE}
    ]


async def test_monitoring_mode_logs_without_blocking(
    client: httpx.AsyncClient, admin: dict[str, str], app: FastAPI, smtp_sink: Sink
) -> None:
    native = await _native(client, admin)
    user = await create_user(client, admin, email_verified=True)
    await _configure(client, admin, max_attempts=2, shields=[])
    for _ in range(3):
        assert (await _login(client, native, user["email"], WRONG)).status_code == 400
    assert (await _login(client, native, user["email"], GOOD_PASSWORD)).status_code == 200
    assert "limit_wc" in await log_types(app)
    await asyncio.sleep(0.3)
    assert smtp_sink.received == []  # no user_notification shield


async def test_disabled_protection_and_the_connection_toggle(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    native = await _native(client, admin)
    user = await create_user(client, admin, email_verified=True)
    await _configure(client, admin, max_attempts=1, enabled=False)
    for _ in range(3):
        assert (await _login(client, native, user["email"], WRONG)).status_code == 400
    await _configure(client, admin, enabled=True)
    connections = await client.get("/api/v2/connections", params={"name": DATABASE}, headers=admin)
    connection = connections.json()[0]
    options = {**connection["options"], "brute_force_protection": False}
    patched = await client.patch(
        f"/api/v2/connections/{connection['id']}", json={"options": options}, headers=admin
    )
    assert patched.status_code == 200, patched.text
    for _ in range(3):
        assert (await _login(client, native, user["email"], WRONG)).status_code == 400


async def test_administrators_release_blocks(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    native = await _native(client, admin)
    first, second = (
        await create_user(client, admin, email_verified=True),
        await create_user(client, admin, email_verified=True),
    )
    await _configure(client, admin, max_attempts=1)
    for user in (first, second):
        await _login(client, native, user["email"], WRONG)
        assert (await _login(client, native, user["email"], GOOD_PASSWORD)).status_code == 429
    released = await client.delete(
        "/api/v2/user-blocks", params={"identifier": first["email"]}, headers=admin
    )
    assert released.status_code == 204
    assert (await _login(client, native, first["email"], GOOD_PASSWORD)).status_code == 200
    by_id = await client.delete(f"/api/v2/user-blocks/{second['user_id']}", headers=admin)
    assert by_id.status_code == 204
    assert (await _login(client, native, second["email"], GOOD_PASSWORD)).status_code == 200
    missing = await client.delete("/api/v2/user-blocks/auth0|nobody", headers=admin)
    assert missing.status_code == 404


async def test_raising_the_threshold_lifts_blocks_below_it(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    native = await _native(client, admin)
    user = await create_user(client, admin, email_verified=True)
    await _configure(client, admin, max_attempts=1)
    await _login(client, native, user["email"], WRONG)
    assert (await _login(client, native, user["email"], GOOD_PASSWORD)).status_code == 429
    await _configure(client, admin, max_attempts=5)
    listed = await client.get(
        "/api/v2/user-blocks", params={"identifier": user["email"]}, headers=admin
    )
    assert listed.json() == {"blocked_for": []}
    assert (await _login(client, native, user["email"], GOOD_PASSWORD)).status_code == 200


async def test_consider_brute_force_enablement(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    native = await _native(client, admin)
    user = await create_user(client, admin, email_verified=True)
    await _configure(client, admin, max_attempts=1)
    await _login(client, native, user["email"], WRONG)
    await _configure(client, admin, enabled=False)
    params = {"identifier": user["email"]}
    plain = await client.get("/api/v2/user-blocks", params=params, headers=admin)
    assert len(plain.json()["blocked_for"]) == 1
    considered = await client.get(
        "/api/v2/user-blocks",
        params={**params, "consider_brute_force_enablement": "true"},
        headers=admin,
    )
    assert considered.json() == {"blocked_for": []}


async def _post_login_page(
    http: httpx.AsyncClient, application: dict[str, Any], email: str, password: str
) -> httpx.Response:
    started = await http.get("/authorize", params=authorize_params(application, Pkce.new()))
    page = await http.get(started.headers["location"])
    return await http.post(
        "/u/login",
        data={
            "state": state_of(page.text),
            "csrf_token": csrf_of(page.text),
            "username": email,
            "password": password,
            "action": "default",
        },
    )


async def test_the_hosted_login_page_is_protected_too(
    client: httpx.AsyncClient, admin: dict[str, str], app: FastAPI
) -> None:
    await _configure(client, admin, max_attempts=2)
    application = await spa(client, admin)
    user = await create_user(client, admin, email_verified=True)
    for _ in range(2):
        failed = await _post_login_page(client, application, user["email"], WRONG)
        assert failed.status_code == 400
    refused = await _post_login_page(client, application, user["email"], GOOD_PASSWORD)
    assert refused.status_code == 429
    assert "blocked" in refused.text
    async with from_ip(app, "192.0.2.44") as elsewhere:
        accepted = await _post_login_page(elsewhere, application, user["email"], GOOD_PASSWORD)
    assert accepted.status_code == 303


async def test_a_block_expires_thirty_days_after_the_last_failure(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    native = await _native(client, admin)
    user = await create_user(client, admin, email_verified=True)
    await _configure(client, admin, max_attempts=1)
    await _login(client, native, user["email"], WRONG)
    await client.put("/testing/clock", json={"offset_seconds": 29 * 86_400})
    assert (await _login(client, native, user["email"], GOOD_PASSWORD)).status_code == 429
    # that refused attempt was a failure too: the block lasts 30 days from it
    await client.put("/testing/clock", json={"offset_seconds": 58 * 86_400})
    assert (await _login(client, native, user["email"], GOOD_PASSWORD)).status_code == 429
    await client.put("/testing/clock", json={"offset_seconds": 89 * 86_400})
    assert (await _login(client, native, user["email"], GOOD_PASSWORD)).status_code == 200


async def test_block_mails_are_sent_at_most_once_an_hour_per_ip(
    client: httpx.AsyncClient, admin: dict[str, str], smtp_sink: Sink
) -> None:
    native = await _native(client, admin)
    first = await create_user(client, admin, email_verified=True)
    second = await create_user(client, admin, email_verified=True)
    await _configure(client, admin, max_attempts=1)
    await _login(client, native, first["email"], WRONG)
    await _login(client, native, second["email"], WRONG)
    await smtp_sink.wait_for(1)
    await asyncio.sleep(0.5)
    assert [mail.rcpt_tos for mail in smtp_sink.received] == [[first["email"]]]
    await client.put("/testing/clock", json={"offset_seconds": 3_601})
    await client.delete("/api/v2/user-blocks", params={"identifier": first["email"]}, headers=admin)
    await _login(client, native, first["email"], WRONG)
    await smtp_sink.wait_for(2)
