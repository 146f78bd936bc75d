"""Host-based tenants (DESIGN §3.3): each tenant sees only its own data."""

from __future__ import annotations

import json

import httpx
import pytest
from fastapi import FastAPI

from authgate.bootstrap import create_tenant
from authgate.core.errors import Conflict, Invalid
from authgate.tenants.service import to_record
from tests.databases import BOOTSTRAP_CLIENT_ID, BOOTSTRAP_CLIENT_SECRET, ISSUER


async def _second_tenant(app: FastAPI) -> None:
    services = app.state.services
    async with services.db.unit_of_work(write=True) as session:
        row = await services.tenants.create(session, name="acme", issuer="https://acme.test/")
        await services.keys.ensure(session, to_record(row))
        await services.apis.ensure_management_api(session, to_record(row))


async def test_tenants_are_isolated(
    app: FastAPI, client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    await _second_tenant(app)
    acme = {"Host": "acme.test"}
    discovery = (await client.get("/.well-known/openid-configuration", headers=acme)).json()
    assert discovery["issuer"] == "https://acme.test/"
    acme_kids = {
        k["kid"] for k in (await client.get("/.well-known/jwks.json", headers=acme)).json()["keys"]
    }
    default_kids = {k["kid"] for k in (await client.get("/.well-known/jwks.json")).json()["keys"]}
    assert acme_kids.isdisjoint(default_kids)

    # the default tenant's Management token is worth nothing on acme
    response = await client.get("/api/v2/clients", headers={**admin, **acme})
    assert response.status_code == 401
    # and the default tenant's bootstrap client does not exist there
    token = await client.post(
        "/oauth/token",
        headers=acme,
        data={
            "grant_type": "client_credentials",
            "client_id": BOOTSTRAP_CLIENT_ID,
            "client_secret": BOOTSTRAP_CLIENT_SECRET,
            "audience": "https://acme.test/api/v2/",
        },
    )
    assert token.status_code == 401
    assert (await client.get("/.well-known/openid-configuration")).json()["issuer"] == ISSUER


async def test_duplicate_tenant_or_domain_is_refused(app: FastAPI) -> None:
    await _second_tenant(app)
    services = app.state.services
    for name, issuer, error in (
        ("acme", "https://other.test/", Conflict),
        ("other", "https://acme.test/", Conflict),
        ("Bad Name", "https://bad.test/", Invalid),
    ):
        with pytest.raises(error):
            async with services.db.unit_of_work(write=True) as session:
                await services.tenants.create(session, name=name, issuer=issuer)


async def test_a_new_tenant_is_administered_with_its_own_application(
    app: FastAPI, client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    tenant, client_id, path = await create_tenant(
        app.state.services, name="globex", issuer="https://globex.test/"
    )
    credentials = json.loads(path.read_text())
    globex = {"Host": "globex.test"}
    issued = await client.post(
        "/oauth/token",
        headers=globex,
        data={
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": credentials["client_secret"],
            "audience": tenant.management_audience,
        },
    )
    assert issued.status_code == 200, issued.text
    headers = {**globex, "Authorization": f"Bearer {issued.json()['access_token']}"}
    listed = (await client.get("/api/v2/clients", headers=headers)).json()
    assert [c["client_id"] for c in listed] == [client_id]
    default_clients = (await client.get("/api/v2/clients", headers=admin)).json()
    assert client_id not in [c["client_id"] for c in default_clients]
