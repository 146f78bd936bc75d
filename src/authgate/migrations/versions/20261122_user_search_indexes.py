"""user search indexes: email_domain, case-insensitive names

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 08:55:18.549710

``users.email_domain`` (``email_key`` after its last ``@``) is filled from ``email_key`` in
portable SQL: ``rtrim`` strips every trailing character other than ``@`` (the key with its
``@`` removed is the set of characters to strip), which leaves the key up to its last ``@``.

The case-insensitive profile fields get one index each per engine, serving exact values and
prefixes alike: ``lower(x) text_pattern_ops`` on PostgreSQL (``LIKE 'abc%'`` whatever the
database collation), ``x COLLATE NOCASE`` on SQLite (what its ``LIKE`` compares with).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FOLDED = ("name", "given_name", "family_name", "nickname")
BACKFILL = """
UPDATE users
SET email_domain = substr(email_key, length(rtrim(email_key, replace(email_key, '@', ''))) + 1)
WHERE email_key LIKE '%@%'
"""


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email_domain", sa.String(length=320), nullable=True))
    op.execute(BACKFILL)
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.create_index(
            "ix_users_tenant_id_email_domain_created_at_id",
            ["tenant_id", "email_domain", "created_at", "id"],
            unique=False,
        )
    if op.get_bind().dialect.name == "postgresql":
        for name in FOLDED:
            op.create_index(
                f"ix_users_tenant_id_lower_{name}",
                "users",
                ["tenant_id", sa.literal_column(f"lower({name})").label(f"lower_{name}")],
                unique=False,
                postgresql_ops={f"lower_{name}": "text_pattern_ops"},
                postgresql_include=[name],
            )
    else:
        for name in FOLDED:
            op.create_index(
                f"ix_users_tenant_id_{name}_nocase",
                "users",
                ["tenant_id", sa.literal_column(f'{name} COLLATE "NOCASE"')],
                unique=False,
            )


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for name in reversed(FOLDED):
        index = (
            f"ix_users_tenant_id_lower_{name}"
            if postgresql
            else f"ix_users_tenant_id_{name}_nocase"
        )
        op.drop_index(index, table_name="users")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index("ix_users_tenant_id_email_domain_created_at_id")
        batch_op.drop_column("email_domain")
