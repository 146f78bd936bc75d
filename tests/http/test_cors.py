"""CORS on the token, revocation and userinfo endpoints for the applications' web origins
(DESIGN §3.4, Fetch "CORS protocol"), as auth0-spa-js needs it: it posts to /oauth/token from
the app's origin with an ``Auth0-Client`` header, so the browser sends a preflight first and
hides every answer, errors included, that lacks ``Access-Control-Allow-Origin``."""

from __future__ import annotations

import httpx

from tests.http.authorize_helpers import (
    WEB_ORIGIN,
    Pkce,
    authorize_params,
    login_through_pages,
    query,
    spa,
)
from tests.users_factories import create_user

ELSEWHERE = "https://elsewhere.example.test"


def _preflight(path: str, origin: str, method: str = "POST") -> dict[str, str]:
    return {
        "Origin": origin,
        "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": "auth0-client,content-type",
    }


async def test_a_preflight_from_an_application_origin_is_allowed(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    await spa(client, admin)
    for path, methods in (
        ("/oauth/token", "POST"),
        ("/oauth/revoke", "POST"),
        ("/userinfo", "GET, POST"),
    ):
        response = await client.options(path, headers=_preflight(path, WEB_ORIGIN))
        assert response.status_code == 204, path
        assert response.headers["access-control-allow-origin"] == WEB_ORIGIN
        assert response.headers["access-control-allow-methods"] == methods
        allowed = response.headers["access-control-allow-headers"].lower()
        assert {"auth0-client", "content-type", "authorization"} <= set(allowed.split(", "))
        assert "access-control-allow-credentials" not in response.headers
        assert response.headers["vary"] == "Origin"


async def test_a_preflight_from_an_unknown_origin_gets_no_cors_headers(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    await spa(client, admin)
    response = await client.options("/oauth/token", headers=_preflight("/", ELSEWHERE))
    assert response.status_code == 403
    assert "access-control-allow-origin" not in response.headers


async def test_a_new_web_origin_is_allowed_as_soon_as_it_is_saved(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    app = await spa(client, admin)
    before = await client.options("/oauth/token", headers=_preflight("/", ELSEWHERE))
    assert before.status_code == 403
    patched = await client.patch(
        f"/api/v2/clients/{app['client_id']}",
        json={"web_origins": [WEB_ORIGIN, ELSEWHERE]},
        headers=admin,
    )
    assert patched.status_code == 200, patched.text
    after = await client.options("/oauth/token", headers=_preflight("/", ELSEWHERE))
    assert after.status_code == 204
    assert after.headers["access-control-allow-origin"] == ELSEWHERE


async def _code(client: httpx.AsyncClient, admin: dict[str, str]) -> tuple[dict[str, str], str]:
    app = await spa(client, admin)
    user = await create_user(client, admin)
    pkce = Pkce.new()
    final = await login_through_pages(client, authorize_params(app, pkce), user["email"])
    return {"client_id": app["client_id"], "verifier": pkce.verifier}, query(
        final.headers["location"]
    )["code"]


async def test_token_answers_are_readable_by_the_application_origin_errors_included(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    app, code = await _code(client, admin)
    body = {
        "grant_type": "authorization_code",
        "client_id": app["client_id"],
        "code": code,
        "redirect_uri": "https://app.example.test/callback",
        "code_verifier": app["verifier"],
    }
    issued = await client.post("/oauth/token", data=body, headers={"Origin": WEB_ORIGIN})
    assert issued.status_code == 200, issued.text
    assert issued.headers["access-control-allow-origin"] == WEB_ORIGIN
    assert issued.headers["vary"] == "Origin"
    replayed = await client.post("/oauth/token", data=body, headers={"Origin": WEB_ORIGIN})
    assert replayed.status_code == 400
    assert replayed.json()["error"] == "invalid_grant"
    assert replayed.headers["access-control-allow-origin"] == WEB_ORIGIN

    refresh = {
        "grant_type": "refresh_token",
        "client_id": app["client_id"],
        "refresh_token": issued.json()["refresh_token"],
    }
    bearer = {"Authorization": f"Bearer {issued.json()['access_token']}", "Origin": WEB_ORIGIN}
    info = await client.get("/userinfo", headers=bearer)
    assert info.headers["access-control-allow-origin"] == WEB_ORIGIN
    revoked = await client.post(
        "/oauth/revoke",
        data={**refresh, "token": refresh["refresh_token"]},
        headers={"Origin": WEB_ORIGIN},
    )
    assert revoked.status_code == 200
    assert revoked.headers["access-control-allow-origin"] == WEB_ORIGIN


async def test_an_origin_of_another_application_cannot_read_token_answers(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    await spa(client, admin, web_origins=[ELSEWHERE])
    app, code = await _code(client, admin)
    body = {
        "grant_type": "authorization_code",
        "client_id": app["client_id"],
        "code": code,
        "redirect_uri": "https://app.example.test/callback",
        "code_verifier": app["verifier"],
    }
    response = await client.post("/oauth/token", data=body, headers={"Origin": ELSEWHERE})
    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers
    unknown = await client.post(
        "/oauth/token", data={**body, "client_id": "nobody"}, headers={"Origin": WEB_ORIGIN}
    )
    assert unknown.status_code == 401
    assert "access-control-allow-origin" not in unknown.headers


async def test_userinfo_errors_are_readable_with_their_challenge(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    await spa(client, admin)
    forged = await client.get(
        "/userinfo", headers={"Authorization": "Bearer v1.AAAA", "Origin": WEB_ORIGIN}
    )
    assert forged.status_code == 401
    assert forged.headers["access-control-allow-origin"] == WEB_ORIGIN
    assert "WWW-Authenticate" in forged.headers["access-control-expose-headers"]
    assert 'error="invalid_token"' in forged.headers["www-authenticate"]


async def test_no_cors_preflight_on_authorize_or_the_login_page(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    await spa(client, admin)
    for path in ("/authorize", "/u/login"):
        response = await client.options(path, headers=_preflight(path, WEB_ORIGIN, "GET"))
        assert "access-control-allow-origin" not in response.headers, path
