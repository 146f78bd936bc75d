"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, and helpers that
put mail in the outbox through ``EmailService.enqueue``."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from authgate.cli.certs import make_local_certificates
from authgate.services import Services
from tests.smtp import Sink, SmtpServer, free_port

TENANT_HOST = "authgate.test"


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A plain SMTP server, started by the test (so that it can start it late)."""
    server = SmtpServer(Sink(), free_port())
    yield server
    server.stop()


@pytest.fixture
def smtp_sink(smtp_server: SmtpServer) -> Sink:
    """The SMTP server, already listening."""
    smtp_server.start()
    return smtp_server.sink


@dataclass(frozen=True)
class ServerTls:
    context: ssl.SSLContext
    ca_cert: Path


@pytest.fixture
def server_tls(tmp_path: Path) -> ServerTls:
    """A certificate for 127.0.0.1 from a fresh local CA (trusted only if a test says so)."""
    made = make_local_certificates(tmp_path / "tls")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(made.server_cert, made.server_key)
    return ServerTls(context, made.ca_cert)


@pytest.fixture
def services(app: FastAPI) -> Services:
    return app.state.services  # type: ignore[no-any-return]


async def tenant_id(services: Services) -> str:
    tenant = await services.tenants.resolve(TENANT_HOST)
    assert tenant is not None
    return tenant.id


async def enqueue(
    services: Services,
    *,
    template: str = "verify_email",
    to: str = "ada@example.com",
    locales: list[str] | None = None,
    **context: Any,
) -> str | None:
    """Queue one mail in its own committed transaction, as a request would."""
    context.setdefault("user", {"email": to, "name": "Ada Lovelace"})
    context.setdefault("url", "https://authgate.test/u/email-verification?ticket=T0K3N-secret")
    context.setdefault("ttl", 432000)
    tenant = await tenant_id(services)
    async with services.db.unit_of_work(write=True) as session:
        return await services.email.enqueue(
            session,
            tenant_id=tenant,
            template=template,
            to=to,
            locales=locales or [],
            context=context,
        )


async def stored(services: Services, message_id: str) -> Any:
    async with services.db.unit_of_work(write=False) as session:
        found = await services.email.message(session, message_id)
    assert found is not None
    return found


async def until_status(
    services: Services, message_id: str, status: str, *, attempts: int | None = None
) -> Any:
    """The stored message once it has ``status`` (after ``attempts`` attempts, if given)."""
    for _ in range(500):
        found = await stored(services, message_id)
        if found.status == status and attempts in (None, found.attempts):
            return found
        await asyncio.sleep(0.02)
    raise AssertionError(f"message {message_id} is {found.status} after {found.attempts}")


def parts(message: EmailMessage) -> tuple[str, str]:
    """The text and HTML bodies of a received ``multipart/alternative`` message."""
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None
    assert html is not None
    return str(text.get_content()), str(html.get_content())
