"""The hosted pages in a real browser (Debian's headless Chromium, Playwright), in English and
in French: the login page, the signup page with its password rules checked as the user types,
the consent page of a third-party application, and the forgot-password page. A person signs
up, consents and lands on the application's callback with a code.

Screenshots are saved under tests/e2e/artifacts/ (``pages-<language>-*.png``)."""

from __future__ import annotations

import secrets

import pytest
from playwright.sync_api import Page, expect

from tests.e2e import flows
from tests.e2e.browser import ARTIFACTS
from tests.e2e.server import LiveServer
from tests.e2e.static_site import StaticSite

WORDS = {
    "en": {
        "signup": "Sign up",
        "heading_signup": "Create your account",
        "authorize": "Authorize",
        "accept": "Accept",
        "forgot": "Forgot password?",
        "forgot_heading": "Forgot your password?",
    },
    "fr": {
        "signup": "S'inscrire",
        "heading_signup": "Créez votre compte",
        "authorize": "Autoriser",
        "accept": "Accepter",
        "forgot": "Mot de passe oublié ?",
        "forgot_heading": "Vous avez oublié votre mot de passe ?",
    },
}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_login_signup_consent_and_forgot_password_pages(
    live_server: LiveServer, site: StaticSite, page: Page, language: str
) -> None:
    words = WORDS[language]
    callback = f"{site.origin}/callback"
    with flows.management(live_server) as api:
        client_id = flows.public_app(
            api, "spa", callback, web_origins=[site.origin], is_first_party=False
        )
        (database,) = [c for c in api.connections.list() if c.name == flows.DATABASE]
        api.connections.update(database.id, options={"passwordPolicy": "excellent"})

    page.goto(flows.authorize_url(live_server, client_id, callback, ui_locales=language))
    page.wait_for_url(f"{live_server.issuer}u/login?**")
    expect(page.locator("html")).to_have_attribute("lang", language)
    page.screenshot(path=ARTIFACTS / f"pages-{language}-login.png", full_page=True)

    page.click(f"text={words['signup']}")
    page.wait_for_url(f"{live_server.issuer}u/signup?**")
    expect(page.locator("#heading")).to_have_text(words["heading_signup"])
    rules = page.locator("#password-rules li")
    expect(rules.first).to_have_attribute("data-state", "unmet")
    page.fill("input[name=email]", f"new-{secrets.token_hex(4)}@example.test")
    page.locator("input[name=password]").press_sequentially("aaab1")
    expect(page.locator('#password-rules li[data-state="met"]')).to_have_count(0)
    page.fill("input[name=password]", "")
    page.locator("input[name=password]").press_sequentially(flows.PASSWORD)
    expect(page.locator('#password-rules li[data-state="unmet"]')).to_have_count(0)
    page.screenshot(path=ARTIFACTS / f"pages-{language}-signup.png", full_page=True)
    page.click("button[name=action][value=default]")

    page.wait_for_url(f"{live_server.issuer}u/consent?**")
    expect(page.locator("#heading")).to_contain_text(words["authorize"])
    expect(page.locator("ul.scopes li")).to_have_count(3)
    page.screenshot(path=ARTIFACTS / f"pages-{language}-consent.png", full_page=True)
    page.click("button[name=action][value=accept]")
    page.wait_for_url(f"{callback}?**")
    assert "code" in flows.Callback(page.url).params

    page.goto(
        flows.authorize_url(live_server, client_id, callback, ui_locales=language, prompt="login")
    )
    page.wait_for_url(f"{live_server.issuer}u/login?**")
    page.click(f"text={words['forgot']}")
    page.wait_for_url(f"{live_server.issuer}u/reset-password/request?**")
    expect(page.locator("#heading")).to_have_text(words["forgot_heading"])
    page.screenshot(path=ARTIFACTS / f"pages-{language}-forgot-password.png", full_page=True)
