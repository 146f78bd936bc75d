from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from authgate.db import Base, UTCDateTime


class LogEvent(Base):
    """One event. ``log_id`` sorts in time order (checkpoint paging reads ids after one)."""

    __tablename__ = "log_events"
    __table_args__ = (
        Index("ix_log_events_tenant_id_log_id", "tenant_id", "log_id"),
        Index("ix_log_events_tenant_id_user_id_log_id", "tenant_id", "user_id", "log_id"),
        Index("ix_log_events_tenant_id_type_log_id", "tenant_id", "type", "log_id"),
        Index("ix_log_events_date", "date"),
    )

    log_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    date: Mapped[datetime] = mapped_column(UTCDateTime)
    type: Mapped[str] = mapped_column(String(64))
    description: Mapped[str | None] = mapped_column(Text)
    connection: Mapped[str | None] = mapped_column(String(128))
    connection_id: Mapped[str | None] = mapped_column(String(32))
    client_id: Mapped[str | None] = mapped_column(String(64))
    client_name: Mapped[str | None] = mapped_column(String(255))
    ip: Mapped[str | None] = mapped_column(String(64))
    hostname: Mapped[str | None] = mapped_column(String(255))
    user_id: Mapped[str | None] = mapped_column(String(320))
    user_name: Mapped[str | None] = mapped_column(String(320))
    audience: Mapped[str | None] = mapped_column(String(600))
    scope: Mapped[str | None] = mapped_column(Text)
    strategy: Mapped[str | None] = mapped_column(String(64))
    strategy_type: Mapped[str | None] = mapped_column(String(32))
    user_agent: Mapped[str | None] = mapped_column(String(512))
    is_mobile: Mapped[bool] = mapped_column(Boolean, default=False)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
