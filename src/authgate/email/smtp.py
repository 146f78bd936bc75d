"""SMTP submission with aiosmtplib (RFC 5321; STARTTLS RFC 3207; implicit TLS RFC 8314).

``AUTHGATE_SMTP_URL`` is ``smtp://user:pass@host:port`` (STARTTLS whenever the server offers
it, with certificate verification) or ``smtps://user:pass@host:port`` (TLS from the first
byte). User and password are percent-decoded. An optional ``?from=no-reply@example.com`` sets
the default sender. A tenant's own provider (``/api/v2/emails/provider``) uses implicit TLS on
port 465 and STARTTLS when offered on any other port.

Errors become a ``DeliveryError`` whose ``summary`` names the failure without the message,
the password or the recipient list, and which says whether a retry can help: replies in the
5xx range (RFC 5321 §4.2.1) are permanent, except for authentication failures, which a
corrected configuration fixes.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit

import aiosmtplib

from authgate.email.message import valid_address

TIMEOUT_SECONDS = 30.0
"""Limit of each exchange with the server."""
SEND_TIMEOUT_SECONDS = 120.0
"""Limit of a whole delivery, well under the outbox lease."""
_DEFAULT_PORTS = {"smtp": 25, "smtps": 465}
IMPLICIT_TLS_PORT = 465


class InvalidSmtpUrl(ValueError):
    """The configured SMTP URL is malformed (the message never repeats the URL)."""


class DeliveryError(Exception):
    def __init__(self, summary: str, *, permanent: bool) -> None:
        super().__init__(summary)
        self.summary = summary[:500]
        self.permanent = permanent


@dataclass(frozen=True)
class SmtpTarget:
    host: str
    port: int
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    implicit_tls: bool = False
    from_address: str | None = None


def parse_smtp_url(url: str) -> SmtpTarget:
    parts = urlsplit(url)
    if parts.scheme not in _DEFAULT_PORTS:
        raise InvalidSmtpUrl("AUTHGATE_SMTP_URL must start with smtp:// or smtps://")
    try:
        port = parts.port or _DEFAULT_PORTS[parts.scheme]
    except ValueError as exc:
        raise InvalidSmtpUrl("AUTHGATE_SMTP_URL has an invalid port") from exc
    if not parts.hostname:
        raise InvalidSmtpUrl("AUTHGATE_SMTP_URL has no host")
    query = parse_qs(parts.query, keep_blank_values=True)
    if set(query) - {"from"} or len(query.get("from", [])) > 1:
        raise InvalidSmtpUrl("AUTHGATE_SMTP_URL accepts one query parameter: from")
    sender = query.get("from", [None])[0]
    if sender is not None and not valid_address(sender):
        raise InvalidSmtpUrl("the from parameter of AUTHGATE_SMTP_URL is not an email address")
    return SmtpTarget(
        host=parts.hostname,
        port=port,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password is not None else None,
        implicit_tls=parts.scheme == "smtps",
        from_address=sender,
    )


def provider_target(
    host: str, port: int, username: str | None, password: str | None, from_address: str | None
) -> SmtpTarget:
    return SmtpTarget(
        host=host,
        port=port,
        username=username or None,
        password=password,
        implicit_tls=port == IMPLICIT_TLS_PORT,
        from_address=from_address,
    )


async def send(target: SmtpTarget, message: EmailMessage, *, sender: str, recipient: str) -> None:
    """Hand ``message`` to the server; raises ``DeliveryError``."""
    try:
        async with asyncio.timeout(SEND_TIMEOUT_SECONDS):
            await aiosmtplib.send(
                message,
                sender=sender,
                recipients=[recipient],
                hostname=target.host,
                port=target.port,
                username=target.username,
                password=target.password if target.username else None,
                use_tls=target.implicit_tls,
                start_tls=False if target.implicit_tls else None,
                timeout=TIMEOUT_SECONDS,
            )
    except aiosmtplib.SMTPRecipientsRefused as exc:
        codes = [refused.code for refused in exc.recipients]
        raise DeliveryError(
            f"recipient refused ({', '.join(str(code) for code in codes)})",
            permanent=all(code >= 500 for code in codes),
        ) from None
    except aiosmtplib.SMTPAuthenticationError as exc:
        raise DeliveryError(f"authentication failed ({exc.code})", permanent=False) from None
    except aiosmtplib.SMTPResponseException as exc:
        raise DeliveryError(
            f"{type(exc).__name__} {exc.code}: {_first_line(exc.message)}",
            permanent=exc.code >= 500,
        ) from None
    except (OSError, TimeoutError) as exc:
        raise DeliveryError(f"{_root_cause(exc)}: connection failed", permanent=False) from None
    except aiosmtplib.SMTPException as exc:
        raise DeliveryError(type(exc).__name__, permanent=False) from None


def _root_cause(exc: BaseException) -> str:
    """``SSLCertVerificationError`` rather than the ``SMTPConnectError`` wrapping it."""
    while exc.__cause__ is not None:
        exc = exc.__cause__
    return type(exc).__name__


def _first_line(text: str) -> str:
    return text.splitlines()[0][:200] if text else ""
