"""a leader's cases are found by index (我包案的案件: case_leader, lead_leader); the case
records the lane and unit that handled it when it was resolved, so a 二次督办 goes back
to them

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-08 09:00:00

"""

from alembic import op
import sqlalchemy as sa


revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("dispute_case", schema=None) as batch_op:
        batch_op.add_column(sa.Column("handled_lane", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("handled_unit", sa.String(length=20), nullable=True))
        batch_op.create_index("ix_dispute_case_case_leader", ["case_leader"], unique=False)
        batch_op.create_index("ix_dispute_case_lead_leader", ["lead_leader"], unique=False)


def downgrade():
    with op.batch_alter_table("dispute_case", schema=None) as batch_op:
        batch_op.drop_index("ix_dispute_case_lead_leader")
        batch_op.drop_index("ix_dispute_case_case_leader")
        batch_op.drop_column("handled_unit")
        batch_op.drop_column("handled_lane")
