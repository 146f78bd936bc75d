"""``/api/v2/email-templates`` and ``/api/v2/emails/provider``: shapes, scopes, validation."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from tests.databases import ISSUER
from tests.factories import create_client, grant, token

MANAGEMENT = f"{ISSUER}api/v2/"
CREDENTIALS: dict[str, Any] = {
    "smtp_host": "smtp.acme.test",
    "smtp_port": 587,
    "smtp_user": "mailer",
    "smtp_pass": "Pr0vider-Secret",
}
SMTP: dict[str, Any] = {
    "name": "smtp",
    "enabled": True,
    "default_from_address": "accounts@acme.test",
    "credentials": CREDENTIALS,
}


async def _headers_with(
    client: httpx.AsyncClient, admin: dict[str, str], *scopes: str
) -> dict[str, str]:
    app = await create_client(client, admin)
    await grant(client, admin, app["client_id"], audience=MANAGEMENT, scope=scopes)
    issued = await token(client, app, audience=MANAGEMENT)
    return {"Authorization": f"Bearer {issued.json()['access_token']}"}


def _message(response: httpx.Response) -> str:
    body = response.json()
    assert body["statusCode"] == response.status_code
    return str(body["message"])


# -- email templates -------------------------------------------------------------------------


async def test_template_lifecycle(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    url = "/api/v2/email-templates"
    missing = await client.get(f"{url}/verify_email", headers=admin)
    assert missing.status_code == 404
    body = {
        "template": "verify_email",
        "body": "<p>{{ url }}</p>",
        "from": "Acme <accounts@acme.test>",
        "subject": "Verify",
        "syntax": "liquid",
        "resultUrl": "https://app.acme.test/done",
        "urlLifetimeInSeconds": 86400,
        "includeEmailInRedirect": True,
        "enabled": True,
    }
    created = await client.post(url, json=body, headers=admin)
    assert created.status_code == 200, created.text
    assert created.json() == body
    assert (await client.get(f"{url}/verify_email", headers=admin)).json() == body
    assert (await client.post(url, json=body, headers=admin)).status_code == 409

    patched = await client.patch(
        f"{url}/verify_email", json={"enabled": False, "resultUrl": None}, headers=admin
    )
    assert patched.status_code == 200, patched.text
    assert patched.json() == {
        **{key: value for key, value in body.items() if key != "resultUrl"},
        "enabled": False,
    }
    replaced = await client.put(
        f"{url}/verify_email", json={"template": "verify_email", "subject": "New"}, headers=admin
    )
    assert replaced.json() == {
        "template": "verify_email",
        "subject": "New",
        "syntax": "liquid",
        "includeEmailInRedirect": False,
        "enabled": True,
    }


async def test_put_creates_a_missing_template_and_patch_does_not(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    url = "/api/v2/email-templates/welcome_email"
    assert (await client.patch(url, json={"enabled": False}, headers=admin)).status_code == 404
    put = await client.put(url, json={"template": "welcome_email", "enabled": False}, headers=admin)
    assert put.status_code == 200
    assert put.json()["enabled"] is False


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"template": "verify_email", "resultUrl": "not a url"}, "resultUrl"),
        ({"template": "verify_email", "syntax": "handlebars"}, "syntax"),
        ({"template": "verify_email", "urlLifetimeInSeconds": -1}, "urlLifetimeInSeconds"),
        ({"template": "verify_email", "enabled": "maybe"}, "enabled"),
        ({"template": "nope_email"}, "template"),
        ({"template": "verify_email", "body": "{% if %}"}, "body"),
        ({"template": "verify_email", "subject": "{{ unclosed"}, "subject"),
        ({"template": "verify_email", "from": "a@b.test\r\nBcc: x@y.test"}, "from"),
        ({"body": "<p>x</p>"}, "template"),
    ],
)
async def test_template_validation_names_the_field(
    client: httpx.AsyncClient, admin: dict[str, str], body: dict[str, object], field: str
) -> None:
    response = await client.post("/api/v2/email-templates", json=body, headers=admin)
    assert response.status_code == 400, response.text
    assert f"on property {field}" in _message(response)
    assert response.json()["errorCode"] == "invalid_body"


async def test_template_unknown_fields_are_refused(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    response = await client.post(
        "/api/v2/email-templates",
        json={"template": "verify_email", "bodyHtml": "<p>x</p>"},
        headers=admin,
    )
    assert response.status_code == 400
    assert _message(response) == (
        "Payload validation error: 'Additional properties not allowed' on property bodyHtml."
    )


async def test_template_name_in_the_path_is_checked(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    unknown = await client.get("/api/v2/email-templates/not_a_template", headers=admin)
    assert unknown.status_code == 400
    assert "templateName" in _message(unknown)
    mismatch = await client.put(
        "/api/v2/email-templates/reset_email", json={"template": "verify_email"}, headers=admin
    )
    assert mismatch.status_code == 400
    assert "on property template" in _message(mismatch)


async def test_template_scopes(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    reader = await _headers_with(client, admin, "read:email_templates")
    body = {"template": "reset_email", "enabled": False}
    assert (
        await client.post("/api/v2/email-templates", json=body, headers=reader)
    ).status_code == 403
    creator = await _headers_with(client, admin, "create:email_templates")
    assert (
        await client.post("/api/v2/email-templates", json=body, headers=creator)
    ).status_code == 200
    assert (
        await client.get("/api/v2/email-templates/reset_email", headers=creator)
    ).status_code == 403
    assert (
        await client.get("/api/v2/email-templates/reset_email", headers=reader)
    ).status_code == 200
    patch = {"enabled": True}
    url = "/api/v2/email-templates/reset_email"
    assert (await client.patch(url, json=patch, headers=reader)).status_code == 403
    updater = await _headers_with(client, admin, "update:email_templates")
    assert (await client.patch(url, json=patch, headers=updater)).status_code == 200
    assert (await client.get(url)).status_code == 401


# -- email provider --------------------------------------------------------------------------


async def test_provider_lifecycle_never_returns_the_password(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    url = "/api/v2/emails/provider"
    assert (await client.get(url, headers=admin)).status_code == 404
    created = await client.post(url, json=SMTP, headers=admin)
    assert created.status_code == 201, created.text
    expected = {
        "name": "smtp",
        "enabled": True,
        "default_from_address": "accounts@acme.test",
        "credentials": {"smtp_host": "smtp.acme.test", "smtp_port": 587, "smtp_user": "mailer"},
        "settings": {},
    }
    assert created.json() == expected
    assert (await client.get(url, headers=admin)).json() == {"name": "smtp", "enabled": True}
    everything = await client.get(
        url,
        params={"fields": "name,enabled,credentials,default_from_address,settings"},
        headers=admin,
    )
    assert everything.json() == expected
    without = await client.get(
        url, params={"fields": "credentials", "include_fields": "false"}, headers=admin
    )
    assert "credentials" not in without.json()
    assert (await client.post(url, json=SMTP, headers=admin)).status_code == 409

    patched = await client.patch(
        url, json={"enabled": False, "credentials": {"smtp_port": 2525}}, headers=admin
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["enabled"] is False
    assert patched.json()["credentials"] == {
        "smtp_host": "smtp.acme.test",
        "smtp_port": 2525,
        "smtp_user": "mailer",
    }
    for response in (created, everything, patched):
        assert "Pr0vider-Secret" not in response.text
        assert "smtp_pass" not in response.text
    assert (await client.delete(url, headers=admin)).status_code == 204
    assert (await client.get(url, headers=admin)).status_code == 404
    assert (await client.delete(url, headers=admin)).status_code == 404


async def test_provider_password_is_stored_encrypted(
    client: httpx.AsyncClient, admin: dict[str, str], database_url: str
) -> None:
    assert (
        await client.post("/api/v2/emails/provider", json=SMTP, headers=admin)
    ).status_code == 201
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as connection:
            stored = (
                await connection.execute(text("SELECT smtp_pass FROM email_providers"))
            ).scalar_one()
    finally:
        await engine.dispose()
    assert stored.startswith("v1.")
    assert "Pr0vider-Secret" not in stored


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**SMTP, "name": "sendgrid"}, "name"),
        ({**SMTP, "default_from_address": "not-an-address"}, "default_from_address"),
        (
            {**SMTP, "credentials": {**CREDENTIALS, "smtp_port": 70000}},
            "credentials.smtp_port",
        ),
        (
            {**SMTP, "credentials": {**CREDENTIALS, "smtp_host": "smtp://x"}},
            "credentials.smtp_host",
        ),
        ({**SMTP, "credentials": {**CREDENTIALS, "api_key": "k"}}, "credentials.api_key"),
        (
            {**SMTP, "credentials": {"smtp_host": "h.test", "smtp_port": 25, "smtp_user": "u"}},
            "credentials.smtp_pass",
        ),
        ({**SMTP, "settings": {"headers": {"Bcc": "x@y.test"}}}, "settings.headers"),
        ({**SMTP, "settings": {"headers": {"X-Tag": "a\r\nBcc: x@y.test"}}}, "settings.headers"),
        ({"name": "smtp"}, "credentials"),
        ({**SMTP, "region": "eu"}, "region"),
    ],
)
async def test_provider_validation_names_the_field(
    client: httpx.AsyncClient, admin: dict[str, str], body: dict[str, object], field: str
) -> None:
    response = await client.post("/api/v2/emails/provider", json=body, headers=admin)
    assert response.status_code == 400, response.text
    assert f"on property {field}" in _message(response)


async def test_provider_scopes(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    url = "/api/v2/emails/provider"
    reader = await _headers_with(client, admin, "read:email_provider")
    assert (await client.post(url, json=SMTP, headers=reader)).status_code == 403
    creator = await _headers_with(client, admin, "create:email_provider")
    assert (await client.post(url, json=SMTP, headers=creator)).status_code == 201
    assert (await client.get(url, headers=creator)).status_code == 403
    assert (await client.get(url, headers=reader)).status_code == 200
    assert (await client.patch(url, json={"enabled": False}, headers=reader)).status_code == 403
    assert (await client.delete(url, headers=reader)).status_code == 403
    deleter = await _headers_with(client, admin, "delete:email_provider")
    assert (await client.delete(url, headers=deleter)).status_code == 204
