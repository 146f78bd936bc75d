"""Bot detection and CAPTCHA (reference §3.1): the policies never / when_risky / always on the
login, signup and reset pages; the built-in proof-of-work challenge solved as the page's script
solves it; third-party providers verified server-side against a local stand-in, with
fail-open; ``requires_verification`` for the password grants; the settings documents."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from authgate.captcha.pow import solve
from authgate.captcha.risk import Signals, score, should_challenge
from authgate.protection.models import ProtectionSetting
from tests.factories import create_client
from tests.http.authorize_helpers import Pkce, authorize_params, csrf_of, spa, state_of
from tests.protection.conftest import protection_overrides
from tests.protection.fake_captcha import FakeProvider, serve
from tests.smtp import SmtpServer
from tests.users_factories import DATABASE, GOOD_PASSWORD, create_user

BOT = "/api/v2/attack-protection/bot-detection"
CAPTCHA = "/api/v2/attack-protection/captcha"
REALM = "http://auth0.com/oauth/grant-type/password-realm"
BROWSER = {
    "user-agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/156.0 Safari/537.36",
    "accept-language": "en",
    "sec-fetch-mode": "navigate",
}
PROVIDERS = ("recaptcha_v2", "hcaptcha", "turnstile", "friendly_captcha")


@pytest.fixture
def fake_provider() -> Iterator[FakeProvider]:
    yield from serve(FakeProvider())


@pytest.fixture
def settings_overrides(
    counters: str, smtp_server: SmtpServer, fake_provider: FakeProvider
) -> dict[str, Any]:
    overrides = protection_overrides(counters, smtp_server)
    overrides["captcha_difficulty"] = 6
    overrides["captcha_verify_urls"] = dict.fromkeys(PROVIDERS, fake_provider.url)
    return overrides


async def _policy(client: httpx.AsyncClient, admin: dict[str, str], **body: Any) -> None:
    response = await client.patch(BOT, json=body, headers=admin)
    assert response.status_code == 200, response.text


async def _login_page(http: httpx.AsyncClient, application: dict[str, Any]) -> httpx.Response:
    started = await http.get(
        "/authorize", params=authorize_params(application, Pkce.new()), headers=BROWSER
    )
    return await http.get(started.headers["location"], headers=BROWSER)


async def _post(
    http: httpx.AsyncClient, page: httpx.Response, email: str, **extra: str
) -> httpx.Response:
    form = {
        "state": state_of(page.text),
        "csrf_token": csrf_of(page.text),
        "username": email,
        "password": GOOD_PASSWORD,
        **extra,
    }
    return await http.post("/u/login", data=form, headers=BROWSER)


def _challenge(html: str) -> tuple[str, int]:
    found = re.search(r'data-challenge="([^"]+)" data-difficulty="(\d+)"', html)
    assert found is not None, html
    return found.group(1), int(found.group(2))


async def test_settings_documents(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    assert (await client.get(BOT, headers=admin)).json() == {
        "bot_detection_level": "medium",
        "challenge_password_policy": "never",
        "challenge_passwordless_policy": "never",
        "challenge_password_reset_policy": "never",
        "allowlist": [],
        "monitoring_mode_enabled": False,
    }
    for body in ({"bot_detection_level": "extreme"}, {"challenge_password_policy": "sometimes"}):
        assert (await client.patch(BOT, json=body, headers=admin)).status_code == 400
    assert (await client.get(CAPTCHA, headers=admin)).json() == {
        "active_provider_id": "auth_challenge",
        "auth_challenge": {"fail_open": False},
    }
    for body in ({"active_provider_id": "arkose"}, {"hcaptcha": {"secret": ""}}, {"x": 1}):
        assert (await client.patch(CAPTCHA, json=body, headers=admin)).status_code == 400


async def test_provider_secrets_are_write_only_and_sealed_at_rest(
    client: httpx.AsyncClient, admin: dict[str, str], app: FastAPI
) -> None:
    body = {
        "active_provider_id": "hcaptcha",
        "hcaptcha": {"site_key": "site-1", "secret": "s3cr3t-value"},
    }
    answer = await client.patch(CAPTCHA, json=body, headers=admin)
    assert answer.status_code == 200
    assert answer.json()["hcaptcha"] == {"site_key": "site-1"}
    kept = await client.patch(CAPTCHA, json={"hcaptcha": {"fail_open": True}}, headers=admin)
    assert kept.json()["hcaptcha"] == {"site_key": "site-1", "fail_open": True}
    async with app.state.services.db.unit_of_work(write=False) as session:
        rows = (await session.execute(select(ProtectionSetting.document))).scalars().all()
    assert "s3cr3t-value" not in repr(rows)
    assert "sealed:" in repr(rows)


async def test_the_built_in_challenge_guards_the_login_page(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    await _policy(client, admin, challenge_password_policy="always")
    application = await spa(client, admin)
    user = await create_user(client, admin, email_verified=True)
    page = await _login_page(client, application)
    assert page.status_code == 200
    assert "/u/static/captcha-pow.js" in page.text
    challenge, difficulty = _challenge(page.text)
    assert difficulty == 6
    missing = await _post(client, page, user["email"])
    assert missing.status_code == 400
    assert "Complete the challenge" in missing.text
    wrong = await _post(client, page, user["email"], captcha=f"{challenge}.x")
    assert wrong.status_code == 400
    tampered = await _post(client, page, user["email"], captcha=f"{challenge[:-4]}AAAA.1")
    assert tampered.status_code == 400
    answer = f"{challenge}.{solve(challenge, difficulty)}"
    passed = await _post(client, page, user["email"], captcha=answer)
    assert passed.status_code == 303, passed.text
    client.cookies.clear()  # a new browser
    replay_page = await _login_page(client, application)
    replayed = await _post(client, replay_page, user["email"], captcha=answer)
    assert replayed.status_code == 400  # bound to its transaction, and spent


async def test_a_challenge_is_spent_once(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    await _policy(client, admin, challenge_password_policy="always")
    application = await spa(client, admin)
    user = await create_user(client, admin, email_verified=True)
    page = await _login_page(client, application)
    challenge, difficulty = _challenge(page.text)
    answer = f"{challenge}.{solve(challenge, difficulty)}"
    first = await _post(client, page, user["email"], captcha=answer, password="wrong-1")
    assert first.status_code == 400
    assert "Wrong email or password" in first.text
    again = await _post(client, page, user["email"], captcha=answer)
    assert again.status_code == 400
    assert "Complete the challenge" in again.text


async def test_when_risky_spares_browsers_and_challenges_scripts(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    await _policy(client, admin, challenge_password_policy="when_risky")
    application = await spa(client, admin)
    page = await _login_page(client, application)
    assert "data-authgate-pow" not in page.text
    started = await client.get("/authorize", params=authorize_params(application, Pkce.new()))
    scripted = await client.get(
        started.headers["location"], headers={"user-agent": "python-httpx/0.28"}
    )
    assert "data-authgate-pow" in scripted.text
    await _policy(client, admin, allowlist=["198.51.100.0/24"])
    scripted = await client.get(
        started.headers["location"], headers={"user-agent": "python-httpx/0.28"}
    )
    assert "data-authgate-pow" not in scripted.text


def test_risk_scores() -> None:
    browser = Signals.of(BROWSER, failed_logins=0, recent=1)
    tool = Signals.of({"user-agent": "curl/8.5"}, failed_logins=0, recent=1)
    noisy = Signals.of(BROWSER, failed_logins=3, recent=35)
    assert score(browser) == 0
    assert score(tool) == 4
    assert score(noisy) == 5
    assert not should_challenge("when_risky", "medium", browser)
    assert should_challenge("when_risky", "medium", tool)
    assert not should_challenge("when_risky", "low", tool)
    assert should_challenge("when_risky", "high", Signals.of(BROWSER, 2, 1))
    assert should_challenge("always", "low", browser)
    assert not should_challenge("never", "high", tool)


async def test_password_grants_answer_requires_verification(
    client: httpx.AsyncClient, admin: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    native = await create_client(client, admin, app_type="native", grant_types=["password", REALM])
    user = await create_user(client, admin, email_verified=True)
    form = {
        "grant_type": REALM,
        "client_id": native["client_id"],
        "username": user["email"],
        "password": GOOD_PASSWORD,
        "realm": DATABASE,
    }
    assert (await client.post("/oauth/token", data=form)).status_code == 200
    await _policy(client, admin, challenge_password_policy="always")
    refused = await client.post("/oauth/token", data=form)
    assert refused.status_code == 400
    assert refused.json()["error"] == "requires_verification"
    await _policy(client, admin, monitoring_mode_enabled=True)
    caplog.set_level(logging.INFO, logger="authgate.captcha")
    assert (await client.post("/oauth/token", data=form)).status_code == 200
    monitored = [r.msg for r in caplog.records if isinstance(r.msg, dict)]
    assert {"event": "bot_detection_monitored", "flow": "password"}.items() <= monitored[-1].items()


@pytest.mark.parametrize(
    "case",
    [("success", False, 303), ("failure", True, 400), ("error", False, 400), ("error", True, 303)],
)
async def test_a_provider_verifies_server_side(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    fake_provider: FakeProvider,
    case: tuple[str, bool, int],
) -> None:
    answer, fail_open, expected = case
    await _policy(client, admin, challenge_password_policy="always")
    config = {"site_key": "site-key-1", "secret": "provider-secret", "fail_open": fail_open}
    body = {"active_provider_id": "hcaptcha", "hcaptcha": config}
    assert (await client.patch(CAPTCHA, json=body, headers=admin)).status_code == 200
    application = await spa(client, admin)
    user = await create_user(client, admin, email_verified=True)
    page = await _login_page(client, application)
    assert 'class="captcha h-captcha" data-sitekey="site-key-1"' in page.text
    assert "https://js.hcaptcha.com/1/api.js" in page.text
    policy = page.headers["content-security-policy"]
    assert "script-src 'self' https://hcaptcha.com https://*.hcaptcha.com" in policy
    assert "frame-src 'self' https://hcaptcha.com" in policy
    fake_provider.answer = answer
    posted = await _post(client, page, user["email"], **{"h-captcha-response": "token-123"})
    assert posted.status_code == expected, posted.text
    sent = fake_provider.received[-1]
    assert sent["secret"] == "provider-secret"
    assert sent["response"] == "token-123"
    assert sent["sitekey"] == "site-key-1"
    assert sent["remoteip"] == "198.51.100.7"


async def test_friendly_captcha_sends_its_api_key_as_a_header(
    client: httpx.AsyncClient, admin: dict[str, str], fake_provider: FakeProvider
) -> None:
    await _policy(client, admin, challenge_password_policy="always")
    body = {
        "active_provider_id": "friendly_captcha",
        "friendly_captcha": {"site_key": "frc-site", "secret": "frc-api-key"},
    }
    assert (await client.patch(CAPTCHA, json=body, headers=admin)).status_code == 200
    application = await spa(client, admin)
    user = await create_user(client, admin, email_verified=True)
    page = await _login_page(client, application)
    posted = await _post(client, page, user["email"], **{"frc-captcha-response": "frc-token"})
    assert posted.status_code == 303
    sent = fake_provider.received[-1]
    assert sent["response"] == "frc-token"
    assert sent["sitekey"] == "frc-site"
    assert sent["_headers"]["x-api-key"] == "frc-api-key"


async def test_the_signup_page_is_guarded_too(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    await _policy(client, admin, challenge_password_policy="always")
    application = await spa(client, admin)
    started = await client.get(
        "/authorize", params=authorize_params(application, Pkce.new(), screen_hint="signup")
    )
    page = await client.get(started.headers["location"], headers=BROWSER)
    assert "data-authgate-pow" in page.text
    form = {
        "state": state_of(page.text),
        "csrf_token": csrf_of(page.text),
        "email": "bot@example.test",
        "password": GOOD_PASSWORD,
    }
    refused = await client.post("/u/signup", data=form, headers=BROWSER)
    assert refused.status_code == 400
    challenge, difficulty = _challenge(refused.text)
    form["captcha"] = f"{challenge}.{solve(challenge, difficulty)}"
    accepted = await client.post("/u/signup", data=form, headers=BROWSER)
    assert accepted.status_code == 303, accepted.text


async def test_the_reset_page_is_guarded_by_its_own_policy(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    await _policy(client, admin, challenge_password_reset_policy="always")
    user = await create_user(client, admin, email_verified=True)
    ticket = await client.post(
        "/api/v2/tickets/password-change", json={"user_id": user["user_id"]}, headers=admin
    )
    link = ticket.json()["ticket"].removeprefix("http://authgate.test")
    await client.get(link, headers=BROWSER)
    page = await client.get("/u/reset-password", headers=BROWSER)
    assert "data-authgate-pow" in page.text
    new_password = "Another-Battery-Staple-9"
    form = {
        "csrf_token": csrf_of(page.text),
        "password": new_password,
        "re-enter-password": new_password,
    }
    refused = await client.post("/u/reset-password", data=form, headers=BROWSER)
    assert refused.status_code == 400
    assert "Complete the challenge" in refused.text
    challenge, difficulty = _challenge(refused.text)
    form["captcha"] = f"{challenge}.{solve(challenge, difficulty)}"
    changed = await client.post("/u/reset-password", data=form, headers=BROWSER)
    assert changed.status_code == 200, changed.text
    assert "Your password has been changed" in changed.text
    native = await create_client(client, admin, app_type="native", grant_types=[REALM])
    login = {
        "grant_type": REALM,
        "client_id": native["client_id"],
        "username": user["email"],
        "password": new_password,
        "realm": DATABASE,
    }
    # the login policy is still "never": the new password works through the grant
    assert (await client.post("/oauth/token", data=login)).status_code == 200
