"""The tenant's custom texts (``/api/v2/prompts/{prompt}/custom-text/{language}``) on the
hosted pages: per screen and language, with ``${clientName}`` and ``${companyName}`` filled
in, escaped, and the page's own translation wherever no text is set."""

from __future__ import annotations

import re

import httpx

from tests.http.authorize_helpers import Pkce, authorize_params, csrf_of, spa, state_of
from tests.users_factories import GOOD_PASSWORD, create_user


async def _put(
    client: httpx.AsyncClient, admin: dict[str, str], prompt: str, language: str, body: object
) -> None:
    response = await client.put(
        f"/api/v2/prompts/{prompt}/custom-text/{language}", json=body, headers=admin
    )
    assert response.status_code == 200, response.text


async def _page(client: httpx.AsyncClient, app: dict[str, object], **extra: str) -> httpx.Response:
    started = await client.get("/authorize", params=authorize_params(app, Pkce.new(), **extra))
    return await client.get(started.headers["location"])


async def test_custom_texts_replace_the_page_texts(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    await client.patch(
        "/api/v2/tenants/settings", json={"friendly_name": "Acme & Co"}, headers=admin
    )
    application = await spa(client, admin, name="Acme Portal", is_first_party=False)
    login_texts = {
        "title": "Hello from ${companyName}",
        "description": "Sign in to ${clientName}",
        "buttonText": "Go <now>",
        "forgotPasswordText": "Lost it?",
        "signupActionLinkText": "Join",
    }
    await _put(client, admin, "login", "en", {"login": login_texts})
    await _put(client, admin, "signup", "en", {"signup": {"title": "Join ${companyName}"}})
    await _put(client, admin, "consent", "en", {"consent": {"acceptButtonText": "Allow"}})
    await _put(
        client, admin, "reset-password", "en", {"reset-password-request": {"title": "Reset?"}}
    )

    page = await _page(client, application)
    heading = re.search(r'<h1 id="heading">([^<]*)</h1>', page.text)
    assert heading is not None
    assert heading.group(1) == "Hello from Acme &amp; Co"
    assert "Sign in to Acme Portal" in page.text
    assert "Go &lt;now&gt;" in page.text, "custom texts are escaped"
    assert "Lost it?" in page.text
    assert ">Join</a>" in page.text
    assert "Password" in page.text, "keys that are not set keep the page's text"

    french = await _page(client, application, ui_locales="fr")
    assert "Bienvenue" in french.text, "texts are per language"
    assert "Hello from" not in french.text

    signup = await client.get(f"/u/signup?state={state_of(page.text)}")
    assert "Join Acme &amp; Co" in signup.text
    forgot = await client.get(f"/u/reset-password/request?state={state_of(page.text)}")
    assert '<h1 id="heading">Reset?</h1>' in forgot.text

    user = await create_user(client, admin)
    posted = await client.post(
        "/u/login",
        data={
            "state": state_of(page.text),
            "csrf_token": csrf_of(page.text),
            "username": user["email"],
            "password": GOOD_PASSWORD,
        },
    )
    assert posted.status_code == 303, posted.text
    resumed = await client.get(posted.headers["location"])
    consent = await client.get(resumed.headers["location"])
    assert ">Allow</button>" in consent.text
    assert "Decline" in consent.text
