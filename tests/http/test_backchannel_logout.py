"""OpenID Connect Back-Channel Logout 1.0 (security.md §1.6): logout tokens POSTed to a real
HTTP server on 127.0.0.1 and verified with the tenant's JWKS; the applications' ``oidc_logout``
settings in Auth0's shape."""

from __future__ import annotations

import socket
import time
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.databases import ISSUER
from tests.http.authorize_helpers import Pkce, authorize_params, query, spa
from tests.http.logout_helpers import (
    BYE,
    Receiver,
    delivered,
    has_session,
    log_events,
    log_in,
    verified_logout_token,
)

EVENT = "http://schemas.openid.net/event/backchannel-logout"


def backchannel(url: str, **initiators: Any) -> dict[str, Any]:
    settings: dict[str, Any] = {"backchannel_logout_urls": [url]}
    if initiators:
        settings["backchannel_logout_initiators"] = initiators
    return {"oidc_logout": settings}


async def test_rp_logout_posts_a_logout_token_that_verifies_with_the_jwks(
    app: FastAPI, client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    with Receiver() as receiver:
        logged_in = await log_in(client, admin, **backchannel(receiver.url()))
        params = {"id_token_hint": logged_in.id_token, "post_logout_redirect_uri": BYE}
        response = await client.get("/oidc/logout", params=params)
        assert response.status_code == 302
        await delivered(app)
    (received,) = receiver.received
    assert received.path == "/backchannel"
    assert received.content_type == "application/x-www-form-urlencoded"
    assert set(received.form) == {"logout_token"}
    client_id = logged_in.app["client_id"]
    header, token = await verified_logout_token(client, received.form["logout_token"], client_id)
    assert header["typ"] == "logout+jwt"
    assert header["alg"] == "RS256"
    assert token["iss"] == ISSUER
    assert token["aud"] == client_id
    assert token["sub"] == logged_in.user["user_id"]
    assert token["sid"] == logged_in.sid
    assert token["events"] == {EVENT: {}}
    assert "nonce" not in token
    assert abs(token["iat"] - time.time()) < 60
    assert 0 < token["exp"] - token["iat"] <= 120
    assert len(token["jti"]) >= 16
    (event,) = await log_events(app, client, admin, "oidc_backchannel_logout_succeeded")
    assert event["client_id"] == client_id
    assert event["details"]["url"] == receiver.url()
    assert event["details"]["status"] == 200


async def test_each_application_of_the_session_gets_its_own_token(
    app: FastAPI, client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    with Receiver() as receiver:
        first = await log_in(client, admin, **backchannel(receiver.url("/first")))
        second = await spa(client, admin, **backchannel(receiver.url("/second")))
        silent = await spa(client, admin)
        for other in (second, silent):  # single sign-on into two more applications
            sso = await client.get("/authorize", params=authorize_params(other, Pkce.new()))
            assert "code" in query(sso.headers["location"])
        assert (await client.get("/v2/logout")).status_code == 200
        await delivered(app)
    audiences = {}
    for received in receiver.received:
        token = received.form["logout_token"]
        audience = {"/first": first.app["client_id"], "/second": second["client_id"]}
        _, decoded = await verified_logout_token(client, token, audience[received.path])
        audiences[received.path] = decoded["aud"]
        assert decoded["sid"] == first.sid
    assert audiences == {"/first": first.app["client_id"], "/second": second["client_id"]}


async def test_the_users_response_does_not_wait_for_the_application(
    app: FastAPI, client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    with Receiver() as receiver:
        receiver.release.clear()  # the application holds its answer back
        await log_in(client, admin, **backchannel(receiver.url()))
        response = await client.get("/v2/logout")
        assert response.status_code == 200, "answered while the application still holds"
        received = await receiver.wait_for_first()
        assert "logout_token" in received.form
        receiver.release.set()
        await delivered(app)


async def test_failed_deliveries_are_logged_and_the_logout_stands(
    app: FastAPI, client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        closed_port = unused.getsockname()[1]
    with Receiver(status=500) as receiver:
        refusing = await log_in(client, admin, **backchannel(receiver.url()))
        unreachable = await spa(client, admin, **backchannel(f"http://127.0.0.1:{closed_port}/"))
        await client.get("/authorize", params=authorize_params(unreachable, Pkce.new()))
        assert (await client.get("/v2/logout")).status_code == 200
        await delivered(app)
    assert not await has_session(client, refusing.app)
    failures = await log_events(app, client, admin, "oidc_backchannel_logout_failed")
    by_client = {event["client_id"]: event["details"] for event in failures}
    assert by_client[refusing.app["client_id"]]["status"] == 500
    assert by_client[unreachable["client_id"]]["status"] is None
    assert "ConnectError" in by_client[unreachable["client_id"]]["error"]


async def test_a_refused_logout_sends_nothing(
    app: FastAPI, client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    with Receiver() as receiver:
        logged_in = await log_in(client, admin, **backchannel(receiver.url()))
        refused = await client.get(
            "/v2/logout",
            params={"client_id": logged_in.app["client_id"], "returnTo": "https://evil.test/"},
        )
        assert refused.status_code == 400
        await delivered(app)
    assert receiver.received == []


@pytest.mark.parametrize(
    ("initiators", "told_on_deletion"),
    [
        ({}, False),
        ({"mode": "custom", "selected_initiators": ["password-changed"]}, False),
        ({"mode": "custom", "selected_initiators": ["session-revoked"]}, True),
        ({"mode": "all"}, True),
    ],
)
async def test_management_api_deletion_follows_the_initiators(
    app: FastAPI,
    client: httpx.AsyncClient,
    admin: dict[str, str],
    initiators: dict[str, Any],
    told_on_deletion: bool,
) -> None:
    with Receiver() as receiver:
        logged_in = await log_in(client, admin, **backchannel(receiver.url(), **initiators))
        deleted = await client.delete(f"/api/v2/sessions/{logged_in.sid}", headers=admin)
        assert deleted.status_code == 202
        await delivered(app)
    assert len(receiver.received) == int(told_on_deletion)
    assert not await has_session(client, logged_in.app)
    if told_on_deletion:
        token = receiver.received[0].form["logout_token"]
        _, decoded = await verified_logout_token(client, token, logged_in.app["client_id"])
        assert decoded["sid"] == logged_in.sid


async def test_oidc_logout_in_auth0s_client_shape(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    settings = {
        "backchannel_logout_urls": ["https://app.example.test/backchannel"],
        "backchannel_logout_initiators": {
            "mode": "custom",
            "selected_initiators": ["rp-logout", "session-revoked"],
        },
    }
    created = await spa(client, admin, oidc_logout=settings)
    assert created["oidc_logout"] == settings
    url = f"/api/v2/clients/{created['client_id']}"
    patched = await client.patch(
        url,
        json={"oidc_logout": {"backchannel_logout_initiators": {"mode": "all"}}},
        headers=admin,
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["oidc_logout"] == {
        "backchannel_logout_urls": ["https://app.example.test/backchannel"],
        "backchannel_logout_initiators": {"mode": "all", "selected_initiators": []},
    }
    plain = await spa(client, admin)
    assert "oidc_logout" not in plain


@pytest.mark.parametrize(
    "oidc_logout",
    [
        {"backchannel_logout_urls": ["https://app.example.test/bc#fragment"]},
        {"backchannel_logout_urls": ["ftp://app.example.test/bc"]},
        {"backchannel_logout_urls": ["https://a.example.test/", "https://b.example.test/"]},
        {"backchannel_logout_urls": "https://app.example.test/bc"},
        {"backchannel_logout_initiators": {"mode": "some"}},
        {"backchannel_logout_initiators": {"selected_initiators": ["user-sneezed"]}},
        {"backchannel_logout_uri": "https://app.example.test/bc"},
    ],
)
async def test_bad_oidc_logout_settings_are_400(
    client: httpx.AsyncClient, admin: dict[str, str], oidc_logout: dict[str, Any]
) -> None:
    body = {"name": "bc", "app_type": "spa", "oidc_logout": oidc_logout}
    created = await client.post("/api/v2/clients", json=body, headers=admin)
    assert created.status_code == 400, created.text
    assert "oidc_logout" in created.json()["message"]
    app = await spa(client, admin)
    patched = await client.patch(
        f"/api/v2/clients/{app['client_id']}", json={"oidc_logout": oidc_logout}, headers=admin
    )
    assert patched.status_code == 400, patched.text
