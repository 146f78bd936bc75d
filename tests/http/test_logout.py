"""``GET /v2/logout`` (Auth0; reference §1.9) over HTTP: the SSO session ends, the browser
goes only to a registered URL (security.md BCP-03), refusals are error pages and ``flo``."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from tests.factories import create_client
from tests.http.authorize_helpers import CALLBACK, WEB_ORIGIN
from tests.http.logout_helpers import (
    BYE,
    assert_refused,
    has_session,
    log_events,
    log_in,
    log_types,
    refresh,
)

COOKIE = "authgate_session"


async def test_logout_ends_the_session_and_returns_to_an_allowed_url(
    app: FastAPI, client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    logged_in = await log_in(client, admin)
    cookie = client.cookies[COOKIE]
    response = await client.get(
        "/v2/logout", params={"client_id": logged_in.app["client_id"], "returnTo": BYE}
    )
    assert response.status_code == 302
    assert response.headers["location"] == BYE
    assert response.headers["cache-control"] == "no-store"
    assert f'{COOKIE}=""' in response.headers["set-cookie"]
    assert COOKIE not in client.cookies
    assert not await has_session(client, logged_in.app)
    client.cookies.set(COOKIE, cookie)  # the old cookie is worth nothing (ASVS 7.4.1)
    assert not await has_session(client, logged_in.app)
    (event,) = await log_events(app, client, admin, "slo")
    assert event["client_id"] == logged_in.app["client_id"]
    assert event["user_id"] == logged_in.user["user_id"]
    assert event["details"] == {"return_to": BYE, "session_id": logged_in.sid}


async def test_logout_does_not_revoke_refresh_tokens(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    """As in Auth0, a refresh token outlives the SSO session it came from."""
    logged_in = await log_in(client, admin)
    assert (await client.get("/v2/logout")).status_code == 200
    assert (await refresh(client, logged_in)).status_code == 200


async def test_without_return_to_the_user_sees_the_logged_out_page(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    logged_in = await log_in(client, admin)
    response = await client.get("/v2/logout", params={"federated": ""})
    assert response.status_code == 200
    assert "You are logged out" in response.text
    assert response.headers["x-frame-options"] == "DENY"
    assert not await has_session(client, logged_in.app)


async def test_with_client_id_and_no_return_to_the_first_allowed_url_is_used(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    logged_in = await log_in(client, admin, allowed_logout_urls=[BYE, f"{WEB_ORIGIN}/other"])
    response = await client.get("/v2/logout", params={"client_id": logged_in.app["client_id"]})
    assert response.status_code == 302
    assert response.headers["location"] == BYE


async def test_an_application_without_logout_urls_gets_the_logged_out_page(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    logged_in = await log_in(client, admin, allowed_logout_urls=[])
    response = await client.get("/v2/logout", params={"client_id": logged_in.app["client_id"]})
    assert response.status_code == 200
    assert not await has_session(client, logged_in.app)


async def test_without_client_id_return_to_must_be_a_tenant_logout_url(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    logged_in = await log_in(client, admin)
    refused = await client.get("/v2/logout", params={"returnTo": BYE})
    assert_refused(refused)
    assert "tenant" in refused.text
    assert await has_session(client, logged_in.app), "a refused logout keeps the session"
    patched = await client.patch(
        "/api/v2/tenants/settings", json={"allowed_logout_urls": [BYE]}, headers=admin
    )
    assert patched.status_code == 200
    response = await client.get("/v2/logout", params={"returnTo": BYE})
    assert response.status_code == 302
    assert response.headers["location"] == BYE
    assert not await has_session(client, logged_in.app)


@pytest.mark.parametrize(
    "return_to",
    [
        "https://evil.test/bye",
        BYE + "/",
        BYE + "?next=https://evil.test",
        BYE.upper(),
        BYE + "#x",
        "https://app.example.test.evil.test/bye",
        "//evil.test/bye",
        "javascript:alert(1)",
        CALLBACK,
    ],
)
async def test_a_foreign_return_to_gets_an_error_page_never_a_redirect(
    app: FastAPI, client: httpx.AsyncClient, admin: dict[str, str], return_to: str
) -> None:
    logged_in = await log_in(client, admin)
    response = await client.get(
        "/v2/logout", params={"client_id": logged_in.app["client_id"], "returnTo": return_to}
    )
    assert_refused(response)
    assert "Allowed Logout URLs" in response.text
    assert await has_session(client, logged_in.app)
    (event,) = await log_events(app, client, admin, "flo")
    assert event["client_id"] == logged_in.app["client_id"]
    assert "slo" not in await log_types(app, client, admin)


async def test_unknown_client_and_repeated_parameters_are_refused(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    logged_in = await log_in(client, admin)
    assert_refused(await client.get("/v2/logout", params={"client_id": "nobody"}))
    other = await create_client(client, admin, allowed_logout_urls=["https://other.test/"])
    twice = await client.get(
        "/v2/logout",
        params=[("client_id", other["client_id"]), ("returnTo", "https://other.test/")] * 2,
    )
    assert_refused(twice)
    too_long = await client.get("/v2/logout", params={"returnTo": BYE + "x" * 3000})
    assert_refused(too_long)
    assert await has_session(client, logged_in.app)


async def test_another_applications_logout_url_is_refused(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    logged_in = await log_in(client, admin)
    other = await create_client(client, admin, allowed_logout_urls=["https://other.test/"])
    response = await client.get(
        "/v2/logout",
        params={"client_id": logged_in.app["client_id"], "returnTo": "https://other.test/"},
    )
    assert_refused(response)
    allowed = await client.get(
        "/v2/logout", params={"client_id": other["client_id"], "returnTo": "https://other.test/"}
    )
    assert allowed.headers["location"] == "https://other.test/"


async def test_logout_without_a_session_is_still_a_success(
    app: FastAPI, client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    response = await client.get("/v2/logout")
    assert response.status_code == 200
    (event,) = await log_events(app, client, admin, "slo")
    assert "user_id" not in event or event["user_id"] is None
