"""Hosted pages with a tenant's branding: logo, favicon, the tenant stylesheet and a custom
universal-login page template rendered as untrusted text."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi import FastAPI

from tests.api.management_tokens import second_tenant
from tests.users_factories import create_user

BAD_LINK = "/u/email-verification?ticket=bad"
TEMPLATE_PATH = "/api/v2/branding/templates/universal-login"
BRANDING = {
    "colors": {
        "primary": "#ffd43b",
        "page_background": {
            "type": "linear-gradient",
            "start": "#ffffff",
            "end": "#000",
            "angle_deg": 35,
        },
    },
    "logo_url": "https://cdn.acme.example/logo.png",
    "favicon_url": "https://icons.acme.example/favicon.ico",
    "font": {"url": 'https://fonts.acme.example/a"b).woff2'},
}
TEMPLATE = (
    '<!DOCTYPE html>{% assign resolved_dir = dir | default: "auto" %}'
    '<html lang="{{ locale }}" dir="{{ resolved_dir }}" class="acme-page">'
    "<head>{%- auth0:head -%}</head><body>"
    '<header class="acme">{{ tenant.friendly_name }} {{ prompt.name }}/{{ prompt.screen.name }}'
    "{% if branding.logo_url %} logo{% endif %}</header>{%- auth0:widget -%}</body></html>"
)
NEW_PASSWORD = "Another-Strong-Pass-42"


async def _brand(client: httpx.AsyncClient, admin: dict[str, str], **extra: object) -> None:
    response = await client.patch("/api/v2/branding", json={**BRANDING, **extra}, headers=admin)
    assert response.status_code == 200, response.text


async def _template(client: httpx.AsyncClient, admin: dict[str, str], template: str) -> None:
    response = await client.put(TEMPLATE_PATH, json={"template": template}, headers=admin)
    assert response.status_code in (201, 204), response.text


async def test_pages_show_the_logo_favicon_and_stylesheet(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    plain = await client.get(BAD_LINK)
    assert 'class="tenant"' in plain.text
    assert "branding.css" not in plain.text
    assert "img-src 'self' data:;" in plain.headers["content-security-policy"]
    await _brand(client, admin)
    page = await client.get(BAD_LINK)
    assert page.status_code == 400
    assert '<img class="logo" src="https://cdn.acme.example/logo.png" alt="default">' in page.text
    assert '<link rel="icon" href="https://icons.acme.example/favicon.ico">' in page.text
    assert re.search(r'<link rel="stylesheet" href="/u/branding.css\?v=[0-9a-f]{16}">', page.text)
    policy = page.headers["content-security-policy"]
    assert "img-src 'self' data: https://cdn.acme.example https://icons.acme.example;" in policy
    assert "font-src 'self' https://fonts.acme.example;" in policy
    assert "style-src 'self';" in policy
    assert "frame-ancestors 'none'" in policy
    assert "style=" not in page.text
    assert "<style" not in page.text


async def test_tenant_stylesheet(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    empty = await client.get("/u/branding.css")
    assert empty.status_code == 200
    assert "no tenant styles" in empty.text
    await _brand(client, admin)
    page = await client.get(BAD_LINK)
    link = re.search(r'href="(/u/branding.css\?v=([0-9a-f]+))"', page.text)
    assert link
    css = await client.get(link.group(1))
    assert css.headers["content-type"].startswith("text/css")
    assert css.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert "--accent: #ffd43b;" in css.text
    assert "--accent-text: #000000;" in css.text, "black text contrasts more on yellow"
    assert "--page-background: linear-gradient(35deg, #ffffff, #000);" in css.text
    assert 'src: url("https://fonts.acme.example/a\\22 b).woff2")' in css.text
    unversioned = await client.get("/u/branding.css")
    assert unversioned.headers["cache-control"] == "no-cache"
    etag = unversioned.headers["etag"]
    again = await client.get("/u/branding.css", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    await client.patch("/api/v2/branding", json={"colors": {"primary": "#1c3d5a"}}, headers=admin)
    changed = await client.get("/u/branding.css", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert "--accent-text: #ffffff;" in changed.text
    assert link.group(2) not in (await client.get(BAD_LINK)).text


async def test_custom_template_wraps_the_email_verification_page(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    await _brand(client, admin)
    await _template(client, admin, TEMPLATE)
    page = await client.get(BAD_LINK)
    assert page.status_code == 400
    assert page.text.startswith('<!DOCTYPE html><html lang="en" dir="auto" class="acme-page">')
    head = page.text[page.text.index("<head>") : page.text.index("</head>")]
    assert "<title>Email verification failed</title>" in head
    assert '<link rel="stylesheet" href="/u/static/authgate.css">' in head
    body = page.text[page.text.index("<body>") :]
    assert '<header class="acme">default email-verification/email-verification-result logo' in body
    assert '<main class="card"' in body
    assert "Email verification failed" in body
    assert '<img class="logo" src="https://cdn.acme.example/logo.png"' in body
    assert page.headers["x-frame-options"] == "DENY"
    deleted = await client.delete(TEMPLATE_PATH, headers=admin)
    assert deleted.status_code == 204
    assert (await client.get(BAD_LINK)).text.startswith("<!doctype html>")


async def test_password_reset_works_inside_the_template(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    await _template(client, admin, TEMPLATE)
    user = await create_user(client, admin)
    ticket = await client.post(
        "/api/v2/tickets/password-change", json={"user_id": user["user_id"]}, headers=admin
    )
    link = urlsplit(ticket.json()["ticket"])
    assert (await client.get(f"{link.path}?{link.query}")).status_code == 303
    form = await client.get("/u/reset-password")
    assert form.status_code == 200
    assert "default reset-password/reset-password" in form.text
    tokens = re.findall(r'name="csrf_token" value="([^"]+)"', form.text)
    assert len(tokens) == 1, "the widget, and its form, is rendered once"
    done = await client.post(
        "/u/reset-password",
        data={"csrf_token": tokens[0], "password": NEW_PASSWORD, "re-enter-password": NEW_PASSWORD},
    )
    assert done.status_code == 200
    assert "default reset-password/reset-password-success" in done.text
    assert "Password changed" in done.text


async def test_the_template_cannot_reach_server_objects(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    probes = (
        "[{{ ''.__class__ }}][{{ tenant.__class__ }}][{{ csrf_token }}][{{ page_layout }}]"
        "[{{ tenant.id }}][{{ tenant.issuer }}][{{ request }}][{{ services }}]"
    )
    await _template(client, admin, TEMPLATE.replace("<body>", f"<body>{probes}"))
    await client.patch(
        "/api/v2/tenants/settings", json={"friendly_name": "<script>x</script>"}, headers=admin
    )
    page = await client.get(BAD_LINK)
    assert "[][][][][][][][]" in page.text
    assert "&lt;script&gt;x&lt;/script&gt;" in page.text
    assert "<script>x" not in page.text


@pytest.mark.parametrize(
    "inserted",
    [
        pytest.param("{{ branding.logo_url }}" * 4000, id="output over 1 MB"),
        pytest.param("{% if tenant.name < 3 %}x{% endif %}", id="error while rendering"),
    ],
)
async def test_a_template_that_fails_to_render_falls_back(
    client: httpx.AsyncClient, admin: dict[str, str], inserted: str
) -> None:
    await _brand(client, admin, logo_url="https://cdn.acme.example/" + "l" * 2000)
    await _template(client, admin, TEMPLATE.replace("<body>", f"<body>{inserted}"))
    page = await client.get(BAD_LINK)
    assert page.status_code == 400
    assert page.text.startswith("<!doctype html>")
    assert "acme-page" not in page.text
    assert "Email verification failed" in page.text


async def test_tenants_pages_show_their_own_branding(
    app: FastAPI, client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    acme = await second_tenant(app, client)
    await _brand(client, admin)
    await _template(client, admin, TEMPLATE)
    other = await client.get(BAD_LINK, headers={"Host": acme["Host"]})
    assert other.status_code == 400
    assert other.text.startswith("<!doctype html>")
    assert 'class="tenant">acme<' in other.text
    assert "cdn.acme.example" not in other.text
    assert (
        "no tenant styles"
        in (await client.get("/u/branding.css", headers={"Host": acme["Host"]})).text
    )
