"""grants: consent remembered per user, application and API

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-08 00:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import authgate.db

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "grants",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("audience", sa.String(length=600), nullable=False),
        sa.Column("scope", sa.JSON(), nullable=False),
        sa.Column("created_at", authgate.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", authgate.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_grants_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_grants_user_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.client_id"],
            name=op.f("fk_grants_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grants")),
    )
    op.create_index(
        "uq_grants_tenant_id_user_id_client_id_audience",
        "grants",
        ["tenant_id", "user_id", "client_id", "audience"],
        unique=True,
    )
    op.create_index("ix_grants_tenant_id_client_id", "grants", ["tenant_id", "client_id"])


def downgrade() -> None:
    op.drop_index("ix_grants_tenant_id_client_id", table_name="grants")
    op.drop_index("uq_grants_tenant_id_user_id_client_id_audience", table_name="grants")
    op.drop_table("grants")
