"""task region: an instance's region (its case's) copied onto its ready tasks, and
indexes (lane, region, deadline) and (lane, region, rank, deadline) for a township's work
list

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-07 04:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None

READY_OPEN = "status = 'ready' AND assignee IS NULL AND open_to_lane"
READY_OPEN_SQLITE = "status = 'ready' AND assignee IS NULL AND open_to_lane = 1"


def upgrade():
    for table in ("instance", "task"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("region_code", sa.String(20), nullable=True))
    op.execute(
        "UPDATE instance SET region_code = (SELECT c.region_code FROM dispute_case c"
        " WHERE c.instance_id = instance.id)"
        " WHERE EXISTS (SELECT 1 FROM dispute_case c WHERE c.instance_id = instance.id)"
    )
    op.execute(
        "UPDATE task SET region_code = (SELECT i.region_code FROM instance i"
        " WHERE i.id = task.instance_id) WHERE status = 'ready'"
    )
    op.create_index(
        "ix_task_ready_open_region",
        "task",
        ["candidate_role", "region_code", "due_at", "instance_id"],
        postgresql_where=sa.text(READY_OPEN),
        sqlite_where=sa.text(READY_OPEN_SQLITE),
    )
    op.create_index(
        "ix_task_ready_open_region_rank",
        "task",
        ["candidate_role", "region_code", "sort_rank", "due_at", "instance_id"],
        postgresql_where=sa.text(READY_OPEN),
        sqlite_where=sa.text(READY_OPEN_SQLITE),
    )


def downgrade():
    op.drop_index("ix_task_ready_open_region_rank", table_name="task")
    op.drop_index("ix_task_ready_open_region", table_name="task")
    for table in ("task", "instance"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("region_code")
