"""Logout: Auth0's ``/v2/logout`` and OpenID Connect RP-Initiated Logout (``/oidc/logout``),
with the open-redirect and forged-hint cases refused (security.md BCP-03)."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from authgate.logs.models import LogEvent
from tests.http.authorize_helpers import (
    WEB_ORIGIN,
    Pkce,
    authorize_params,
    csrf_of,
    exchange,
    login_through_pages,
    query,
    spa,
)
from tests.users_factories import create_user

BYE = f"{WEB_ORIGIN}/bye"


async def _logged_in(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    app = await spa(client, admin)
    user = await create_user(client, admin)
    pkce = Pkce.new()
    final = await login_through_pages(client, authorize_params(app, pkce), user["email"])
    tokens = await exchange(client, app, query(final.headers["location"])["code"], pkce.verifier)
    return app, tokens.json()


async def _session_is_gone(client: httpx.AsyncClient, app: dict[str, Any]) -> bool:
    params = authorize_params(app, Pkce.new(), prompt="none")
    response = await client.get("/authorize", params=params)
    return query(response.headers["location"]).get("error") == "login_required"


async def _types(app: FastAPI) -> list[str]:
    await app.state.services.logs.flush()
    async with app.state.services.db.unit_of_work(write=False) as session:
        rows = (await session.execute(select(LogEvent.type).order_by(LogEvent.log_id))).all()
    return [row[0] for row in rows]


async def test_v2_logout_ends_the_session_and_returns_to_an_allowed_url(
    client: httpx.AsyncClient, admin: dict[str, str], app: FastAPI
) -> None:
    application, _ = await _logged_in(client, admin)
    assert not await _session_is_gone(client, application)
    response = await client.get(
        "/v2/logout", params={"client_id": application["client_id"], "returnTo": BYE}
    )
    assert response.status_code == 302
    assert response.headers["location"] == BYE
    assert 'authgate_session=""' in response.headers["set-cookie"]
    assert await _session_is_gone(client, application)
    assert "slo" in await _types(app)


async def test_v2_logout_refuses_a_foreign_return_url(
    client: httpx.AsyncClient, admin: dict[str, str], app: FastAPI
) -> None:
    application, _ = await _logged_in(client, admin)
    for target in ("https://evil.test/", f"{BYE}/../x", BYE.upper()):
        response = await client.get(
            "/v2/logout", params={"client_id": application["client_id"], "returnTo": target}
        )
        assert response.status_code == 400
        assert "location" not in response.headers
    tenant_level = await client.get("/v2/logout", params={"returnTo": BYE})
    assert tenant_level.status_code == 400, "without client_id the tenant's list applies"
    assert not await _session_is_gone(client, application)
    assert "flo" in await _types(app)


async def test_v2_logout_without_return_to_shows_the_logged_out_page(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    application, _ = await _logged_in(client, admin)
    response = await client.get("/v2/logout")
    assert response.status_code == 200
    assert "You are logged out" in response.text
    assert await _session_is_gone(client, application)


async def test_oidc_logout_with_an_id_token_hint_redirects_with_state(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    application, tokens = await _logged_in(client, admin)
    response = await client.get(
        "/oidc/logout",
        params={
            "id_token_hint": tokens["id_token"],
            "post_logout_redirect_uri": BYE,
            "state": "s-1",
        },
    )
    assert response.status_code == 302
    assert response.headers["location"] == f"{BYE}?state=s-1"
    assert await _session_is_gone(client, application)


def _forged(id_token: str, **changes: Any) -> str:
    header, payload, signature = id_token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims.update(changes)
    body = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{body}.{signature}"


def _unsigned(id_token: str) -> str:
    payload = id_token.split(".")[1]
    none = base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').rstrip(b"=").decode()
    return f"{none}.{payload}."


async def test_oidc_logout_refuses_unsigned_or_wrongly_signed_hints(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    application, tokens = await _logged_in(client, admin)
    for hint in (_unsigned(tokens["id_token"]), _forged(tokens["id_token"], sub="someone")):
        response = await client.get(
            "/oidc/logout", params={"id_token_hint": hint, "post_logout_redirect_uri": BYE}
        )
        assert response.status_code == 400
        assert "location" not in response.headers
    assert not await _session_is_gone(client, application)


async def test_oidc_logout_refuses_a_foreign_redirect_or_client(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    application, tokens = await _logged_in(client, admin)
    other = await spa(client, admin)
    foreign = await client.get(
        "/oidc/logout",
        params={
            "id_token_hint": tokens["id_token"],
            "post_logout_redirect_uri": "https://evil.test/",
        },
    )
    assert foreign.status_code == 400
    mismatch = await client.get(
        "/oidc/logout",
        params={"id_token_hint": tokens["id_token"], "client_id": other["client_id"]},
    )
    assert mismatch.status_code == 400
    assert not await _session_is_gone(client, application)


async def test_oidc_logout_without_a_hint_asks_first(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    application, _ = await _logged_in(client, admin)
    params = {"client_id": application["client_id"], "post_logout_redirect_uri": BYE}
    asked = await client.get("/oidc/logout", params=params)
    assert asked.status_code == 303
    prompt = await client.get(asked.headers["location"])
    assert prompt.status_code == 200
    assert 'value="logout"' in prompt.text
    assert not await _session_is_gone(client, application), "nothing ends before the answer"
    forged = await client.post("/oidc/logout", data=params)
    assert forged.status_code == 303, "a POST without a hint only asks"
    unconfirmed = await client.post("/u/logout", data=params)
    assert unconfirmed.status_code == 303, "without the CSRF token: asked again"
    assert not await _session_is_gone(client, application)
    confirmed = await client.post(
        "/u/logout", data={**params, "csrf_token": csrf_of(prompt.text), "action": "logout"}
    )
    assert confirmed.status_code == 302
    assert confirmed.headers["location"] == BYE
    assert await _session_is_gone(client, application)
