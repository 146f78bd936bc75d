from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from authgate.db import Base, UTCDateTime


class EmailTemplate(Base):
    """A tenant's customization of one mail (``/api/v2/email-templates``).

    ``None`` in ``body``, ``subject`` or ``sender`` keeps the built-in part, so a row holding
    only ``enabled = false`` turns the mail off without replacing its text.
    """

    __tablename__ = "email_templates"

    tenant_id: Mapped[str] = mapped_column(
        ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True
    )
    template: Mapped[str] = mapped_column(String(64), primary_key=True)
    body: Mapped[str | None] = mapped_column(Text)
    sender: Mapped[str | None] = mapped_column(String(1024))
    """The wire ``from`` field (a Liquid template of an address)."""
    subject: Mapped[str | None] = mapped_column(String(1024))
    syntax: Mapped[str] = mapped_column(String(16))
    result_url: Mapped[str | None] = mapped_column(String(2048))
    url_lifetime_in_seconds: Mapped[int | None] = mapped_column(Integer)
    include_email_in_redirect: Mapped[bool] = mapped_column(Boolean)
    enabled: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class EmailProvider(Base):
    """A tenant's own SMTP server (``/api/v2/emails/provider``); at most one per tenant."""

    __tablename__ = "email_providers"

    tenant_id: Mapped[str] = mapped_column(
        ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(32))
    enabled: Mapped[bool] = mapped_column(Boolean)
    default_from_address: Mapped[str | None] = mapped_column(String(320))
    smtp_host: Mapped[str] = mapped_column(String(255))
    smtp_port: Mapped[int] = mapped_column(Integer)
    smtp_user: Mapped[str | None] = mapped_column(String(320))
    smtp_pass: Mapped[str | None] = mapped_column(Text)
    """The password sealed with the ``email-provider`` purpose key; never sent back."""
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class EmailMessage(Base):
    """One outgoing mail: the transactional outbox and the development outbox.

    ``status`` is ``pending`` (due at ``next_attempt_at``), ``sending`` (claimed by a worker
    until ``lease_until``), ``sent``, ``failed`` (attempts exhausted or refused for good) or
    ``outbox`` (no transport configured: kept for ``authgate outbox``). ``content`` holds the
    subject and both bodies sealed with the ``email-message`` purpose key, because the links in
    them are bearer secrets.
    """

    __tablename__ = "email_messages"
    __table_args__ = (
        Index("ix_email_messages_status_next_attempt_at", "status", "next_attempt_at"),
        Index("ix_email_messages_created_at", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    template: Mapped[str] = mapped_column(String(64))
    locale: Mapped[str] = mapped_column(String(16))
    sender: Mapped[str] = mapped_column(String(1024))
    recipient: Mapped[str] = mapped_column(String(320))
    content: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claim: Mapped[str | None] = mapped_column(String(64))
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
