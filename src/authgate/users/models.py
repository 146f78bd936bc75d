from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from authgate.db import Base, UTCDateTime

Metadata = JSON().with_variant(JSONB(), "postgresql")


class User(Base):
    """A user of one connection. ``user_id`` is the wire id (``auth0|<24 hex>``), unique per
    tenant; ``id`` is the internal key other tables refer to. ``email_key`` and
    ``username_key`` are the lower-cased forms used for uniqueness and exact lookups;
    ``email_domain`` is what ``email.domain`` searches: ``email_key`` after its last ``@``."""

    __tablename__ = "users"
    __table_args__ = (
        UniqueConstraint("tenant_id", "user_id"),
        UniqueConstraint("connection_id", "email_key"),
        UniqueConstraint("connection_id", "username_key"),
        Index("ix_users_tenant_id_email_key", "tenant_id", "email_key"),
        Index("ix_users_tenant_id_username_key", "tenant_id", "username_key"),
        Index("ix_users_tenant_id_created_at_id", "tenant_id", "created_at", "id"),
        Index("ix_users_tenant_id_name", "tenant_id", "name"),
        Index("ix_users_tenant_id_last_login", "tenant_id", "last_login"),
        Index("ix_users_tenant_id_logins_count", "tenant_id", "logins_count"),
        Index(
            "ix_users_tenant_id_email_domain_created_at_id",
            "tenant_id",
            "email_domain",
            "created_at",
            "id",
        ),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    connection_id: Mapped[str] = mapped_column(
        ForeignKey("connections.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[str] = mapped_column(String(320))
    email: Mapped[str | None] = mapped_column(String(320))
    email_key: Mapped[str | None] = mapped_column(String(320))
    email_domain: Mapped[str | None] = mapped_column(String(320))
    email_verified: Mapped[bool] = mapped_column(Boolean, default=False)
    username: Mapped[str | None] = mapped_column(String(128))
    username_key: Mapped[str | None] = mapped_column(String(128))
    phone_number: Mapped[str | None] = mapped_column(String(32))
    phone_verified: Mapped[bool] = mapped_column(Boolean, default=False)
    name: Mapped[str | None] = mapped_column(String(300))
    given_name: Mapped[str | None] = mapped_column(String(150))
    family_name: Mapped[str | None] = mapped_column(String(150))
    nickname: Mapped[str | None] = mapped_column(String(350))
    picture: Mapped[str | None] = mapped_column(String(2048))
    user_metadata: Mapped[dict[str, Any]] = mapped_column(Metadata, default=dict)
    app_metadata: Mapped[dict[str, Any]] = mapped_column(Metadata, default=dict)
    blocked: Mapped[bool] = mapped_column(Boolean, default=False)
    password_hash: Mapped[str | None] = mapped_column(Text)
    last_password_reset: Mapped[datetime | None] = mapped_column(UTCDateTime)
    logins_count: Mapped[int] = mapped_column(Integer, default=0)
    last_login: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_ip: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


def _case_insensitive_index(name: str) -> None:
    """Indexes for ``name`` compared ignoring case (``authgate.search.sql.folded_equals`` and
    ``folded_like``), serving exact values and prefixes alike: ``lower(name) text_pattern_ops``
    on PostgreSQL (``LIKE 'abc%'`` whatever the database collation), ``name`` included for the
    ``IS NOT NULL`` test of a count; ``name COLLATE NOCASE`` on SQLite."""
    column = User.__table__.c[name]
    Index(
        f"ix_users_tenant_id_lower_{name}",
        User.__table__.c.tenant_id,
        func.lower(column).label(f"lower_{name}"),
        postgresql_ops={f"lower_{name}": "text_pattern_ops"},
        postgresql_include=[name],
    ).ddl_if(dialect="postgresql")
    Index(
        f"ix_users_tenant_id_{name}_nocase", User.__table__.c.tenant_id, column.collate("NOCASE")
    ).ddl_if(dialect="sqlite")


for _name in ("name", "given_name", "family_name", "nickname"):
    _case_insensitive_index(_name)


class PasswordHistory(Base):
    """Earlier password hashes of a user, for ``password_history`` (at most 24 kept)."""

    __tablename__ = "password_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_pk: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    password_hash: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
