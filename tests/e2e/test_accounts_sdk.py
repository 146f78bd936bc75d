"""Users, database connections, mail, verification, reset and logs with the official Auth0
Python SDK against a running Authgate (two workers) that delivers mail to a real SMTP sink."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from auth0.authentication import Database, GetToken
from auth0.authentication.exceptions import Auth0Error
from auth0.management import Auth0
from auth0.management.errors import BadRequestError, ConflictError

from tests.databases import DatabaseFactory
from tests.e2e.server import LiveServer, start_server
from tests.smtp import Received, Sink, SmtpServer, free_port

DATABASE = "Username-Password-Authentication"
REALM = "http://auth0.com/oauth/grant-type/password-realm"
PASSWORD = "Correct-Horse-7-Battery"
NEW_PASSWORD = "Another-Strong-Pass-42"


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer(Sink(), free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def mail_server(
    backend: str,
    database_factories: dict[str, DatabaseFactory],
    tmp_path: Path,
    smtp: SmtpServer,
) -> Iterator[LiveServer]:
    factory = database_factories[backend]
    url = factory.new()
    server = start_server(
        url, tmp_path / "server", extra_env={"AUTHGATE_SMTP_URL": f"smtp://127.0.0.1:{smtp.port}"}
    )
    try:
        yield server
    finally:
        server.stop()
        factory.drop(url)


def _management(server: LiveServer, http: httpx.Client) -> Auth0:
    token = GetToken(
        server.domain, server.client_id, client_secret=server.client_secret, protocol="http"
    ).client_credentials(server.management_audience)
    return Auth0(
        base_url=f"{server.issuer}api/v2",
        token=token["access_token"],
        max_retries=0,
        httpx_client=http,
    )


def _link(message: Received) -> str:
    body = message.message.get_body(preferencelist=("plain",))
    assert body is not None
    match = re.search(r"https?://\S+ticket=[A-Za-z0-9_-]+#?", body.get_content())
    assert match, body.get_content()
    return match.group(0)


def _path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def test_signup_verify_reset_and_login_with_the_sdk(
    mail_server: LiveServer, smtp: SmtpServer
) -> None:
    server, sink = mail_server, smtp.sink
    with (
        httpx.Client(timeout=30) as http,
        httpx.Client(base_url=server.issuer.rstrip("/"), timeout=30) as browser,
    ):
        management = _management(server, http)
        app = management.clients.create(
            name="Mobile", app_type="native", grant_types=["authorization_code", "password", REALM]
        )
        database = next(c for c in management.connections.list() if c.name == DATABASE)
        assert app.client_id in (database.enabled_clients or [])

        signup = Database(server.domain, app.client_id, protocol="http").signup(
            email="Grace@Example.test",
            password=PASSWORD,
            connection=DATABASE,
            given_name="Grace",
            user_metadata={"team": "navy"},
        )
        assert signup["email"] == "grace@example.test"
        assert signup["email_verified"] is False
        user_id = f"auth0|{signup['_id']}"

        verification = sink.wait_for_sync(1)[0]
        assert verification.rcpt_tos == ["grace@example.test"]
        page = browser.get(_path(_link(verification)))
        assert page.status_code == 200
        assert management.users.get(user_id).email_verified is True
        welcome = sink.wait_for_sync(2)[1]
        assert "grace@example.test" in welcome.rcpt_tos

        login = GetToken(server.domain, app.client_id, protocol="http")
        tokens = login.login(
            "grace@example.test", PASSWORD, realm=DATABASE, scope="openid profile email"
        )
        assert tokens["id_token"]

        message = Database(server.domain, app.client_id, protocol="http").change_password(
            email="grace@example.test", connection=DATABASE
        )
        assert message == "We've just sent you an email to reset your password."
        reset = sink.wait_for_sync(3)[2]
        first = browser.get(_path(_link(reset)))
        assert first.status_code == 303
        form = browser.get("/u/reset-password")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
        assert csrf
        done = browser.post(
            "/u/reset-password",
            data={
                "csrf_token": csrf.group(1),
                "password": NEW_PASSWORD,
                "re-enter-password": NEW_PASSWORD,
                "action": "default",
            },
        )
        assert done.status_code == 200, done.text
        sink.wait_for_sync(4)  # the "password changed" notice

        with pytest.raises(Auth0Error) as wrong:
            login.login("grace@example.test", PASSWORD, realm=DATABASE)
        assert wrong.value.error_code == "invalid_grant"
        assert login.login("grace@example.test", NEW_PASSWORD, realm=DATABASE)["access_token"]

        management.users.update(user_id, blocked=True)
        with pytest.raises(Auth0Error) as blocked:
            login.login("grace@example.test", NEW_PASSWORD, realm=DATABASE)
        assert blocked.value.error_code == "access_denied"

        unknown = Database(server.domain, app.client_id, protocol="http").change_password(
            email="nobody@example.test", connection=DATABASE
        )
        assert unknown == message


def test_management_of_users_and_connections_with_the_sdk(
    mail_server: LiveServer, smtp: SmtpServer
) -> None:
    server = mail_server
    with httpx.Client(timeout=30) as http:
        management = _management(server, http)
        created = management.users.create(
            connection=DATABASE,
            email="ada@example.test",
            password=PASSWORD,
            app_metadata={"plan": "gold"},
            user_metadata={"theme": "dark"},
        )
        assert created.user_id
        assert created.user_id.startswith("auth0|")
        smtp.sink.wait_for_sync(1)
        with pytest.raises(ConflictError):
            management.users.create(
                connection=DATABASE, email="ADA@example.test", password=PASSWORD
            )
        with pytest.raises(BadRequestError) as weak:
            management.users.create(connection=DATABASE, email="weak@example.test", password="weak")
        assert weak.value.body["errorCode"] == "PasswordStrengthError"

        updated = management.users.update(
            created.user_id, user_metadata={"theme": None, "lang": "fr"}
        )
        assert updated.user_metadata == {"lang": "fr"}
        found = list(management.users.list(q='app_metadata.plan:"gold"', search_engine="v3"))
        assert [u.user_id for u in found] == [created.user_id]
        by_email = management.users.list_users_by_email(email="Ada@Example.test")
        assert [u.user_id for u in by_email] == [created.user_id]

        ticket = management.tickets.change_password(user_id=created.user_id, ttl_sec=600)
        assert ticket.ticket
        assert ticket.ticket.startswith(f"{server.issuer}u/reset-password")
        verify = management.tickets.verify_email(user_id=created.user_id)
        assert verify.ticket
        assert "u/email-verification" in verify.ticket
        job = management.jobs.verification_email.create(user_id=created.user_id)
        assert job.type == "verification_email"
        assert management.jobs.get(job.id).status == "completed"

        blocks = management.user_blocks.list_by_identifier(identifier="ada@example.test")
        assert blocks.blocked_for == []

        connection = management.connections.create(
            name="partners",
            strategy="auth0",
            options={"passwordPolicy": "excellent", "requires_username": True},
        )
        assert connection.id
        assert connection.id.startswith("con_")
        assert management.connections.get(connection.id).name == "partners"
        management.connections.delete(connection.id)

        logs = list(management.logs.list(search="type:sapi", per_page=50))
        assert logs
        assert all(event.type == "sapi" for event in logs)
        one = management.logs.get(logs[0].log_id or "")
        assert one.type == "sapi"

        management.users.delete(created.user_id)
