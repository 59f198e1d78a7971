"""task sort rank: an instance's rank (its case's colour) copied onto its ready tasks, and
indexes (lane or assignee, rank, deadline) for 我的待办 sorted by risk

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-07 01:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None

READY = "status = 'ready'"
READY_OPEN = "status = 'ready' AND assignee IS NULL AND open_to_lane"
READY_OPEN_SQLITE = "status = 'ready' AND assignee IS NULL AND open_to_lane = 1"
RANK = (
    "SELECT CASE c.risk_colour WHEN '红' THEN 0 WHEN '黄' THEN 1 WHEN '绿' THEN 2"
    " ELSE 1000 END FROM dispute_case c WHERE c.instance_id = instance.id"
)


def upgrade():
    for table in ("instance", "task"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("sort_rank", sa.Integer(), server_default=sa.text("1000"), nullable=False)
            )
    op.execute(
        "UPDATE instance SET sort_rank = (" + RANK + ")"
        " WHERE EXISTS (SELECT 1 FROM dispute_case c WHERE c.instance_id = instance.id)"
    )
    op.execute(
        "UPDATE task SET sort_rank = (SELECT i.sort_rank FROM instance i"
        " WHERE i.id = task.instance_id) WHERE status = 'ready'"
    )
    op.create_index(
        "ix_task_ready_open_rank",
        "task",
        ["candidate_role", "sort_rank", "due_at", "instance_id"],
        postgresql_where=sa.text(READY_OPEN),
        sqlite_where=sa.text(READY_OPEN_SQLITE),
    )
    op.create_index(
        "ix_task_ready_assignee_rank",
        "task",
        ["assignee", "sort_rank", "due_at", "instance_id"],
        postgresql_where=sa.text(READY),
        sqlite_where=sa.text(READY),
    )


def downgrade():
    op.drop_index("ix_task_ready_assignee_rank", table_name="task")
    op.drop_index("ix_task_ready_open_rank", table_name="task")
    for table in ("task", "instance"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("sort_rank")
