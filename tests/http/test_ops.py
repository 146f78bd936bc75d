"""Operations: health, readiness, metrics and the access log."""

from __future__ import annotations

import json
import logging

import httpx
import pytest
from fastapi import FastAPI

from tests.factories import m2m_app, token


async def test_healthz_and_readyz_ignore_the_host(client: httpx.AsyncClient) -> None:
    for path in ("/healthz", "/readyz"):
        response = await client.get(path, headers={"Host": "10.0.0.5:8080"})
        assert response.status_code == 200
        assert response.json()["status"] == "ok"


async def test_readyz_reports_an_unreachable_database(
    app: FastAPI, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken() -> None:
        raise OSError("connection refused")

    monkeypatch.setattr(app.state.services.db, "ping", broken)
    response = await client.get("/readyz")
    assert response.status_code == 503
    assert (await client.get("/healthz")).status_code == 200


async def test_metrics_count_requests_by_route_and_tokens_by_grant(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    app = await m2m_app(client, admin)
    await token(client, app)
    await client.get("/api/v2/clients/some-id", headers=admin)
    text = (await client.get("/metrics")).text
    assert 'authgate_tokens_issued_total{grant_type="client_credentials"}' in text
    assert 'route="/oauth/token"' in text
    assert 'route="/api/v2/clients/{client_id}"' in text
    assert "some-id" not in text
    assert "authgate_http_request_duration_seconds_bucket" in text


@pytest.mark.parametrize("settings_overrides", [{"access_log": True}])
async def test_access_log_is_json_with_request_id_and_no_secrets(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    caplog: pytest.LogCaptureFixture,
    settings_overrides: dict[str, object],
) -> None:
    app = await m2m_app(client, admin)
    caplog.set_level(logging.INFO, logger="authgate.access")
    response = await client.post(
        "/oauth/token?client_secret=leak-me",
        data={
            "grant_type": "client_credentials",
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "audience": "https://api.example.test",
        },
    )
    access_token = response.json()["access_token"]
    records = [r for r in caplog.records if r.name == "authgate.access"]
    assert records
    entry = records[-1].msg
    assert isinstance(entry, dict)
    assert entry["request_id"] == response.headers["x-request-id"]
    assert entry["path"] == "/oauth/token"
    assert entry["status"] == 200
    logged = json.dumps([r.msg for r in caplog.records], default=str)
    for secret in (app["client_secret"], access_token, "leak-me", admin["Authorization"][7:]):
        assert secret not in logged
