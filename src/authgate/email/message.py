"""Addresses and MIME messages (RFC 5322, RFC 2046 ``multipart/alternative``).

Every address is checked before it reaches a header: no control characters and no characters
that would let a value end the address and start another header or recipient, so a stored
email address can never inject SMTP headers or extra recipients.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, getaddresses

_ADDRESS = re.compile(r"^[^\s@<>()\[\],;:\"\\]{1,64}@[^\s@<>()\[\],;:\"\\]{1,253}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_DOMAIN = re.compile(r"^[A-Za-z0-9.-]+$")


def valid_address(value: str) -> bool:
    """A bare ``local@domain`` that is safe to put in a header and an SMTP envelope."""
    return bool(_ADDRESS.match(value)) and not _CONTROL.search(value)


def parse_mailbox(value: str) -> Address | None:
    """``Name <addr>`` or ``addr`` as one mailbox, or ``None`` when it is anything else."""
    if _CONTROL.search(value):
        return None
    parsed = getaddresses([value])
    if len(parsed) != 1:
        return None
    name, address = parsed[0]
    if not valid_address(address):
        return None
    local, _, domain = address.rpartition("@")
    try:
        return Address(display_name=name.strip(), username=local, domain=domain)
    except (ValueError, IndexError):
        return None


def mailbox(display_name: str | None, address: str) -> str:
    """A ``From`` value: the display name on one line, quoted as needed."""
    local, _, domain = address.rpartition("@")
    name = " ".join(_CONTROL.sub(" ", display_name or "").split())
    return str(Address(display_name=name, username=local, domain=domain))


def message_domain(issuer_host: str) -> str:
    """The right-hand side of ``Message-ID``: the issuer's host when it is a plain name."""
    return issuer_host if _DOMAIN.match(issuer_host) else "authgate.invalid"


def build_mime(
    *,
    message_id: str,
    domain: str,
    sender: str,
    recipient: str,
    subject: str,
    text: str,
    html: str,
    date: datetime,
    locale: str,
    headers: Mapping[str, str] | None = None,
) -> EmailMessage:
    """A ``multipart/alternative`` message with a text and an HTML part."""
    message = EmailMessage(policy=SMTP)
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = recipient
    message["Date"] = format_datetime(date)
    message["Message-ID"] = f"<{message_id}@{domain}>"
    message["Auto-Submitted"] = "auto-generated"
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    message["Content-Language"] = locale
    return message
