"""work list indexes: ready tasks by role and by claimer in deadline order, cases by region
with their instance, parties by name (bench/worklist.py, 100,000 cases)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 14:00:00

"""

from alembic import op
import sqlalchemy as sa


revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

READY = "status = 'ready'"
READY_OPEN = "status = 'ready' AND assignee IS NULL"


def upgrade():
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.create_index(
            "ix_task_ready_open",
            ["candidate_role", "due_at", "instance_id"],
            unique=False,
            postgresql_where=sa.text(READY_OPEN),
            sqlite_where=sa.text(READY_OPEN),
        )
        batch_op.create_index(
            "ix_task_ready_assignee",
            ["assignee", "due_at", "instance_id"],
            unique=False,
            postgresql_where=sa.text(READY),
            sqlite_where=sa.text(READY),
        )
    with op.batch_alter_table("dispute_case", schema=None) as batch_op:
        batch_op.create_index(
            "ix_dispute_case_region_instance", ["region_code", "instance_id"], unique=False
        )
    with op.batch_alter_table("party", schema=None) as batch_op:
        batch_op.create_index("ix_party_name", ["name"], unique=False)


def downgrade():
    with op.batch_alter_table("party", schema=None) as batch_op:
        batch_op.drop_index("ix_party_name")
    with op.batch_alter_table("dispute_case", schema=None) as batch_op:
        batch_op.drop_index("ix_dispute_case_region_instance")
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.drop_index("ix_task_ready_assignee")
        batch_op.drop_index("ix_task_ready_open")
