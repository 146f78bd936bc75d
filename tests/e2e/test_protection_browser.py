"""Attack protection as a person meets it, in Debian's headless Chromium driven by Playwright
against a running Authgate (two workers): the built-in proof-of-work challenge solved by the
login page's own script, the page shown once brute-force protection blocks an identifier, the
unblock link from the real mail, and the page for a password known from a data breach.

Screenshots are saved under tests/e2e/artifacts/ (``protection-*.png``)."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from auth0.authentication import GetToken
from playwright.sync_api import Page, expect

from tests.databases import DatabaseFactory
from tests.e2e import flows
from tests.e2e.browser import ARTIFACTS
from tests.e2e.server import LiveServer, start_server
from tests.e2e.static_site import StaticSite
from tests.smtp import Sink, SmtpServer

WRONG = "Not-The-Password-1"
LEAKED = "AUTH0-TEST-Correct-Horse-7"


@pytest.fixture
def mail(smtp_server: SmtpServer) -> Sink:
    return smtp_server.sink


@pytest.fixture
def mail_server(
    backend: str,
    database_factories: dict[str, DatabaseFactory],
    tmp_path: Path,
    smtp_server: SmtpServer,
) -> Iterator[LiveServer]:
    """A server that delivers its mail to ``mail`` and asks for a light proof of work."""
    factory = database_factories[backend]
    url = factory.new()
    server = start_server(
        url,
        tmp_path / "server",
        extra_env={
            "AUTHGATE_SMTP_URL": f"smtp://127.0.0.1:{smtp_server.port}",
            "AUTHGATE_CAPTCHA_DIFFICULTY": "12",
        },
    )
    try:
        yield server
    finally:
        server.stop()
        factory.drop(url)


def _protect(server: LiveServer, path: str, body: dict[str, Any]) -> dict[str, Any]:
    """PATCH an attack-protection setting through the Management API with a bootstrap token."""
    token = GetToken(
        server.domain, server.client_id, server.client_secret, protocol="http"
    ).client_credentials(server.management_audience)["access_token"]
    with httpx.Client(timeout=30) as http:
        response = http.patch(
            f"{server.issuer}api/v2/attack-protection/{path}",
            json=body,
            headers={"authorization": f"Bearer {token}"},
        )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def _sign_in(page: Page, email: str, password: str) -> None:
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    page.click("button[name=action][value=default]")
    page.wait_for_load_state()


@pytest.fixture
def application(mail_server: LiveServer, site: StaticSite) -> tuple[str, str, str]:
    """A single-page application, a user of it, and the authorization URL that starts a login."""
    with flows.management(mail_server) as api:
        callback = f"{site.origin}/callback"
        client_id = flows.public_app(api, "spa", callback, web_origins=[site.origin])
        _, email = flows.user(api, email_verified=True)
    return client_id, email, callback


def test_the_proof_of_work_challenge_on_the_login_page(
    mail_server: LiveServer, application: tuple[str, str, str], page: Page
) -> None:
    client_id, email, callback = application
    _protect(mail_server, "bot-detection", {"challenge_password_policy": "always"})

    page.goto(flows.authorize_url(mail_server, client_id, callback))
    page.wait_for_url(f"{mail_server.issuer}u/login?**")
    widget = page.locator("[data-authgate-pow]")
    expect(widget).to_be_visible()
    expect(widget.locator(".captcha-status")).to_have_text(
        "Verified. You can continue.", timeout=60_000
    )
    expect(widget).to_have_attribute("data-state", "done")
    solved = page.input_value("input[name=captcha]")
    assert re.fullmatch(r"\S+\.\d+", solved), solved
    expect(page.locator("button[name=action][value=default]")).to_be_enabled()
    page.screenshot(path=ARTIFACTS / "protection-captcha-login.png", full_page=True)

    _sign_in(page, email, flows.PASSWORD)
    page.wait_for_url(f"{callback}?**")
    assert set(flows.Callback(page.url).params) == {"code", "state", "iss"}

    # the same page in French: the challenge speaks the page's language
    page.goto(
        flows.authorize_url(mail_server, client_id, callback, ui_locales="fr", prompt="login")
    )
    page.wait_for_url(f"{mail_server.issuer}u/login?**")
    status = page.locator("[data-authgate-pow] .captcha-status")
    expect(status).to_have_text("Vérifié. Vous pouvez continuer.", timeout=60_000)
    page.screenshot(path=ARTIFACTS / "protection-captcha-login-fr.png", full_page=True)


def test_the_blocked_page_and_the_unblock_link(
    mail_server: LiveServer, application: tuple[str, str, str], page: Page, mail: Sink
) -> None:
    client_id, email, callback = application
    settings = _protect(
        mail_server,
        "brute-force-protection",
        {"max_attempts": 3, "shields": ["block", "user_notification"]},
    )
    assert settings["max_attempts"] == 3

    page.goto(flows.authorize_url(mail_server, client_id, callback))
    page.wait_for_url(f"{mail_server.issuer}u/login?**")
    for _ in range(3):
        _sign_in(page, email, WRONG)
        expect(page.locator("[role=alert]")).to_contain_text("Wrong email or password")
    _sign_in(page, email, flows.PASSWORD)  # the right password, but the block stands
    alert = page.locator("[role=alert]")
    expect(alert).to_contain_text("blocked")
    page.screenshot(path=ARTIFACTS / "protection-blocked-login.png", full_page=True)

    received = mail.wait_for_sync(1)
    body = received[0].message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    link = re.search(r"https?://\S+/u/unblock\?ticket=\S+", body)
    assert link is not None, body
    page.goto(link.group(0))
    expect(page.locator("#heading")).to_have_text("Unblock your account")
    page.screenshot(path=ARTIFACTS / "protection-unblock.png", full_page=True)
    page.click("button[name=action][value=default]")
    page.wait_for_load_state()
    page.screenshot(path=ARTIFACTS / "protection-unblocked.png", full_page=True)

    page.goto(flows.authorize_url(mail_server, client_id, callback))
    page.wait_for_url(f"{mail_server.issuer}u/login?**")
    _sign_in(page, email, flows.PASSWORD)
    page.wait_for_url(f"{callback}?**")
    assert "code" in flows.Callback(page.url).params


def test_a_breached_password_is_refused_on_the_login_page(
    mail_server: LiveServer, site: StaticSite, page: Page
) -> None:
    with flows.management(mail_server) as api:
        callback = f"{site.origin}/callback"
        client_id = flows.public_app(api, "spa", callback, web_origins=[site.origin])
        email = f"leaky-{secrets.token_hex(4)}@example.test"
        api.users.create(connection=flows.DATABASE, email=email, password=LEAKED)
    _protect(mail_server, "breached-password-detection", {"enabled": True, "shields": ["block"]})

    page.goto(flows.authorize_url(mail_server, client_id, callback))
    page.wait_for_url(f"{mail_server.issuer}u/login?**")
    _sign_in(page, email, LEAKED)
    expect(page.locator("[role=alert]")).to_contain_text("data breach")
    page.screenshot(path=ARTIFACTS / "protection-breached-login.png", full_page=True)
