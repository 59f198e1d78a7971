"""the received-cases index carries resolved_at: 化解率 as published (cases received in the
period that are resolved by the report's moment) is counted from the index alone

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 23:00:00

"""

from alembic import op


revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("dispute_case", schema=None) as batch_op:
        batch_op.drop_index("ix_dispute_case_received")
        batch_op.create_index(
            "ix_dispute_case_received",
            ["received_at", "status", "channel", "region_code", "resolved_at"],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table("dispute_case", schema=None) as batch_op:
        batch_op.drop_index("ix_dispute_case_received")
        batch_op.create_index(
            "ix_dispute_case_received",
            ["received_at", "status", "channel", "region_code"],
            unique=False,
        )
