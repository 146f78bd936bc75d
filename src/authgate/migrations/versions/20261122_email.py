"""email templates, email providers and the message outbox

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 07:18:30.598749
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import authgate.db

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "email_messages",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("template", sa.String(length=64), nullable=False),
        sa.Column("locale", sa.String(length=16), nullable=False),
        sa.Column("sender", sa.String(length=1024), nullable=False),
        sa.Column("recipient", sa.String(length=320), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", authgate.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("lease_until", authgate.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("claim", sa.String(length=64), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("created_at", authgate.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", authgate.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", authgate.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_email_messages_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_messages")),
    )
    with op.batch_alter_table("email_messages", schema=None) as batch_op:
        batch_op.create_index("ix_email_messages_created_at", ["created_at"], unique=False)
        batch_op.create_index(
            "ix_email_messages_status_next_attempt_at", ["status", "next_attempt_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_email_messages_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "email_providers",
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("default_from_address", sa.String(length=320), nullable=True),
        sa.Column("smtp_host", sa.String(length=255), nullable=False),
        sa.Column("smtp_port", sa.Integer(), nullable=False),
        sa.Column("smtp_user", sa.String(length=320), nullable=True),
        sa.Column("smtp_pass", sa.Text(), nullable=True),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("created_at", authgate.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", authgate.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_email_providers_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", name=op.f("pk_email_providers")),
    )
    op.create_table(
        "email_templates",
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("template", sa.String(length=64), nullable=False),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("sender", sa.String(length=1024), nullable=True),
        sa.Column("subject", sa.String(length=1024), nullable=True),
        sa.Column("syntax", sa.String(length=16), nullable=False),
        sa.Column("result_url", sa.String(length=2048), nullable=True),
        sa.Column("url_lifetime_in_seconds", sa.Integer(), nullable=True),
        sa.Column("include_email_in_redirect", sa.Boolean(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", authgate.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", authgate.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_email_templates_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "template", name=op.f("pk_email_templates")),
    )


def downgrade() -> None:
    op.drop_table("email_templates")
    op.drop_table("email_providers")
    with op.batch_alter_table("email_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_email_messages_tenant_id"))
        batch_op.drop_index("ix_email_messages_status_next_attempt_at")
        batch_op.drop_index("ix_email_messages_created_at")

    op.drop_table("email_messages")
