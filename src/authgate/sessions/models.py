from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from authgate.db import Base, UTCDateTime


class LoginSession(Base):
    """A user's SSO session in a tenant. ``id`` is the public session id (the ``sid`` claim);
    the browser holds another random value whose SHA-256 is ``token_digest``, so a copy of the
    table cannot be replayed as cookies. ``clients`` are the applications the session logged
    into (for logout notifications). ``ip``/``user_agent`` are those of the login,
    ``last_ip``/``last_user_agent`` those of the latest use (the Management API's ``device``)."""

    __tablename__ = "sessions"
    __table_args__ = (
        Index("ix_sessions_tenant_id_user_id", "tenant_id", "user_id"),
        Index("ix_sessions_expires_at", "expires_at"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    connection: Mapped[str | None] = mapped_column(String(128))
    clients: Mapped[list[str]] = mapped_column(JSON, default=list)
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(Text)
    last_ip: Mapped[str | None] = mapped_column(String(64))
    last_user_agent: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    authenticated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_interaction_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    idle_expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
