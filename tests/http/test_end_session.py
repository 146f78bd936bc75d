"""``GET|POST /oidc/logout``: OpenID Connect RP-Initiated Logout 1.0 §2-§4, the modules of the
OpenID Foundation's RP-initiated logout plan (security.md §1.5) over HTTP."""

from __future__ import annotations

import base64
import json
import re
import time
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI

from tests.http.authorize_helpers import (
    Pkce,
    authorize_params,
    claims,
    csrf_of,
    login_through_pages,
    spa,
    state_of,
)
from tests.http.logout_helpers import BYE, LoggedIn, assert_refused, has_session, log_events, log_in

TENANT_HOST = "authgate.test"


async def sign(app: FastAPI, body: dict[str, Any], typ: str = "JWT") -> str:
    """A token signed with the tenant's own current key."""
    services = app.state.services
    tenant = await services.tenants.resolve(TENANT_HOST)
    return str((await services.keys.signer(tenant)).sign(body, typ=typ))


def b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


async def test_a_valid_hint_logs_out_and_redirects_with_state(
    app: FastAPI, client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    logged_in = await log_in(client, admin)
    params = {"id_token_hint": logged_in.id_token, "post_logout_redirect_uri": BYE, "state": "x y"}
    response = await client.get("/oidc/logout", params=params)
    assert response.status_code == 302, response.text
    assert response.headers["location"] == BYE + "?state=x+y"
    assert not await has_session(client, logged_in.app)
    (event,) = await log_events(app, client, admin, "slo")
    assert event["client_id"] == logged_in.app["client_id"]
    assert event["details"]["session_id"] == logged_in.sid


async def test_without_state_nothing_is_added(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    logged_in = await log_in(client, admin)
    params = {"id_token_hint": logged_in.id_token, "post_logout_redirect_uri": BYE}
    response = await client.get("/oidc/logout", params=params)
    assert response.headers["location"] == BYE


async def test_a_hint_without_a_redirect_shows_the_logged_out_page(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    logged_in = await log_in(client, admin)
    response = await client.get(
        "/oidc/logout", params={"id_token_hint": logged_in.id_token, "state": "ignored"}
    )
    assert response.status_code == 200
    assert "You are logged out" in response.text
    assert not await has_session(client, logged_in.app)


@pytest.mark.parametrize("settings_overrides", [{"testing": True}])
async def test_an_expired_hint_is_accepted(
    client: httpx.AsyncClient, admin: dict[str, str], settings_overrides: dict[str, object]
) -> None:
    """§2: the OP SHOULD accept ID tokens whose exp has passed."""
    logged_in = await log_in(client, admin, jwt_configuration={"lifetime_in_seconds": 60})
    assert (await client.put("/testing/clock", json={"offset_seconds": 3600})).status_code == 200
    assert claims(logged_in.id_token)["exp"] < time.time() + 3600
    params = {"id_token_hint": logged_in.id_token, "post_logout_redirect_uri": BYE}
    response = await client.get("/oidc/logout", params=params)
    assert response.status_code == 302
    assert not await has_session(client, logged_in.app)


async def _bad_hints(app: FastAPI, logged_in: LoggedIn) -> dict[str, str]:
    real = claims(logged_in.id_token)
    header = jwt.get_unverified_header(logged_in.id_token)
    foreign_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return {
        "alg-none": f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(real)}.",
        "foreign-key": jwt.encode(real, foreign_key, algorithm="RS256", headers=header),
        "other-claims": logged_in.id_token.replace(
            logged_in.id_token.split(".")[1], b64({**real, "sub": "auth0|someone-else"})
        ),
        "hs256": jwt.encode(real, "x" * 32, algorithm="HS256", headers={**header, "alg": "HS256"}),
        "other-issuer": await sign(app, {**real, "iss": "https://evil.test/"}),
        "access-token": await sign(app, real, typ="at+jwt"),
        "logout-token": await sign(app, real, typ="logout+jwt"),
        "unknown-audience": await sign(app, {**real, "aud": "nobody", "azp": "nobody"}),
        "two-audiences": await sign(app, {**real, "aud": [real["aud"], "x"], "azp": None}),
        "no-subject": await sign(app, {key: value for key, value in real.items() if key != "sub"}),
        "not-a-jwt": "garbage",
    }


async def test_refused_hints_get_an_error_page_and_keep_the_session(
    app: FastAPI, client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    logged_in = await log_in(client, admin)
    for name, hint in (await _bad_hints(app, logged_in)).items():
        params = {"id_token_hint": hint, "post_logout_redirect_uri": BYE, "state": "s"}
        response = await client.get("/oidc/logout", params=params)
        assert response.status_code == 400, name
        assert "location" not in response.headers, name
        assert "id_token_hint" in response.text, name
    assert await has_session(client, logged_in.app)
    assert len(await log_events(app, client, admin, "flo")) == 11


async def test_client_id_must_be_the_audience_of_the_hint(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    logged_in = await log_in(client, admin)
    other = await spa(client, admin)
    params = {"id_token_hint": logged_in.id_token, "client_id": other["client_id"]}
    assert_refused(await client.get("/oidc/logout", params=params))
    assert_refused(await client.get("/oidc/logout", params={"client_id": "nobody"}))
    params["client_id"] = logged_in.app["client_id"]
    assert (await client.get("/oidc/logout", params=params)).status_code == 200
    assert not await has_session(client, logged_in.app)


async def test_logout_hint_must_be_the_sid_of_the_hint(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    logged_in = await log_in(client, admin)
    params = {"id_token_hint": logged_in.id_token, "logout_hint": "another-session"}
    assert_refused(await client.get("/oidc/logout", params=params))
    params["logout_hint"] = logged_in.sid
    response = await client.get("/oidc/logout", params=params)
    assert response.status_code == 200
    assert not await has_session(client, logged_in.app)


@pytest.mark.parametrize(
    "uri",
    [
        BYE + "?foo=bar",
        BYE + "/",
        BYE.replace("https", "http"),
        "https://evil.test/bye",
        BYE + "#f",
    ],
)
async def test_post_logout_redirect_uri_must_match_exactly(
    client: httpx.AsyncClient, admin: dict[str, str], uri: str
) -> None:
    logged_in = await log_in(client, admin)
    params = {"id_token_hint": logged_in.id_token, "post_logout_redirect_uri": uri}
    response = await client.get("/oidc/logout", params=params)
    assert_refused(response)
    assert "post_logout_redirect_uri" in response.text
    assert await has_session(client, logged_in.app)


async def _confirmation(client: httpx.AsyncClient, params: dict[str, str]) -> httpx.Response:
    """GET /oidc/logout, then the confirmation page it sends the browser to."""
    response = await client.get("/oidc/logout", params=params)
    assert response.status_code == 303, response.text
    assert response.headers["location"].startswith("/u/logout?state=")
    page = await client.get(response.headers["location"])
    assert page.status_code == 200, page.text
    assert 'action="/u/logout"' in page.text
    return page


async def test_without_a_hint_the_user_confirms_first(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    logged_in = await log_in(client, admin)
    params = {
        "client_id": logged_in.app["client_id"],
        "post_logout_redirect_uri": BYE,
        "state": "st",
    }
    page = await _confirmation(client, params)
    assert logged_in.app["name"] in page.text
    assert await has_session(client, logged_in.app), "nothing ends before the answer"
    form = {"state": state_of(page.text), "csrf_token": csrf_of(page.text), "action": "accept"}
    response = await client.post("/u/logout", data=form)
    assert response.status_code == 302
    assert response.headers["location"] == BYE + "?state=st"
    assert not await has_session(client, logged_in.app)


async def test_declining_keeps_the_session(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    logged_in = await log_in(client, admin)
    page = await _confirmation(client, {})
    form = {"state": state_of(page.text), "csrf_token": csrf_of(page.text), "action": "deny"}
    response = await client.post("/u/logout", data=form)
    assert response.status_code == 200
    assert "still logged in" in response.text
    assert await has_session(client, logged_in.app)


async def test_the_confirmation_is_csrf_protected(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    logged_in = await log_in(client, admin)
    page = await _confirmation(client, {})
    state = state_of(page.text)
    forged = [
        {"state": state, "csrf_token": "forged-token-0123456789", "action": "accept"},
        {"state": state, "action": "accept"},
        {"state": state[:-4] + "AAAA", "csrf_token": csrf_of(page.text), "action": "accept"},
    ]
    for form in forged:
        assert (await client.post("/u/logout", data=form)).status_code == 400
    cross_site = await client.post(
        "/u/logout",
        data={"state": state, "csrf_token": csrf_of(page.text), "action": "accept"},
        headers={"Origin": "https://evil.test"},
    )
    assert cross_site.status_code == 400
    assert (await client.get("/u/logout", params={"state": "nope"})).status_code == 400
    assert await has_session(client, logged_in.app)


async def test_a_hint_of_another_session_asks_first(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    first = await log_in(client, admin)
    again = authorize_params(first.app, Pkce.new(), prompt="login")
    await login_through_pages(client, again, first.user["email"])  # a new session
    await _confirmation(client, {"id_token_hint": first.id_token})
    assert await has_session(client, first.app)


async def test_a_form_post_is_continued_where_the_session_cookie_is_sent(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    logged_in = await log_in(client, admin)
    params = {"id_token_hint": logged_in.id_token, "post_logout_redirect_uri": BYE, "state": "p"}
    posted = await client.post("/oidc/logout", data=params)
    assert posted.status_code == 303
    assert posted.headers["location"].startswith("/u/logout?state=")
    assert logged_in.id_token not in posted.headers["location"], "the hint travels sealed"
    response = await client.get(posted.headers["location"])
    assert response.status_code == 302
    assert response.headers["location"] == BYE + "?state=p"
    assert not await has_session(client, logged_in.app)
    refused = await client.post("/oidc/logout", data={"id_token_hint": "garbage"})
    assert_refused(refused)


async def test_logout_is_idempotent(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    """§4: asking to log out a user who is not logged in is not an error."""
    logged_in = await log_in(client, admin)
    params = {"id_token_hint": logged_in.id_token, "post_logout_redirect_uri": BYE}
    for _ in range(2):
        response = await client.get("/oidc/logout", params=params)
        assert response.headers["location"] == BYE
    nothing = await client.get("/oidc/logout")
    assert nothing.status_code == 200
    assert "You are logged out" in nothing.text


async def test_without_a_hint_or_client_the_tenant_list_applies(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    logged_in = await log_in(client, admin)
    params = {"post_logout_redirect_uri": BYE}
    assert_refused(await client.get("/oidc/logout", params=params))
    await client.patch(
        "/api/v2/tenants/settings", json={"allowed_logout_urls": [BYE]}, headers=admin
    )
    page = await _confirmation(client, params)
    assert re.search(r"Do you want to log out", page.text)
    assert await has_session(client, logged_in.app)
