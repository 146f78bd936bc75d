"""Tables of attack protection: a tenant's settings documents and the token buckets of
suspicious IP throttling (the brute-force counters are ``blocks.models.LoginBlock``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Float, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from authgate.db import Base, UTCDateTime


class ProtectionSetting(Base):
    """The changed fields of one settings document (``brute-force-protection``, ...); a
    tenant without a row has the defaults of ``protection.settings.DEFAULTS``."""

    __tablename__ = "protection_settings"

    tenant_id: Mapped[str] = mapped_column(
        ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True
    )
    feature: Mapped[str] = mapped_column(String(64), primary_key=True)
    document: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ThrottleBucket(Base):
    """A token bucket kept as the tokens ``spent``, which drain by one every ``rate`` ms.

    ``at_ms`` is when ``spent`` was last computed (Unix ms); ``allowed`` whether the last take
    got a token, so one ``UPDATE ... RETURNING`` both decides and reports.
    """

    __tablename__ = "throttle_buckets"

    tenant_id: Mapped[str] = mapped_column(
        ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    spent: Mapped[float] = mapped_column(Float, default=0.0)
    at_ms: Mapped[int] = mapped_column(BigInteger)
    allowed: Mapped[bool] = mapped_column(Boolean, default=True)
