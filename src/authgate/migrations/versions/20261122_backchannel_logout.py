"""back-channel logout settings of applications, last device of sessions

Revision ID: 0008
Revises: 0006
Create Date: 2026-11-22 12:00:00.000000

``clients.oidc_logout`` holds Auth0's ``oidc_logout`` object (OpenID Connect Back-Channel
Logout 1.0); NULL for the applications that have none. ``sessions.last_ip`` and
``sessions.last_user_agent`` record the latest use of a session (Auth0's session ``device``);
existing sessions start without them.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("clients", sa.Column("oidc_logout", sa.JSON(), nullable=True))
    op.add_column("sessions", sa.Column("last_ip", sa.String(length=64), nullable=True))
    op.add_column("sessions", sa.Column("last_user_agent", sa.Text(), nullable=True))


def downgrade() -> None:
    # plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+): a batch rebuild of ``clients`` would
    # drop the table, and with it, through ON DELETE CASCADE, the rows that refer to it
    op.drop_column("sessions", "last_user_agent")
    op.drop_column("sessions", "last_ip")
    op.drop_column("clients", "oidc_logout")
