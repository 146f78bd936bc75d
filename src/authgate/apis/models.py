from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from authgate.db import Base, UTCDateTime


class ResourceServer(Base):
    __tablename__ = "resource_servers"
    __table_args__ = (UniqueConstraint("tenant_id", "identifier"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    identifier: Mapped[str] = mapped_column(String(600))
    name: Mapped[str] = mapped_column(String(200))
    is_system: Mapped[bool] = mapped_column(Boolean, default=False)
    scopes: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    signing_alg: Mapped[str] = mapped_column(String(16))
    signing_secret: Mapped[str | None] = mapped_column(Text)
    """Sealed with the ``api-signing-secret`` purpose key; only used with HS256."""
    allow_offline_access: Mapped[bool] = mapped_column(Boolean, default=False)
    skip_consent_for_verifiable_first_party_clients: Mapped[bool] = mapped_column(
        Boolean, default=True
    )
    token_lifetime: Mapped[int] = mapped_column(Integer)
    token_lifetime_for_web: Mapped[int] = mapped_column(Integer)
    enforce_policies: Mapped[bool] = mapped_column(Boolean, default=False)
    token_dialect: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
