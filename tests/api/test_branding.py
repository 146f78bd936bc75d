"""``/api/v2/branding`` and ``/api/v2/branding/templates/universal-login``."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from tests.api.management_tokens import error, scoped, second_tenant

TEMPLATE_PATH = "/api/v2/branding/templates/universal-login"
TEMPLATE = (
    '<!DOCTYPE html>{% assign resolved_dir = dir | default: "auto" %}'
    '<html lang="{{locale}}" dir="{{resolved_dir}}"><head>{%- auth0:head -%}</head>'
    '<body class="_widget-auto-layout">{%- auth0:widget -%}</body></html>'
)
FULL = {
    "colors": {
        "primary": "#0059d6",
        "page_background": {
            "type": "linear-gradient",
            "start": "#ffffff",
            "end": "#000",
            "angle_deg": 35,
        },
    },
    "logo_url": "https://cdn.acme.example/logo.png",
    "favicon_url": "https://cdn.acme.example/favicon.ico",
    "font": {"url": "https://fonts.acme.example/acme.woff2"},
}


async def test_nothing_set_reads_empty(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    response = await client.get("/api/v2/branding", headers=admin)
    assert response.status_code == 200
    assert response.json() == {}


async def test_patch_and_read_back(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    response = await client.patch("/api/v2/branding", json=FULL, headers=admin)
    assert response.status_code == 200, response.text
    assert response.json() == FULL
    assert (await client.get("/api/v2/branding", headers=admin)).json() == FULL


async def test_patch_merges_and_null_clears(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    await client.patch("/api/v2/branding", json=FULL, headers=admin)
    patch = {"colors": {"primary": "#abc"}, "logo_url": None, "font": {"url": None}}
    body = (await client.patch("/api/v2/branding", json=patch, headers=admin)).json()
    assert body == {
        "colors": {"primary": "#abc", "page_background": FULL["colors"]["page_background"]},
        "favicon_url": FULL["favicon_url"],
    }
    patch = {"colors": {"primary": None, "page_background": None}, "favicon_url": None}
    assert (await client.patch("/api/v2/branding", json=patch, headers=admin)).json() == {}
    solid = {"colors": {"page_background": "#112233"}}
    assert (await client.patch("/api/v2/branding", json=solid, headers=admin)).json() == solid
    assert (await client.patch("/api/v2/branding", json={}, headers=admin)).json() == solid


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"colors": {"primary": "red"}}, "colors.primary"),
        ({"colors": {"primary": "#12345"}}, "colors.primary"),
        ({"colors": {"primary": "#ggg"}}, "colors.primary"),
        ({"colors": {"primary": 255}}, "colors.primary"),
        ({"colors": {"page_background": "url(x)"}}, "colors.page_background"),
        (
            {"colors": {"page_background": {"type": "radial", "start": "#fff", "end": "#000"}}},
            "colors.page_background",
        ),
        ({"colors": {"page_background": {**FULL["colors"]["page_background"], "x": 1}}}, "x"),
        ({"colors": {"secondary": "#fff"}}, "colors.secondary"),
        ({"colors": {}}, "minimum 1"),
        ({"font": {}}, "minimum 1"),
        ({"logo_url": "http://cdn.acme.example/logo.png"}, "logo_url"),
        ({"logo_url": "http://localhost/logo.png"}, "logo_url"),
        ({"favicon_url": "javascript:alert(1)"}, "favicon_url"),
        ({"font": {"url": "ftp://fonts.example/a.woff2"}}, "font.url"),
        ({"identifiers": {"login_display": "separate"}}, "identifiers"),
    ],
)
async def test_invalid_patches_are_400_and_change_nothing(
    client: httpx.AsyncClient, admin: dict[str, str], patch: dict[str, object], field: str
) -> None:
    await client.patch("/api/v2/branding", json=FULL, headers=admin)
    response = await client.patch("/api/v2/branding", json=patch, headers=admin)
    assert error(response) == (400, "invalid_body")
    assert field in response.json()["message"]
    assert (await client.get("/api/v2/branding", headers=admin)).json() == FULL


async def test_scopes(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    reader = await scoped(client, admin, "read:branding")
    writer = await scoped(client, admin, "update:branding")
    assert (await client.get("/api/v2/branding", headers=reader)).status_code == 200
    assert (await client.get(TEMPLATE_PATH, headers=reader)).status_code == 404
    refused = await client.patch("/api/v2/branding", json=FULL, headers=reader)
    assert error(refused) == (403, "insufficient_scope")
    assert "update:branding" in refused.json()["message"]
    assert error(await client.get("/api/v2/branding", headers=writer)) == (
        403,
        "insufficient_scope",
    )
    assert (
        await client.put(TEMPLATE_PATH, json={"template": TEMPLATE}, headers=writer)
    ).status_code == 201
    assert error(await client.delete(TEMPLATE_PATH, headers=writer)) == (403, "insufficient_scope")
    assert error(await client.put(TEMPLATE_PATH, json={"template": TEMPLATE}, headers=reader)) == (
        403,
        "insufficient_scope",
    )
    assert (await client.get("/api/v2/branding")).status_code == 401


async def test_template_lifecycle(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    missing = await client.get(TEMPLATE_PATH, headers=admin)
    assert error(missing) == (404, "inexistent_resource")
    assert missing.json()["message"] == "Template does not exist."
    created = await client.put(TEMPLATE_PATH, json={"template": TEMPLATE}, headers=admin)
    assert created.status_code == 201
    assert created.content == b""
    assert (await client.get(TEMPLATE_PATH, headers=admin)).json() == {"body": TEMPLATE}
    html = TEMPLATE.replace("<body", "<body data-v=2")
    replaced = await client.put(
        TEMPLATE_PATH, content=html.encode(), headers={**admin, "Content-Type": "text/html"}
    )
    assert replaced.status_code == 204
    assert (await client.get(TEMPLATE_PATH, headers=admin)).json() == {"body": html}
    as_string = await client.put(TEMPLATE_PATH, json=TEMPLATE, headers=admin)
    assert as_string.status_code == 204
    assert (await client.get(TEMPLATE_PATH, headers=admin)).json() == {"body": TEMPLATE}
    assert (await client.delete(TEMPLATE_PATH, headers=admin)).status_code == 204
    assert (await client.get(TEMPLATE_PATH, headers=admin)).status_code == 404
    assert (await client.delete(TEMPLATE_PATH, headers=admin)).status_code == 204


@pytest.mark.parametrize(
    ("template", "message"),
    [
        (
            "<html><head></head><body>{%- auth0:widget -%}</body></html>",
            "Payload content missing required Liquid tags (auth0:head and auth0:widget).",
        ),
        ("<html>plain</html>", "Payload content missing required Liquid tags"),
        (
            TEMPLATE + " " * 102_400,
            "Payload content length greater than maximum allowed: 102400.",
        ),
        (TEMPLATE.replace("</html>", "{% if %}</html>"), "Liquid template syntax error"),
        (TEMPLATE.replace("</html>", "{% for x in y %}{% endfor %}"), "for is not supported"),
        (TEMPLATE.replace("</html>", "{{ a | urlencode }}"), "unknown filter urlencode"),
        (TEMPLATE + "{%- auth0:widget -%}", "must appear once each"),
        (TEMPLATE + "{{ self }}", "self is reserved"),
    ],
)
async def test_invalid_templates_are_400(
    client: httpx.AsyncClient, admin: dict[str, str], template: str, message: str
) -> None:
    response = await client.put(TEMPLATE_PATH, json={"template": template}, headers=admin)
    assert error(response) == (400, "invalid_body")
    assert message in response.json()["message"]
    assert (await client.get(TEMPLATE_PATH, headers=admin)).status_code == 404


@pytest.mark.parametrize(
    "body",
    [{"template": TEMPLATE, "extra": 1}, {"template": 5}, {}, [TEMPLATE]],
)
async def test_malformed_template_bodies_are_400(
    client: httpx.AsyncClient, admin: dict[str, str], body: object
) -> None:
    response = await client.put(TEMPLATE_PATH, json=body, headers=admin)
    assert error(response) == (400, "invalid_body")


async def test_tenants_do_not_see_each_others_branding(
    app: FastAPI, client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    acme = await second_tenant(app, client)
    await client.patch("/api/v2/branding", json=FULL, headers=admin)
    await client.put(TEMPLATE_PATH, json={"template": TEMPLATE}, headers=admin)
    assert (await client.get("/api/v2/branding", headers=acme)).json() == {}
    assert (await client.get(TEMPLATE_PATH, headers=acme)).status_code == 404
    own = {"logo_url": "https://acme.test/logo.svg"}
    assert (await client.patch("/api/v2/branding", json=own, headers=acme)).json() == own
    assert (await client.get("/api/v2/branding", headers=admin)).json() == FULL
