from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from authgate.db import Base, UTCDateTime


class LoginBlock(Base):
    """Failed attempts for one identifier (lower-cased) from one IP, and whether they block.

    With ``count_per_identifier`` mode the IP is ``""`` (the identifier is blocked everywhere).
    """

    __tablename__ = "login_blocks"
    __table_args__ = (
        Index(
            "uq_login_blocks_tenant_id_identifier_ip",
            "tenant_id",
            "identifier",
            "ip",
            unique=True,
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    identifier: Mapped[str] = mapped_column(String(320))
    ip: Mapped[str] = mapped_column(String(64))
    connection: Mapped[str | None] = mapped_column(String(128))
    failures: Mapped[int] = mapped_column(Integer, default=0)
    blocked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_failure_at: Mapped[datetime] = mapped_column(UTCDateTime)
