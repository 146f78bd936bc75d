"""Delivery through the outbox to a real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from authgate.app import create_app
from authgate.core.clock import FrozenClock
from authgate.services import Services, build_services
from authgate.settings import Settings
from tests.email.conftest import (
    ServerTls,
    Sink,
    SmtpServer,
    enqueue,
    free_port,
    parts,
    stored,
    tenant_id,
    until_status,
)

LINK = "https://authgate.test/u/email-verification?ticket=T0K3N-secret"


@pytest.fixture
def settings_overrides(smtp_server: SmtpServer) -> dict[str, Any]:
    return {"smtp_url": f"smtp://127.0.0.1:{smtp_server.port}?from=accounts@authgate.test"}


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(time.time())


@pytest.fixture
async def worker(settings: Settings, clock: FrozenClock) -> AsyncIterator[Services]:
    """The services of a worker that is not serving (no after-commit attempt, no poller)."""
    built = build_services(settings, clock=clock)
    yield built
    await built.db.dispose()
    built.shared.close()


async def test_mail_is_delivered_after_commit_with_both_parts_and_the_link(
    smtp_server: SmtpServer, services: Services
) -> None:
    smtp_server.start()
    message_id = await enqueue(services, to="ada@example.com")
    assert message_id is not None
    [received] = await smtp_server.sink.wait_for(1)
    mail = received.message
    assert mail["Subject"] == "Verify your email address for default"
    assert mail["To"] == "ada@example.com"
    assert mail["From"] == "default <accounts@authgate.test>"
    assert mail["Message-ID"] == f"<{message_id}@authgate.test>"
    assert mail["Auto-Submitted"] == "auto-generated"
    assert mail["Content-Language"] == "en"
    assert received.mail_from == "accounts@authgate.test"
    assert received.rcpt_tos == ["ada@example.com"]
    text, html = parts(mail)
    assert LINK in text
    assert f'href="{LINK}"' in html
    assert "Hello Ada Lovelace," in text
    assert (await until_status(services, message_id, "sent")).attempts == 1


async def test_nothing_is_sent_when_the_transaction_rolls_back(
    smtp_server: SmtpServer, services: Services
) -> None:
    smtp_server.start()
    tenant = await tenant_id(services)

    async def request_that_fails() -> None:
        async with services.db.unit_of_work(write=True) as session:
            await services.email.enqueue(
                session,
                tenant_id=tenant,
                template="welcome_email",
                to="gone@example.com",
                context={"user": {"email": "gone@example.com"}},
            )
            raise RuntimeError("the business transaction failed")

    with pytest.raises(RuntimeError):
        await request_that_fails()
    async with services.db.unit_of_work(write=False) as session:
        assert await services.email.messages(session, to="gone@example.com") == []
    assert await services.email.deliver_due() == 0
    await asyncio.sleep(0.2)
    assert smtp_server.sink.received == []


async def test_the_tenant_provider_is_used_with_its_login_sender_and_headers(
    smtp_server: SmtpServer, services: Services, client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    smtp_server.start()
    own = SmtpServer(Sink(login=("mailer", "pa:ss w0rd")), free_port())
    own.start()
    try:
        created = await client.post(
            "/api/v2/emails/provider",
            json={
                "name": "smtp",
                "default_from_address": "hello@acme.test",
                "credentials": {
                    "smtp_host": "127.0.0.1",
                    "smtp_port": own.port,
                    "smtp_user": "mailer",
                    "smtp_pass": "pa:ss w0rd",
                },
                "settings": {"headers": {"X-SES-Configuration-Set": "auth"}},
            },
            headers=admin,
        )
        assert created.status_code == 201, created.text
        message_id = str(await enqueue(services, template="reset_email", to="bob@example.com"))
        [received] = await own.sink.wait_for(1)
    finally:
        own.stop()
    assert received.login == "mailer"
    assert received.message["From"] == "default <hello@acme.test>"
    assert received.message["X-SES-Configuration-Set"] == "auth"
    assert received.message["Subject"] == "Reset your default password"
    assert smtp_server.sink.received == []
    assert (await until_status(services, message_id, "sent")).attempts == 1


async def test_a_disabled_provider_falls_back_to_the_deployment_server(
    smtp_server: SmtpServer, services: Services, client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    smtp_server.start()
    body = {
        "name": "smtp",
        "enabled": False,
        "credentials": {"smtp_host": "127.0.0.1", "smtp_port": 9},
    }
    created = await client.post("/api/v2/emails/provider", json=body, headers=admin)
    assert created.status_code == 201
    await enqueue(services)
    assert len(await smtp_server.sink.wait_for(1)) == 1


async def test_a_disabled_template_is_not_queued(
    services: Services, client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    response = await client.post(
        "/api/v2/email-templates",
        json={"template": "welcome_email", "enabled": False},
        headers=admin,
    )
    assert response.status_code == 200, response.text
    assert await enqueue(services, template="welcome_email") is None
    tenant = await tenant_id(services)
    assert not await services.email.is_enabled(tenant, "welcome_email")
    assert await services.email.is_enabled(tenant, "verify_email")
    async with services.db.unit_of_work(write=False) as session:
        assert await services.email.messages(session) == []


async def test_customized_liquid_template_is_rendered_and_escaped(
    smtp_server: SmtpServer, services: Services, client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    smtp_server.start()
    template = {
        "template": "verify_email",
        "syntax": "liquid",
        "from": "{{ friendly_name }} Accounts <accounts@acme.test>",
        "subject": "Confirm {{ user.email }} for {{ application.name }}",
        "body": (
            "<p>Hi {{ user.name }}!</p>"
            "{% if user.user_metadata.lang == 'fr' %}<p>Bonjour</p>"
            "{% elsif user.user_metadata.lang == 'de' %}<p>Hallo</p>{% endif %}"
            "{% unless user.email_verified %}<p>Unverified</p>{% endunless %}"
            '<p><a href="{{ url }}">Confirm</a></p>'
        ),
        "resultUrl": "https://app.acme.test/verified",
        "urlLifetimeInSeconds": 3600,
    }
    response = await client.post("/api/v2/email-templates", json=template, headers=admin)
    assert response.status_code == 200, response.text
    await enqueue(
        services,
        user={
            "email": "eve@example.com",
            "name": "<script>x()</script>",
            "email_verified": False,
            "user_metadata": {"lang": "fr"},
        },
        application={"name": "Acme & Co", "client_id": "abc"},
    )
    [received] = await smtp_server.sink.wait_for(1)
    assert received.message["Subject"] == "Confirm eve@example.com for Acme & Co"
    assert received.message["From"] == "default Accounts <accounts@acme.test>"
    text, html = parts(received.message)
    assert "&lt;script&gt;x()&lt;/script&gt;" in html
    assert "<script>" not in html
    assert "<p>Bonjour</p>" in html
    assert "Hallo" not in html
    assert "<p>Unverified</p>" in html
    assert f"Confirm ({LINK})" in text
    chosen = await services.email.template_settings(await tenant_id(services), "verify_email")
    assert chosen.result_url == "https://app.acme.test/verified"
    assert chosen.url_lifetime_in_seconds == 3600


async def test_a_customized_template_that_fails_falls_back_to_the_built_in_text(
    smtp_server: SmtpServer, services: Services, client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    smtp_server.start()
    body = {"template": "verify_email", "body": "{{ 'ab' * 100000000 }}", "subject": "Custom"}
    created = await client.post("/api/v2/email-templates", json=body, headers=admin)
    assert created.status_code == 200
    await enqueue(services)
    [received] = await smtp_server.sink.wait_for(1)
    assert received.message["Subject"] == "Verify your email address for default"


# -- retries ---------------------------------------------------------------------------------


async def test_retry_with_backoff_while_the_server_is_down_then_delivery(
    smtp_server: SmtpServer, settings: Settings, clock: FrozenClock
) -> None:
    serving = build_services(settings, clock=clock)
    application = create_app(settings, services=serving)
    async with application.router.lifespan_context(application):
        message_id = str(await enqueue(serving))
        failed = await until_status(serving, message_id, "pending", attempts=1)
        assert failed.last_error == "ConnectionRefusedError: connection failed"
        smtp_server.start()
        clock.advance(59)
        assert await serving.email.deliver_due() == 0
        clock.advance(1)
        await serving.email.deliver_due()
        [received] = await smtp_server.sink.wait_for(1)
        assert received.message["Message-ID"].startswith(f"<{message_id}@")
        assert (await until_status(serving, message_id, "sent")).attempts == 2


async def test_five_failed_attempts_with_exponential_backoff_mark_the_message_failed(
    worker: Services, clock: FrozenClock
) -> None:
    message_id = str(await enqueue(worker))
    for attempt, wait_minutes in enumerate((1, 2, 4, 8), start=1):
        assert await worker.email.deliver_due() == 1
        assert (await stored(worker, message_id)).attempts == attempt
        clock.advance(wait_minutes * 60 - 1)
        assert await worker.email.deliver_due() == 0
        clock.advance(1)
    assert await worker.email.deliver_due() == 1
    message = await stored(worker, message_id)
    assert (message.status, message.attempts) == ("failed", 5)
    clock.advance(86400)
    assert await worker.email.deliver_due() == 0


async def test_a_permanent_refusal_fails_at_once(smtp_server: SmtpServer, worker: Services) -> None:
    smtp_server.sink.refuse_with = "550 5.1.1 No such user"
    smtp_server.start()
    message_id = str(await enqueue(worker))
    assert await worker.email.deliver_due() == 1
    message = await stored(worker, message_id)
    assert (message.status, message.attempts) == ("failed", 1)
    assert message.last_error == "recipient refused (550)"


async def test_two_workers_never_send_the_same_message_twice(
    smtp_server: SmtpServer, settings: Settings
) -> None:
    smtp_server.start()
    first, second = build_services(settings), build_services(settings)
    try:
        ids = {str(await enqueue(first, to=f"user{n}@example.com")) for n in range(30)}

        async def drain(worker: Services) -> int:
            total = 0
            while (count := await worker.email.deliver_due()) > 0:
                total += count
            return total

        attempted = await asyncio.gather(drain(first), drain(second), drain(first), drain(second))
    finally:
        for each in (first, second):
            await each.db.dispose()
            each.shared.close()
    received = await smtp_server.sink.wait_for(30)
    await asyncio.sleep(0.2)
    message_ids = [item.message["Message-ID"].strip("<>").split("@")[0] for item in received]
    assert sorted(message_ids) == sorted(ids)
    assert sum(attempted) == 30


# -- TLS -------------------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["smtp", "smtps"])
async def test_starttls_and_implicit_tls_verify_the_server_certificate(
    scheme: str,
    smtp_server: SmtpServer,
    server_tls: ServerTls,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if scheme == "smtps":
        smtp_server.start(ssl_context=server_tls.context)
    else:
        smtp_server.start(tls_context=server_tls.context, require_starttls=True)
    url = SecretStr(f"{scheme}://127.0.0.1:{smtp_server.port}")
    services = build_services(settings.model_copy(update={"smtp_url": url}))
    try:
        untrusted = str(await enqueue(services))
        assert await services.email.deliver_due() == 1
        refused = await stored(services, untrusted)
        assert refused.last_error.startswith("SSLCertVerificationError")
        monkeypatch.setenv("SSL_CERT_FILE", str(server_tls.ca_cert))
        trusted = str(await enqueue(services))
        assert await services.email.deliver_due() == 1
        assert (await stored(services, trusted)).status == "sent"
    finally:
        await services.db.dispose()
        services.shared.close()
    assert [item.rcpt_tos for item in smtp_server.sink.received] == [["ada@example.com"]]


# -- what never reaches the logs -------------------------------------------------------------


async def test_links_bodies_and_passwords_never_reach_the_logs(
    smtp_server: SmtpServer,
    services: Services,
    client: httpx.AsyncClient,
    admin: dict[str, str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    smtp_server.start()
    await enqueue(services, to="first@example.com")
    await smtp_server.sink.wait_for(1)
    provider = {
        "name": "smtp",
        "credentials": {
            "smtp_host": "127.0.0.1",
            "smtp_port": smtp_server.port,
            "smtp_user": "mailer",
            "smtp_pass": "Sup3r-Secret-Pass",
        },
    }
    created = await client.post("/api/v2/emails/provider", json=provider, headers=admin)
    assert created.status_code == 201
    failing = str(await enqueue(services, to="second@example.com"))
    retried = await until_status(services, failing, "pending", attempts=1)
    assert retried.last_error == "authentication failed (535)"
    records = [record for record in caplog.records if not record.name.startswith("mail.log")]
    messages = [record.getMessage() for record in records]
    assert any("email_sent" in message for message in messages)
    assert any("email_retry" in message for message in messages)
    logged = "\n".join(messages + [record.exc_text or "" for record in records])
    for secret in ("T0K3N-secret", "Sup3r-Secret-Pass", "Ada Lovelace", "Verify your email"):
        assert secret not in logged


# -- crashes and housekeeping ----------------------------------------------------------------


async def test_an_attempt_cut_short_is_retried_once_its_lease_expires(
    smtp_server: SmtpServer, worker: Services, settings: Settings, clock: FrozenClock
) -> None:
    smtp_server.sink.stall_first = 1.5
    smtp_server.start()
    message_id = str(await enqueue(worker))
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(worker.email.deliver_due(), 0.3)
    assert (await stored(worker, message_id)).status == "sending"
    other = build_services(settings, clock=clock)
    try:
        assert await other.email.deliver_due() == 0
        clock.advance(10 * 60 + 1)
        assert await other.email.deliver_due() == 1
        message = await stored(other, message_id)
    finally:
        await other.db.dispose()
        other.shared.close()
    assert (message.status, message.attempts) == ("sent", 2)
    await asyncio.sleep(1.5)
    assert len(smtp_server.sink.received) == 1


async def test_housekeeping_fails_abandoned_last_attempts_and_purges_old_messages(
    smtp_server: SmtpServer, worker: Services, settings: Settings, clock: FrozenClock
) -> None:
    old = str(await enqueue(worker, to="old@example.com"))
    for wait_minutes in (1, 2, 4, 8):
        assert await worker.email.deliver_due() == 1
        clock.advance(wait_minutes * 60)
    smtp_server.sink.stall_first = 1.5
    smtp_server.start()
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(worker.email.deliver_due(), 0.3)
    clock.advance(10 * 60 + 1)
    abandoned_id = old
    kept = str(await enqueue(worker, to="recent@example.com"))
    serving = build_services(settings, clock=clock)
    application = create_app(settings, services=serving)
    async with application.router.lifespan_context(application):
        abandoned = await until_status(serving, abandoned_id, "failed")
        assert abandoned.attempts == 5
        assert abandoned.last_error == "delivery interrupted on the last attempt"
        assert (await until_status(serving, kept, "sent")).attempts == 1
    clock.advance(31 * 86400)
    fresh = str(await enqueue(worker, to="fresh@example.com"))
    serving = build_services(settings, clock=clock)
    application = create_app(settings, services=serving)
    async with application.router.lifespan_context(application):
        await until_status(serving, fresh, "sent")
        for _ in range(250):
            async with serving.db.unit_of_work(write=False) as session:
                left = [message.id for message in await serving.email.messages(session)]
            if left == [fresh]:
                break
            await asyncio.sleep(0.02)
    assert left == [fresh]


async def test_a_tenant_name_cannot_inject_headers_or_recipients(
    smtp_server: SmtpServer, services: Services, client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    smtp_server.start()
    patch = {"friendly_name": "Acme\r\nBcc: evil@attacker.test\x00"}
    response = await client.patch("/api/v2/tenants/settings", json=patch, headers=admin)
    assert response.status_code == 200, response.text
    await enqueue(services)
    [received] = await smtp_server.sink.wait_for(1)
    assert received.rcpt_tos == ["ada@example.com"]
    assert received.message["Bcc"] is None
    assert received.message["From"] == '"Acme Bcc: evil@attacker.test" <accounts@authgate.test>'
    assert (
        received.message["Subject"] == "Verify your email address for Acme Bcc: evil@attacker.test"
    )
