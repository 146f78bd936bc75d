from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from authgate.db import Base, UTCDateTime


class ClientGrant(Base):
    __tablename__ = "client_grants"
    __table_args__ = (UniqueConstraint("client_id", "resource_server_id"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("clients.client_id", ondelete="CASCADE"))
    resource_server_id: Mapped[str] = mapped_column(
        ForeignKey("resource_servers.id", ondelete="CASCADE"), index=True
    )
    audience: Mapped[str] = mapped_column(String(600))
    """The API identifier, immutable like the API's own, kept here for filtering."""
    scope: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
