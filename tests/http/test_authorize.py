"""The authorization code flow through the hosted login page (RFC 6749 §4.1, RFC 7636,
OpenID Connect Core §3.1, RFC 9207), with its error paths."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from authgate.logs.models import LogEvent
from tests.databases import ISSUER
from tests.http.authorize_helpers import (
    CALLBACK,
    Pkce,
    authorize_params,
    claims,
    csrf_of,
    exchange,
    login_through_pages,
    query,
    spa,
    state_of,
)
from tests.users_factories import GOOD_PASSWORD, create_user


async def test_code_flow_with_pkce_issues_tokens(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    app = await spa(client, admin)
    user = await create_user(client, admin)
    pkce = Pkce.new()
    params = authorize_params(app, pkce)
    final = await login_through_pages(client, params, user["email"])
    assert final.status_code == 302, final.text
    location = final.headers["location"]
    assert location.startswith(CALLBACK + "?")
    answer = query(location)
    assert answer["state"] == params["state"]
    assert answer["iss"] == ISSUER
    tokens = await exchange(client, app, answer["code"], pkce.verifier)
    assert tokens.status_code == 200, tokens.text
    body = tokens.json()
    assert tokens.headers["cache-control"] == "no-store"
    id_token = claims(body["id_token"])
    assert id_token["sub"] == user["user_id"]
    assert id_token["aud"] == app["client_id"]
    assert id_token["nonce"] == params["nonce"]
    assert id_token["email"] == user["email"]
    assert "sid" in id_token
    assert "auth_time" in id_token
    assert body["refresh_token"]
    assert body["access_token"].count(".") != 2  # opaque: only for /userinfo


async def test_an_active_session_skips_the_login_page(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    app = await spa(client, admin)
    user = await create_user(client, admin)
    await login_through_pages(client, authorize_params(app, Pkce.new()), user["email"])
    again = await client.get("/authorize", params=authorize_params(app, Pkce.new()))
    assert again.status_code == 302
    assert "code" in query(again.headers["location"])
    login = await client.get("/authorize", params=authorize_params(app, Pkce.new(), prompt="login"))
    assert login.headers["location"].startswith("/u/login?")


async def test_prompt_none_without_a_session_answers_login_required(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    app = await spa(client, admin)
    params = authorize_params(app, Pkce.new(), prompt="none")
    response = await client.get("/authorize", params=params)
    assert response.status_code == 302
    answer = query(response.headers["location"])
    assert answer["error"] == "login_required"
    assert answer["state"] == params["state"]
    assert answer["iss"] == ISSUER


async def _tokens(
    client: httpx.AsyncClient, admin: dict[str, str], **app_fields: object
) -> tuple[dict[str, object], dict[str, object], dict[str, object]]:
    app = await spa(client, admin, **app_fields)
    user = await create_user(client, admin)
    pkce = Pkce.new()
    final = await login_through_pages(client, authorize_params(app, pkce), user["email"])
    tokens = await exchange(client, app, query(final.headers["location"])["code"], pkce.verifier)
    assert tokens.status_code == 200, tokens.text
    return app, user, tokens.json()


async def test_a_replayed_code_is_refused_and_revokes_its_refresh_token(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    app = await spa(client, admin)
    user = await create_user(client, admin)
    pkce = Pkce.new()
    final = await login_through_pages(client, authorize_params(app, pkce), user["email"])
    code = query(final.headers["location"])["code"]
    first = await exchange(client, app, code, pkce.verifier)
    assert first.status_code == 200
    replay = await exchange(client, app, code, pkce.verifier)
    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_grant"
    refreshed = await client.post(
        "/oauth/token",
        data={
            "grant_type": "refresh_token",
            "client_id": app["client_id"],
            "refresh_token": first.json()["refresh_token"],
        },
    )
    assert refreshed.status_code == 400
    assert refreshed.json()["error"] == "invalid_grant"


async def test_concurrent_redemptions_give_exactly_one_success(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    app = await spa(client, admin)
    user = await create_user(client, admin)
    pkce = Pkce.new()
    final = await login_through_pages(client, authorize_params(app, pkce), user["email"])
    code = query(final.headers["location"])["code"]
    answers = await asyncio.gather(*(exchange(client, app, code, pkce.verifier) for _ in range(5)))
    assert sorted(answer.status_code for answer in answers) == [200, 400, 400, 400, 400]


async def test_pkce_downgrade_and_wrong_verifier_are_refused_without_burning_the_code(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    app = await spa(client, admin)
    user = await create_user(client, admin)
    pkce = Pkce.new()
    final = await login_through_pages(client, authorize_params(app, pkce), user["email"])
    code = query(final.headers["location"])["code"]
    wrong = await exchange(client, app, code, Pkce.new().verifier)
    assert wrong.status_code == 400
    assert wrong.json()["error"] == "invalid_grant"
    right = await exchange(client, app, code, pkce.verifier)
    assert right.status_code == 200, "a thief without the verifier cannot burn the code"


async def test_plain_pkce_and_missing_challenge_are_refused_at_the_client(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    app = await spa(client, admin)
    pkce = Pkce.new()
    plain = authorize_params(app, pkce, code_challenge_method="plain")
    response = await client.get("/authorize", params=plain)
    assert query(response.headers["location"])["error"] == "invalid_request"
    missing = authorize_params(app, pkce)
    del missing["code_challenge"], missing["code_challenge_method"]
    response = await client.get("/authorize", params=missing)
    assert query(response.headers["location"])["error"] == "invalid_request"


@pytest.mark.parametrize(
    "redirect_uri",
    [
        CALLBACK + "/",
        CALLBACK + "?x=1",
        CALLBACK.upper(),
        "https://app.example.test.evil.test/callback",
        "https://evil.test/callback",
        CALLBACK + "#frag",
    ],
)
async def test_redirect_uri_mutations_get_an_error_page_never_a_redirect(
    client: httpx.AsyncClient, admin: dict[str, str], redirect_uri: str
) -> None:
    app = await spa(client, admin)
    params = authorize_params(app, Pkce.new(), redirect_uri=redirect_uri)
    response = await client.get("/authorize", params=params)
    assert response.status_code == 400
    assert "location" not in response.headers
    assert response.headers["content-type"].startswith("text/html")


async def test_unknown_client_gets_an_error_page(client: httpx.AsyncClient) -> None:
    response = await client.get("/authorize", params={"client_id": "nope", "response_type": "code"})
    assert response.status_code == 400
    assert "location" not in response.headers


async def test_a_repeated_parameter_is_an_invalid_request(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    app = await spa(client, admin)
    params = [*authorize_params(app, Pkce.new()).items(), ("scope", "openid")]
    response = await client.get("/authorize", params=params)
    assert response.status_code == 302
    assert query(response.headers["location"])["error"] == "invalid_request"


async def test_no_cors_on_authorize(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    app = await spa(client, admin)
    response = await client.get(
        "/authorize",
        params=authorize_params(app, Pkce.new()),
        headers={"Origin": "https://app.example.test"},
    )
    assert "access-control-allow-origin" not in response.headers


async def test_refresh_tokens_rotate_and_reuse_revokes_the_family(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    rotating = {"rotation_type": "rotating", "expiration_type": "expiring", "leeway": 0}
    app, _, tokens = await _tokens(client, admin, refresh_token=rotating)

    async def refresh(token: object) -> httpx.Response:
        return await client.post(
            "/oauth/token",
            data={
                "grant_type": "refresh_token",
                "client_id": str(app["client_id"]),
                "refresh_token": str(token),
            },
        )

    first = await refresh(tokens["refresh_token"])
    assert first.status_code == 200, first.text
    second_token = first.json()["refresh_token"]
    assert second_token != tokens["refresh_token"]
    assert claims(first.json()["id_token"])["aud"] == app["client_id"]
    reuse = await refresh(tokens["refresh_token"])
    assert reuse.status_code == 400
    assert reuse.json()["error"] == "invalid_grant"
    after = await refresh(second_token)
    assert after.status_code == 400, "the whole family is revoked"


async def test_refresh_can_narrow_but_not_widen_the_scope(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    app, _, tokens = await _tokens(client, admin)
    body = {
        "grant_type": "refresh_token",
        "client_id": str(app["client_id"]),
        "refresh_token": str(tokens["refresh_token"]),
    }
    narrowed = await client.post("/oauth/token", data={**body, "scope": "openid email"})
    assert narrowed.status_code == 200, narrowed.text
    assert narrowed.json()["scope"] == "openid email"
    widened = await client.post("/oauth/token", data={**body, "scope": "openid phone"})
    assert widened.status_code == 400
    assert widened.json()["error"] == "invalid_scope"


async def test_userinfo_and_revocation(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    app, user, tokens = await _tokens(client, admin)
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    info = await client.get("/userinfo", headers=bearer)
    assert info.status_code == 200, info.text
    assert info.json()["sub"] == user["user_id"]
    assert info.json()["email"] == user["email"]
    posted = await client.post("/userinfo", headers=bearer)
    assert posted.json() == info.json()
    forged = await client.get("/userinfo", headers={"Authorization": "Bearer v1.AAAA"})
    assert forged.status_code == 401
    assert 'error="invalid_token"' in forged.headers["www-authenticate"]
    revoked = await client.post(
        "/oauth/revoke", data={"client_id": app["client_id"], "token": tokens["refresh_token"]}
    )
    assert revoked.status_code == 200
    refresh = await client.post(
        "/oauth/token",
        data={
            "grant_type": "refresh_token",
            "client_id": str(app["client_id"]),
            "refresh_token": str(tokens["refresh_token"]),
        },
    )
    assert refresh.status_code == 400


async def test_blocked_user_cannot_refresh(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    app, user, tokens = await _tokens(client, admin)
    await client.patch(f"/api/v2/users/{user['user_id']}", json={"blocked": True}, headers=admin)
    refresh = await client.post(
        "/oauth/token",
        data={
            "grant_type": "refresh_token",
            "client_id": str(app["client_id"]),
            "refresh_token": str(tokens["refresh_token"]),
        },
    )
    assert refresh.status_code == 403
    assert refresh.json()["error"] == "access_denied"


async def _log_types(app: FastAPI) -> list[str]:
    await app.state.services.logs.flush()
    async with app.state.services.db.unit_of_work(write=False) as session:
        rows = (await session.execute(select(LogEvent.type).order_by(LogEvent.log_id))).all()
    return [row[0] for row in rows]


async def test_each_step_is_logged(
    client: httpx.AsyncClient, admin: dict[str, str], app: FastAPI
) -> None:
    application, _, tokens = await _tokens(client, admin)
    body = {
        "grant_type": "refresh_token",
        "client_id": str(application["client_id"]),
        "refresh_token": str(tokens["refresh_token"]),
    }
    assert (await client.post("/oauth/token", data=body)).status_code == 200
    bad = {**body, "refresh_token": "not-a-token"}
    assert (await client.post("/oauth/token", data=bad)).status_code == 400
    params = authorize_params(application, Pkce.new(), prompt="login")
    await client.get("/authorize", params=params)
    page = await client.get("/u/login", params={"state": "expired"})
    assert page.status_code == 400
    types = await _log_types(app)
    for expected in ("s", "seacft", "sertft", "fertft"):
        assert expected in types, (expected, types)
    assert types.index("s") < types.index("seacft") < types.index("sertft")


async def test_a_wrong_password_on_the_login_page_is_logged_and_shown(
    client: httpx.AsyncClient, admin: dict[str, str], app: FastAPI
) -> None:
    application = await spa(client, admin)
    user = await create_user(client, admin)
    response = await client.get("/authorize", params=authorize_params(application, Pkce.new()))
    page = await client.get(response.headers["location"])
    posted = await client.post(
        "/u/login",
        data={
            "state": state_of(page.text),
            "csrf_token": csrf_of(page.text),
            "username": user["email"],
            "password": "wrong-password",
            "action": "default",
        },
    )
    assert posted.status_code == 400
    assert "Wrong email or password." in posted.text
    assert 'aria-invalid="true"' in posted.text
    assert "fp" in await _log_types(app)


async def test_the_login_form_refuses_a_missing_csrf_token(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    application = await spa(client, admin)
    user = await create_user(client, admin)
    response = await client.get("/authorize", params=authorize_params(application, Pkce.new()))
    page = await client.get(response.headers["location"])
    posted = await client.post(
        "/u/login",
        data={"state": state_of(page.text), "username": user["email"], "password": "x"},
    )
    assert posted.status_code == 400
    assert "set-cookie" not in posted.headers or "authgate_session" not in posted.headers.get(
        "set-cookie", ""
    )


async def test_login_pages_carry_the_security_headers(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    application = await spa(client, admin)
    response = await client.get("/authorize", params=authorize_params(application, Pkce.new()))
    page = await client.get(response.headers["location"])
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["referrer-policy"] == "same-origin"  # nothing sent to other origins
    assert 'name="username"' in page.text
    assert 'name="action" value="default"' in page.text


async def test_forged_forwarded_headers_do_not_change_the_iss_parameter(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    application = await spa(client, admin)
    params = authorize_params(application, Pkce.new(), prompt="none")
    forged = {"X-Forwarded-Host": "evil.test", "X-Forwarded-Proto": "https"}
    response = await client.get("/authorize", params=params, headers=forged)
    assert query(response.headers["location"])["iss"] == ISSUER


async def test_the_session_cookie_is_http_only_lax_and_renewed_at_login(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    application = await spa(client, admin)
    user = await create_user(client, admin)
    client.cookies.set("authgate_session", "planted-by-an-attacker", domain="authgate.test")
    response = await client.get("/authorize", params=authorize_params(application, Pkce.new()))
    page = await client.get(response.headers["location"])
    posted = await client.post(
        "/u/login",
        data={
            "state": state_of(page.text),
            "csrf_token": csrf_of(page.text),
            "username": user["email"],
            "password": GOOD_PASSWORD,
            "action": "default",
        },
    )
    cookie = posted.headers["set-cookie"]
    assert "authgate_session=" in cookie
    assert "planted-by-an-attacker" not in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie or "samesite=lax" in cookie.lower()


async def test_form_post_and_web_message_response_modes(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    application = await spa(client, admin)
    user = await create_user(client, admin)
    await login_through_pages(client, authorize_params(application, Pkce.new()), user["email"])
    form = await client.get(
        "/authorize", params=authorize_params(application, Pkce.new(), response_mode="form_post")
    )
    assert form.status_code == 200
    assert f'action="{CALLBACK}"' in form.text
    assert 'name="code"' in form.text
    assert 'name="iss"' in form.text
    assert "form-action https://app.example.test" in form.headers["content-security-policy"]
    message = await client.get(
        "/authorize",
        params=authorize_params(application, Pkce.new(), response_mode="web_message"),
    )
    assert message.status_code == 200
    assert '"origin": "https://app.example.test"' in message.text
    assert '"code": "' in message.text
    assert "/u/static/web_message.js" in message.text
    assert "frame-ancestors https://app.example.test" in message.headers["content-security-policy"]
    assert "x-frame-options" not in message.headers


async def test_web_message_to_an_origin_that_is_not_allowed_is_refused(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    application = await spa(client, admin, web_origins=[])
    params = authorize_params(application, Pkce.new(), response_mode="web_message")
    response = await client.get("/authorize", params=params)
    assert response.status_code == 302
    assert query(response.headers["location"])["error"] == "invalid_request"


async def test_confidential_clients_need_pkce_unless_the_tenant_relaxes_it(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    web = await spa(
        client, admin, app_type="regular_web", token_endpoint_auth_method="client_secret_post"
    )
    user = await create_user(client, admin)
    params = authorize_params(web, Pkce.new())
    del params["code_challenge"], params["code_challenge_method"]
    refused = await client.get("/authorize", params=params)
    assert query(refused.headers["location"])["error"] == "invalid_request"
    flags = {"flags": {"require_pkce_for_confidential_clients": False}}
    patched = await client.patch("/api/v2/tenants/settings", json=flags, headers=admin)
    assert patched.status_code == 200, patched.text
    final = await login_through_pages(client, params, user["email"])
    code = query(final.headers["location"])["code"]
    body = {
        "grant_type": "authorization_code",
        "client_id": web["client_id"],
        "client_secret": web["client_secret"],
        "code": code,
        "redirect_uri": CALLBACK,
    }
    downgrade = await client.post("/oauth/token", data={**body, "code_verifier": "x" * 43})
    assert downgrade.status_code == 400, "a verifier for a code without a challenge is refused"
    tokens = await client.post("/oauth/token", data=body)
    assert tokens.status_code == 200, tokens.text
    public = await spa(client, admin)
    public_params = authorize_params(public, Pkce.new())
    del public_params["code_challenge"], public_params["code_challenge_method"]
    still = await client.get("/authorize", params=public_params)
    assert query(still.headers["location"])["error"] == "invalid_request"


async def test_third_party_applications_ask_for_consent(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    third = await spa(client, admin, is_first_party=False)
    user = await create_user(client, admin)
    params = authorize_params(third, Pkce.new())
    after_login = await login_through_pages(client, params, user["email"])
    assert after_login.status_code == 302
    assert after_login.headers["location"].startswith("/u/consent?state=")
    page = await client.get(after_login.headers["location"])
    assert page.status_code == 200
    assert "Confirm your identity" in page.text
    silent = await client.get(
        "/authorize", params=authorize_params(third, Pkce.new(), prompt="none")
    )
    assert query(silent.headers["location"])["error"] == "consent_required"
    declined = await client.post(
        "/u/consent",
        data={"state": state_of(page.text), "csrf_token": csrf_of(page.text), "action": "deny"},
    )
    denied = await client.get(declined.headers["location"])
    answer = query(denied.headers["location"])
    assert answer["error"] == "access_denied"
    assert answer["state"] == params["state"]
    accepted = await client.post(
        "/u/consent",
        data={"state": state_of(page.text), "csrf_token": csrf_of(page.text), "action": "accept"},
    )
    granted = await client.get(accepted.headers["location"])
    assert "code" in query(granted.headers["location"])
