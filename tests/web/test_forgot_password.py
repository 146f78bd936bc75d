"""The hosted "forgot password" page: reached from the login page, it answers the same for
known and unknown addresses, the mail it sends (to a real SMTP server on loopback) resets the
password, and bot detection's reset policy guards it."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from authgate.captcha.pow import solve
from tests.http.authorize_helpers import Pkce, authorize_params, csrf_of, spa, state_of
from tests.protection.conftest import log_types
from tests.smtp import SmtpServer
from tests.users_factories import create_user

NEW_PASSWORD = "Brand-New-Horse-Staple-5"
SENT = "If an account exists for"


@pytest.fixture
def settings_overrides(smtp_server: SmtpServer) -> dict[str, Any]:
    return {"smtp_url": f"smtp://127.0.0.1:{smtp_server.port}", "captcha_difficulty": 6}


async def _request_page(
    client: httpx.AsyncClient, app: dict[str, Any], **extra: str
) -> httpx.Response:
    started = await client.get("/authorize", params=authorize_params(app, Pkce.new(), **extra))
    login = await client.get(started.headers["location"])
    link = re.search(r'href="(/u/reset-password/request\?state=[^"]+)"', login.text)
    assert link is not None, "the login page links to the forgot-password page"
    page = await client.get(link.group(1).replace("&amp;", "&"))
    assert page.status_code == 200, page.text
    return page


async def _submit(client: httpx.AsyncClient, page: httpx.Response, email: str, **extra: str) -> Any:
    form = {"state": state_of(page.text), "csrf_token": csrf_of(page.text), "email": email}
    return await client.post("/u/reset-password/request", data={**form, **extra})


async def test_forgot_password_sends_a_working_reset_link(
    client: httpx.AsyncClient, admin: dict[str, str], smtp_server: SmtpServer, app: FastAPI
) -> None:
    application = await spa(client, admin)
    user = await create_user(client, admin, email_verified=True)
    page = await _request_page(client, application, login_hint=user["email"])
    assert f'value="{user["email"]}"' in page.text
    assert 'autocomplete="email"' in page.text

    known = await _submit(client, page, user["email"])
    unknown = await _submit(client, page, "nobody-here@example.test")
    for answer, email in ((known, user["email"]), (unknown, "nobody-here@example.test")):
        assert answer.status_code == 200, answer.text
        assert SENT in answer.text
        assert email in answer.text
    (mail,) = await smtp_server.sink.wait_for(1)
    assert mail.rcpt_tos == [user["email"]]
    await asyncio.sleep(0.5)
    assert len(smtp_server.sink.received) == 1, "nothing is sent for an unknown address"
    body = mail.message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    link = re.search(r"http://authgate\.test(/u/reset-password\?ticket=\S+)", body)
    assert link is not None, body

    opened = await client.get(link.group(1))
    reset_page = await client.get(opened.headers["location"])
    form = {
        "csrf_token": csrf_of(reset_page.text),
        "password": NEW_PASSWORD,
        "re-enter-password": NEW_PASSWORD,
    }
    changed = await client.post("/u/reset-password", data=form)
    assert changed.status_code == 200, changed.text
    types = await log_types(app)
    assert "scpr" in types
    assert "fcpr" in types
    assert "scp" in types


async def test_forgot_password_refuses_bad_input(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    application = await spa(client, admin)
    page = await _request_page(client, application)
    for email in ("", "not-an-email", "a" * 330 + "@example.test"):
        refused = await _submit(client, page, email)
        assert refused.status_code == 400
        assert "Enter a valid email address." in refused.text
        assert 'aria-invalid="true"' in refused.text
    forged = await client.post(
        "/u/reset-password/request",
        data={"state": state_of(page.text), "csrf_token": "forged", "email": "a@example.test"},
    )
    assert forged.status_code == 400
    expired = await client.get("/u/reset-password/request", params={"state": "garbage"})
    assert expired.status_code == 400


async def test_forgot_password_in_french_and_under_bot_detection(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    application = await spa(client, admin)
    french = await _request_page(client, application, ui_locales="fr")
    assert "Vous avez oublié votre mot de passe" in french.text
    policy = {"challenge_password_reset_policy": "always"}
    patched = await client.patch(
        "/api/v2/attack-protection/bot-detection", json=policy, headers=admin
    )
    assert patched.status_code == 200, patched.text
    page = await _request_page(client, application)
    assert "data-authgate-pow" in page.text
    refused = await _submit(client, page, "someone@example.test")
    assert refused.status_code == 400
    found = re.search(r'data-challenge="([^"]+)" data-difficulty="(\d+)"', refused.text)
    assert found is not None
    answer = f"{found.group(1)}.{solve(found.group(1), int(found.group(2)))}"
    accepted = await _submit(client, page, "someone@example.test", captcha=answer)
    assert accepted.status_code == 200, accepted.text
    assert SENT in accepted.text
