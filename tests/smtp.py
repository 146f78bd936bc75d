"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives."""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    login: str | None


@dataclass
class Sink:
    """Handler of the SMTP server: stores messages, optionally demands a login or refuses."""

    login: tuple[str, str] | None = None
    refuse_with: str | None = None
    stall_first: float = 0.0
    """Seconds the first ``MAIL FROM`` hangs before any answer (a stuck server)."""
    received: list[Received] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)

    def authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        assert isinstance(data, LoginPassword)
        given = (data.login.decode(), data.password.decode())
        self.logins.append(given)
        return AuthResult(success=given == self.login, handled=False, auth_data=data)

    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if self.login is not None and not session.authenticated:
            return "530 5.7.0 Authentication required"
        if self.stall_first:
            stall, self.stall_first = self.stall_first, 0.0
            await asyncio.sleep(stall)
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if self.refuse_with is not None:
            return self.refuse_with
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        data = session.auth_data
        login = data.login.decode() if isinstance(data, LoginPassword) else None
        self.received.append(
            Received(str(envelope.mail_from), list(envelope.rcpt_tos), parsed, login)
        )
        return "250 Message accepted"

    def wait_for_sync(self, count: int, within: float = 20.0) -> list[Received]:
        """For tests that are not async (real clients against a live server)."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if len(self.received) >= count:
                return self.received
            time.sleep(0.05)
        raise AssertionError(f"{len(self.received)} messages received, expected {count}")

    async def wait_for(self, count: int, within: float = 10.0) -> list[Received]:
        for _ in range(int(within / 0.02)):
            if len(self.received) >= count:
                return self.received
            await asyncio.sleep(0.02)
        raise AssertionError(f"{len(self.received)} messages received, expected {count}")


@dataclass
class SmtpServer:
    sink: Sink
    port: int
    controller: Controller | None = None

    def start(self, **parameters: Any) -> None:
        self.controller = Controller(
            self.sink,
            hostname="127.0.0.1",
            port=self.port,
            authenticator=self.sink.authenticate,
            auth_require_tls=False,
            **parameters,
        )
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None
