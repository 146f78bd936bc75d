"""DESIGN §5: a warm client-credentials request touches no database; its ``seccft`` log event
is written later, in a batch with others."""

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

    services = app.state.services
    await services.logs.flush()
    db = services.db
    engines = {db.engine.sync_engine, db.sessionmaker(write=True).kw["bind"].sync_engine}
    for engine in engines:
        event.listen(engine, "before_cursor_execute", record)
    try:
        for _ in range(20):
            assert (await token(client, credentials)).status_code == 200
        for path in ("/.well-known/jwks.json", "/.well-known/openid-configuration"):
            assert (await client.get(path)).status_code == 200
        batch_writer = ("log_events", "BEGIN", "COMMIT")  # the flusher may run meanwhile
        in_requests = [s for s in statements if not any(w in s for w in batch_writer)]
        await services.logs.flush()
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", record)
    assert in_requests == [], "a warm request runs no SQL of its own"
    log_writes = [s for s in statements if s.startswith("INSERT INTO log_events")]
    assert 1 <= len(log_writes) <= 2, "the 20 seccft events go to the database in a batch"


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
