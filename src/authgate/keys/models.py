from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from authgate.db import Base, UTCDateTime

ONE_CURRENT_ONE_NEXT = "state IN ('current', 'next')"


class SigningKey(Base):
    """A tenant signing key; ``state`` is one of next, current, previous, revoked."""

    __tablename__ = "signing_keys"
    __table_args__ = (
        Index("ix_signing_keys_tenant_id_state", "tenant_id", "state"),
        Index(
            "uq_signing_keys_tenant_id_state",
            "tenant_id",
            "state",
            unique=True,
            sqlite_where=text(ONE_CURRENT_ONE_NEXT),
            postgresql_where=text(ONE_CURRENT_ONE_NEXT),
        ),
    )

    kid: Mapped[str] = mapped_column(String(64), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    alg: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16))
    private_key: Mapped[str] = mapped_column(Text)
    """PKCS#8 PEM sealed with the ``signing-key`` purpose key, bound to the kid."""
    public_jwk: Mapped[dict[str, Any]] = mapped_column(JSON)
    cert: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    current_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    current_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
