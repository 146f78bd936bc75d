"""DESIGN §5: a warm client-credentials request touches no database at all."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import event

from tests.factories import m2m_app, token


async def test_warm_client_credentials_runs_no_sql(
    app: FastAPI, client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    credentials = await m2m_app(client, admin)
    assert (await token(client, credentials)).status_code == 200
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    db = app.state.services.db
    engines = {db.engine.sync_engine, db.sessionmaker(write=True).kw["bind"].sync_engine}
    for engine in engines:
        event.listen(engine, "before_cursor_execute", record)
    try:
        for _ in range(20):
            assert (await token(client, credentials)).status_code == 200
        for path in ("/.well-known/jwks.json", "/.well-known/openid-configuration"):
            assert (await client.get(path)).status_code == 200
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", record)
    assert statements == []


async def test_unknown_client_ids_are_not_a_database_amplifier(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    engine = app.state.services.db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        for _ in range(10):
            response = await token(client, {"client_id": "same-unknown", "client_secret": "x"})
            assert response.status_code == 401
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert len([s for s in statements if "clients" in s]) <= 1
