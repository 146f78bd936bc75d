from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from authgate.db import Base, UTCDateTime


class UserGrant(Base):
    """The scopes a user consented to give ``client_id`` at ``audience`` (the API identifier,
    or ``{issuer}userinfo`` for a login that asks for no API). One row per user, application
    and audience; a new consent adds its scopes."""

    __tablename__ = "grants"
    __table_args__ = (
        Index(
            "uq_grants_tenant_id_user_id_client_id_audience",
            "tenant_id",
            "user_id",
            "client_id",
            "audience",
            unique=True,
        ),
        Index("ix_grants_tenant_id_client_id", "tenant_id", "client_id"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    client_id: Mapped[str] = mapped_column(ForeignKey("clients.client_id", ondelete="CASCADE"))
    audience: Mapped[str] = mapped_column(String(600))
    scope: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
