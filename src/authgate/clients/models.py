from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from authgate.db import Base, UTCDateTime


class Client(Base):
    __tablename__ = "clients"
    __table_args__ = (Index("ix_clients_tenant_id_created_at", "tenant_id", "created_at"),)

    client_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(String(140))
    app_type: Mapped[str | None] = mapped_column(String(32))
    is_first_party: Mapped[bool] = mapped_column(Boolean, default=True)
    oidc_conformant: Mapped[bool] = mapped_column(Boolean, default=False)
    is_global: Mapped[bool] = mapped_column(Boolean, default=False)
    client_secret: Mapped[str | None] = mapped_column(Text)
    """The secret sealed with the ``client-secret`` purpose key (``authgate.core.secretbox``)."""
    token_endpoint_auth_method: Mapped[str] = mapped_column(String(32))
    logo_uri: Mapped[str | None] = mapped_column(String(2048))
    callbacks: Mapped[list[str]] = mapped_column(JSON, default=list)
    allowed_logout_urls: Mapped[list[str]] = mapped_column(JSON, default=list)
    web_origins: Mapped[list[str]] = mapped_column(JSON, default=list)
    allowed_origins: Mapped[list[str]] = mapped_column(JSON, default=list)
    grant_types: Mapped[list[str]] = mapped_column(JSON, default=list)
    jwt_configuration: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    refresh_token: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    oidc_logout: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    """Back-channel logout settings (``clients.schemas.OidcLogout``); None when not set."""
    client_metadata: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
