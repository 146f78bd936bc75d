"""``/api/v2/keys/signing`` and the JWK Set: rotation, grace and revocation."""

from __future__ import annotations

import base64
import json

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from tests.factories import m2m_app, token


async def _kids(client: httpx.AsyncClient) -> list[str]:
    return [key["kid"] for key in (await client.get("/.well-known/jwks.json")).json()["keys"]]


async def test_keys_have_auth0_shape(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    keys = (await client.get("/api/v2/keys/signing", headers=admin)).json()
    assert [(k["current"], k["next"], k["previous"]) for k in keys] == [
        (True, False, False),
        (False, True, False),
    ]
    current = keys[0]
    assert current["cert"].startswith("-----BEGIN CERTIFICATE-----")
    assert current["pkcs7"].startswith("-----BEGIN PKCS7-----")
    assert len(current["thumbprint"]) == 40
    assert current["fingerprint"].count(":") == 19
    assert current["revoked"] is False
    assert current["current_since"].endswith("Z")
    one = await client.get(f"/api/v2/keys/signing/{current['kid']}", headers=admin)
    assert one.json() == current
    missing = await client.get("/api/v2/keys/signing/nope", headers=admin)
    assert missing.status_code == 404


async def test_rotation_keeps_old_tokens_valid_until_revoked(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    before = (await client.get("/api/v2/keys/signing", headers=admin)).json()
    old_current, old_next = before[0]["kid"], before[1]["kid"]
    assert await _kids(client) == [old_current, old_next]

    rotated = await client.post("/api/v2/keys/signing/rotate", headers=admin)
    assert rotated.status_code == 201
    assert rotated.json()["kid"] == old_next

    kids = await _kids(client)
    assert kids[0] == old_next
    assert old_current in kids
    assert len(kids) == 3
    # the admin token was signed by the previous key and still works
    still = await client.get("/api/v2/keys/signing", headers=admin)
    assert still.status_code == 200
    states = {k["kid"]: (k["current"], k["next"], k["previous"]) for k in still.json()}
    assert states[old_current] == (False, False, True)
    assert states[old_next] == (True, False, False)

    app = await m2m_app(client, admin)
    issued = (await token(client, app)).json()["access_token"]
    assert httpx_header_kid(issued) == old_next

    refused = await client.put(f"/api/v2/keys/signing/{old_next}/revoke", headers=admin)
    assert refused.status_code == 400

    revoked = await client.put(f"/api/v2/keys/signing/{old_current}/revoke", headers=admin)
    assert revoked.status_code == 200
    assert revoked.json()["kid"] == old_current
    assert old_current not in await _kids(client)
    # the admin token signed by the revoked key stops working at once
    assert (await client.get("/api/v2/keys/signing", headers=admin)).status_code == 401


def httpx_header_kid(jwt_token: str) -> str:
    header = jwt_token.split(".", maxsplit=1)[0]
    return str(json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))["kid"])


async def test_private_keys_are_encrypted_at_rest(
    client: httpx.AsyncClient, database_url: str
) -> None:
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as connection:
            rows = (await connection.execute(text("SELECT private_key FROM signing_keys"))).all()
    finally:
        await engine.dispose()
    assert rows
    for (stored,) in rows:
        assert stored.startswith("v1.")
        assert "PRIVATE KEY" not in stored
