"""auth0-spa-js 2.27.0 (from its npm package, pinned in tests/e2e/node) in Debian's headless
Chromium, driven by Playwright, against a running Authgate: a page on another origin calls
``loginWithRedirect``, the test fills the hosted login page, then ``handleRedirectCallback``,
``getUser`` and ``getTokenSilently`` with refresh tokens (rotation, no iframe). The SDK calls
``/oauth/token`` cross-origin, so this also checks CORS for the client's web origins.

Then ``logout``: the SDK forgets its tokens and sends the browser to ``/v2/logout``, which ends
the SSO session and returns to the application's allowed logout URL; the next
``loginWithRedirect`` shows the login page again.

Screenshots of the login page are saved under tests/e2e/artifacts/."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page

from tests.e2e import flows
from tests.e2e.browser import ARTIFACTS
from tests.e2e.server import LiveServer
from tests.e2e.static_site import StaticSite


def _call(page: Page, step: str) -> dict[str, Any]:
    result: dict[str, Any] = page.evaluate(f"window.app.{step}()")
    return result


def _log_in(page: Page, server: LiveServer, email: str, cache: str) -> None:
    page.click("#login")
    page.wait_for_url(f"{server.issuer}u/login?**")
    page.screenshot(path=ARTIFACTS / f"spa-js-{cache}-login.png", full_page=True)
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", "Not-The-Password-1")
    page.click("button[name=action][value=default]")
    page.wait_for_load_state()
    assert "Wrong email or password" in page.content()
    page.screenshot(path=ARTIFACTS / f"spa-js-{cache}-login-error.png", full_page=True)
    page.fill("input[name=password]", flows.PASSWORD)
    page.click("button[name=action][value=default]")


@pytest.mark.parametrize("cache", ["memory", "localstorage"])
def test_auth0_spa_js_login_refresh_in_chromium(
    live_server: LiveServer, site: StaticSite, page: Page, cache: str
) -> None:
    """``memory`` is the SDK's default: its refresh token then lives in a Web Worker, which
    makes the token calls; ``localstorage`` keeps it where the test can see it rotate."""
    server = live_server
    with flows.management(server) as api:
        client_id = flows.public_app(
            api,
            "spa",
            f"{site.origin}/callback",
            web_origins=[site.origin],
            allowed_logout_urls=[f"{site.origin}/"],
        )
        user_id, email = flows.user(api)
    site.configure(domain=server.issuer.rstrip("/"), clientId=client_id, cacheLocation=cache)

    page.goto(f"{site.origin}/")
    assert page.evaluate("window.app.ready()") is True
    _log_in(page, server, email, cache)
    page.wait_for_url(f"{site.origin}/callback?**")
    callback = flows.Callback(page.url)
    assert callback.params["iss"] == server.issuer
    assert set(callback.params) == {"code", "state", "iss"}

    first = _call(page, "callback")
    assert "error" not in first, first
    assert first["appState"] == {"returnTo": "/profile"}
    assert first["authenticated"] is True
    assert first["user"]["sub"] == user_id
    assert first["user"]["email"] == email
    assert first["claims"]["iss"] == server.issuer
    assert first["claims"]["aud"] == client_id
    page.screenshot(path=ARTIFACTS / f"spa-js-{cache}-callback.png", full_page=True)

    second = _call(page, "refresh")
    assert "error" not in second, second
    assert second["accessToken"] != first["accessToken"]
    assert second["user"]["sub"] == user_id
    if cache == "memory":
        assert first["refreshToken"] is None, "nothing in localStorage: the worker holds it"
        _log_out(page, server, site)
        return

    assert first["refreshToken"]
    assert second["refreshToken"] not in (None, first["refreshToken"]), "rotated"
    reused = httpx.post(
        f"{server.issuer}oauth/token",
        data={
            "grant_type": "refresh_token",
            "client_id": client_id,
            "refresh_token": first["refreshToken"],
        },
        timeout=30,
    )
    assert reused.status_code == 400
    assert reused.json()["error"] == "invalid_grant"
    revoked = _call(page, "refresh")  # the reuse revoked the family the SDK holds
    assert revoked["error"] == "invalid_grant", json.dumps(revoked)
    _log_out(page, server, site)


def _log_out(page: Page, server: LiveServer, site: StaticSite) -> None:
    """The SDK's logout, through /v2/logout and back; then the session is gone."""
    with page.expect_navigation(url=f"{site.origin}/"):
        page.evaluate("window.app.logout()")
    assert page.evaluate("window.app.ready()") is True
    assert page.evaluate("window.app.authenticated()") is False
    page.click("#login")
    page.wait_for_url(f"{server.issuer}u/login?**")  # no SSO session left to skip the page
