"""timer quarantine: a timer that keeps failing is retried with backoff and then parked
(故障) instead of blocking the others; each row keeps its attempts, next try, parked time
and last error

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 02:00:00

"""

from alembic import op
import sqlalchemy as sa


revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("timer", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("attempts", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("next_try_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("parked_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("last_error", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("timer", schema=None) as batch_op:
        batch_op.drop_column("last_error")
        batch_op.drop_column("parked_at")
        batch_op.drop_column("next_try_at")
        batch_op.drop_column("attempts")
