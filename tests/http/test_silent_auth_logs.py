"""``prompt=none`` (silent authentication, what auth0-spa-js's ``getTokenSilently`` does in an
iframe) is logged as Auth0 logs it: ``ssa`` when a code is issued, ``fsa`` with the reason when
the answer is ``login_required`` or ``consent_required``."""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from authgate.logs.models import LogEvent
from tests.http.authorize_helpers import Pkce, authorize_params, login_through_pages, query, spa
from tests.users_factories import create_user


async def _events(app: FastAPI, kind: str) -> list[LogEvent]:
    await app.state.services.logs.flush()
    async with app.state.services.db.unit_of_work(write=False) as session:
        rows = await session.scalars(select(LogEvent).where(LogEvent.type == kind))
        return list(rows)


async def test_silent_authentication_is_logged(
    client: httpx.AsyncClient, admin: dict[str, str], app: FastAPI
) -> None:
    application = await spa(client, admin)
    user = await create_user(client, admin)
    silent = authorize_params(application, Pkce.new(), prompt="none")
    refused = await client.get("/authorize", params=silent)
    assert query(refused.headers["location"])["error"] == "login_required"
    (failed,) = await _events(app, "fsa")
    assert failed.client_id == application["client_id"]
    assert failed.user_id is None

    await login_through_pages(client, authorize_params(application, Pkce.new()), user["email"])
    issued = await client.get(
        "/authorize", params=authorize_params(application, Pkce.new(), prompt="none")
    )
    assert "code" in query(issued.headers["location"])
    (succeeded,) = await _events(app, "ssa")
    assert succeeded.user_id == user["user_id"]
    assert succeeded.client_id == application["client_id"]
    listed = await client.get("/api/v2/logs", params={"q": "type:ssa OR type:fsa"}, headers=admin)
    assert listed.status_code == 200, listed.text
    assert sorted(event["type"] for event in listed.json()) == ["fsa", "ssa"]
