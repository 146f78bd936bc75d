"""What a real browser does with the hosted login page of an authorization request, at the wire.

Two rules of browsers broke every login in Chromium while clients without a browser passed:
under ``Referrer-Policy: no-referrer`` a page's form posts carry ``Origin: null`` (Fetch,
"serializing a request origin"), which the CSRF check refuses; and ``form-action`` is checked on
each redirect that follows a submission, so ``form-action 'self'`` blocked the final redirect to
the application's callback."""

from __future__ import annotations

import httpx
import pytest

from authgate.sessions.service import COOKIE
from tests.databases import ISSUER
from tests.http.authorize_helpers import (
    CALLBACK,
    WEB_ORIGIN,
    Pkce,
    authorize_params,
    csrf_of,
    spa,
    state_of,
)
from tests.users_factories import GOOD_PASSWORD, create_user

ISSUER_ORIGIN = ISSUER.rstrip("/")


async def _login_page(client: httpx.AsyncClient, params: dict[str, str]) -> httpx.Response:
    response = await client.get("/authorize", params=params)
    assert response.status_code == 302, response.text
    page = await client.get(response.headers["location"])
    assert page.status_code == 200, page.text
    return page


def _directives(page: httpx.Response) -> dict[str, str]:
    policy = page.headers["content-security-policy"]
    return {
        part.strip().split(" ", 1)[0]: part.strip().split(" ", 1)[1]
        for part in policy.split(";")
        if part.strip()
    }


async def test_login_page_keeps_the_origin_of_its_own_form_posts(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    page = await _login_page(client, authorize_params(await spa(client, admin), Pkce.new()))
    # not no-referrer (browsers would post Origin: null); nothing to other origins either
    assert page.headers["referrer-policy"] == "same-origin"


async def test_login_page_forms_may_lead_to_the_client_origin_only(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    page = await _login_page(client, authorize_params(await spa(client, admin), Pkce.new()))
    directives = _directives(page)
    assert directives["form-action"] == f"'self' {WEB_ORIGIN}"
    assert directives["frame-ancestors"] == "'none'"
    assert CALLBACK.startswith(WEB_ORIGIN + "/")


async def test_a_loopback_redirect_uri_port_is_the_form_target(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    native = await spa(
        client, admin, app_type="native", callbacks=["http://127.0.0.1/callback"], web_origins=[]
    )
    params = authorize_params(native, Pkce.new(), redirect_uri="http://127.0.0.1:53682/callback")
    page = await _login_page(client, params)
    assert _directives(page)["form-action"] == "'self' http://127.0.0.1:53682"


async def test_a_login_post_with_the_page_origin_succeeds(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    app = await spa(client, admin)
    user = await create_user(client, admin)
    page = await _login_page(client, authorize_params(app, Pkce.new()))
    posted = await client.post(
        "/u/login",
        data={
            "state": state_of(page.text),
            "csrf_token": csrf_of(page.text),
            "username": user["email"],
            "password": GOOD_PASSWORD,
            "action": "default",
        },
        headers={"Origin": ISSUER_ORIGIN},
    )
    assert posted.status_code == 303, posted.text


@pytest.mark.parametrize("origin", ["null", "https://evil.example.test"])
async def test_a_login_post_with_a_null_or_foreign_origin_is_refused(
    client: httpx.AsyncClient, admin: dict[str, str], origin: str
) -> None:
    app = await spa(client, admin)
    user = await create_user(client, admin)
    page = await _login_page(client, authorize_params(app, Pkce.new()))
    posted = await client.post(
        "/u/login",
        data={
            "state": state_of(page.text),
            "csrf_token": csrf_of(page.text),
            "username": user["email"],
            "password": GOOD_PASSWORD,
            "action": "default",
        },
        headers={"Origin": origin},
    )
    assert posted.status_code == 400
    assert COOKIE not in posted.headers.get("set-cookie", ""), "no session starts"
