"""``/api/v2/prompts`` and ``/api/v2/prompts/{prompt}/custom-text/{language}``."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from tests.api.management_tokens import error, scoped, second_tenant

DEFAULTS = {
    "universal_login_experience": "new",
    "identifier_first": False,
    "webauthn_platform_first_factor": False,
}
LOGIN_EN = "/api/v2/prompts/login/custom-text/en"
TEXTS = {
    "login": {"title": "Welcome back", "description": "Log in to ${companyName}"},
    "login-password": {"buttonText": "Continue"},
}


async def test_settings_default_and_patch(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    assert (await client.get("/api/v2/prompts", headers=admin)).json() == DEFAULTS
    patch = {"identifier_first": True, "universal_login_experience": "classic"}
    expected = {**DEFAULTS, **patch}
    assert (await client.patch("/api/v2/prompts", json=patch, headers=admin)).json() == expected
    assert (await client.get("/api/v2/prompts", headers=admin)).json() == expected
    flag = {"webauthn_platform_first_factor": True}
    assert (await client.patch("/api/v2/prompts", json=flag, headers=admin)).json() == {
        **expected,
        **flag,
    }
    reset = {"identifier_first": None, "webauthn_platform_first_factor": None}
    body = (await client.patch("/api/v2/prompts", json=reset, headers=admin)).json()
    assert body == {**DEFAULTS, "universal_login_experience": "classic"}


@pytest.mark.parametrize(
    ("patch", "message"),
    [
        ({}, "Too few properties defined (0), minimum 1"),
        ({"universal_login_experience": "modern"}, "universal_login_experience"),
        ({"universal_login_experience": None}, "universal_login_experience"),
        ({"identifier_first": "true"}, "identifier_first"),
        ({"identifier_first": 1}, "identifier_first"),
        ({"login_experience": "new"}, "login_experience"),
    ],
)
async def test_invalid_settings_are_400(
    client: httpx.AsyncClient, admin: dict[str, str], patch: dict[str, object], message: str
) -> None:
    response = await client.patch("/api/v2/prompts", json=patch, headers=admin)
    assert error(response) == (400, "invalid_body")
    assert message in response.json()["message"]
    assert (await client.get("/api/v2/prompts", headers=admin)).json() == DEFAULTS


async def test_custom_text_replace_and_read(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    assert (await client.get(LOGIN_EN, headers=admin)).json() == {}
    response = await client.put(LOGIN_EN, json=TEXTS, headers=admin)
    assert response.status_code == 200, response.text
    assert (await client.get(LOGIN_EN, headers=admin)).json() == TEXTS
    assert (await client.get("/api/v2/prompts/login/custom-text/fr", headers=admin)).json() == {}
    assert (await client.get("/api/v2/prompts/signup/custom-text/en", headers=admin)).json() == {}
    replacement = {"login": {"title": "Hello"}}
    await client.put(LOGIN_EN, json=replacement, headers=admin)
    assert (await client.get(LOGIN_EN, headers=admin)).json() == replacement
    await client.put(LOGIN_EN, json={}, headers=admin)
    assert (await client.get(LOGIN_EN, headers=admin)).json() == {}


@pytest.mark.parametrize(
    ("path", "where"),
    [
        ("/api/v2/prompts/sign-in/custom-text/en", "property prompt"),
        ("/api/v2/prompts/login/custom-text/xx", "property language"),
        ("/api/v2/prompts/login/custom-text/EN", "property language"),
    ],
)
async def test_unknown_prompt_or_language_is_400(
    client: httpx.AsyncClient, admin: dict[str, str], path: str, where: str
) -> None:
    for response in (
        await client.get(path, headers=admin),
        await client.put(path, json=TEXTS, headers=admin),
    ):
        assert error(response) == (400, "invalid_uri")
        assert response.json()["message"].startswith("Path validation error")
        assert where in response.json()["message"]


@pytest.mark.parametrize(
    "body",
    [
        {"login": {"title": 5}},
        {"login": "Welcome"},
        {"login": {"bad key": "x"}},
        {"login": {"title": "x" * 10_001}},
        ["login"],
        {f"screen{n}": {"k": "v"} for n in range(101)},
    ],
)
async def test_invalid_custom_text_is_400(
    client: httpx.AsyncClient, admin: dict[str, str], body: object
) -> None:
    response = await client.put(LOGIN_EN, json=body, headers=admin)
    assert error(response) == (400, "invalid_body")
    assert (await client.get(LOGIN_EN, headers=admin)).json() == {}


async def test_scopes(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    reader = await scoped(client, admin, "read:prompts")
    writer = await scoped(client, admin, "update:prompts")
    branding = await scoped(client, admin, "read:branding", "update:branding")
    assert (await client.get("/api/v2/prompts", headers=reader)).status_code == 200
    assert (await client.get(LOGIN_EN, headers=reader)).status_code == 200
    for refused in (
        await client.patch("/api/v2/prompts", json={"identifier_first": True}, headers=reader),
        await client.put(LOGIN_EN, json=TEXTS, headers=reader),
        await client.get("/api/v2/prompts", headers=writer),
        await client.get(LOGIN_EN, headers=writer),
        await client.get("/api/v2/prompts", headers=branding),
    ):
        assert error(refused) == (403, "insufficient_scope")
    assert (await client.put(LOGIN_EN, json=TEXTS, headers=writer)).status_code == 200


async def test_tenants_do_not_see_each_others_prompts(
    app: FastAPI, client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    acme = await second_tenant(app, client)
    await client.patch("/api/v2/prompts", json={"identifier_first": True}, headers=admin)
    await client.put(LOGIN_EN, json=TEXTS, headers=admin)
    assert (await client.get("/api/v2/prompts", headers=acme)).json() == DEFAULTS
    assert (await client.get(LOGIN_EN, headers=acme)).json() == {}
    services = app.state.services
    tenants = {tenant.name: tenant.id for tenant in await _tenants(app)}
    assert await services.branding.texts(tenants["default"], "login", "en") == TEXTS
    assert await services.branding.texts(tenants["acme"], "login", "en") == {}


async def test_view_and_texts_are_served_from_the_cache(
    app: FastAPI, client: httpx.AsyncClient, admin: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the hosted pages read on each render needs no database once warm."""
    services = app.state.services
    tenant_id = (await _tenants(app))[0].id
    await client.put(LOGIN_EN, json=TEXTS, headers=admin)
    await client.patch("/api/v2/branding", json={"logo_url": "https://a.test/l.png"}, headers=admin)
    await client.patch("/api/v2/prompts", json={"identifier_first": True}, headers=admin)
    texts = await services.branding.texts(tenant_id, "login", "en")
    view = await services.branding.view(tenant_id)
    settings = await services.branding.prompts.current(tenant_id)
    assert settings["identifier_first"] is True

    def no_database(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the database was used")

    monkeypatch.setattr(services.db, "unit_of_work", no_database)
    assert await services.branding.texts(tenant_id, "login", "en") is texts
    assert await services.branding.view(tenant_id) is view
    assert await services.branding.prompts.current(tenant_id) is settings
    assert view.logo_url == "https://a.test/l.png"
    with pytest.raises(TypeError):
        texts["login"]["title"] = "changed"  # type: ignore[index]


async def _tenants(app: FastAPI) -> list[object]:
    services = app.state.services
    async with services.db.unit_of_work(write=False) as session:
        return list(await services.tenants.list_all(session))
