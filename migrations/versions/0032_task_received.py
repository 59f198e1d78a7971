"""task received: an instance's received time (its case's) copied onto its ready tasks, and
PostgreSQL indexes (lane, received newest first, id) and (assignee, received newest first,
id) for the work list newest received first; indexes of the unclaimed ready tasks for named
candidates (by lane and deadline, rank, received) for a candidate's arm of the work list

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-07 06:30:00

"""

import sqlalchemy as sa
from alembic import op


revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None

READY = "status = 'ready'"
READY_OPEN = "status = 'ready' AND assignee IS NULL AND open_to_lane"
READY_NAMED = "status = 'ready' AND assignee IS NULL AND NOT open_to_lane"
READY_NAMED_SQLITE = "status = 'ready' AND assignee IS NULL AND open_to_lane = 0"
NEWEST_FIRST = sa.text("received_at DESC NULLS LAST")
NAMED = {  # unclaimed ready tasks for named candidates, by deadline and by rank
    "ix_task_ready_named": ["candidate_role", "due_at", "instance_id"],
    "ix_task_ready_named_rank": ["candidate_role", "sort_rank", "due_at", "instance_id"],
}


def upgrade():
    for table in ("instance", "task"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("received_at", sa.DateTime(timezone=True), nullable=True))
    op.execute(
        "UPDATE instance SET received_at = (SELECT c.received_at FROM dispute_case c"
        " WHERE c.instance_id = instance.id)"
        " WHERE EXISTS (SELECT 1 FROM dispute_case c WHERE c.instance_id = instance.id)"
    )
    op.execute(
        "UPDATE task SET received_at = (SELECT i.received_at FROM instance i"
        " WHERE i.id = task.instance_id) WHERE status = 'ready'"
    )
    for name, columns in NAMED.items():
        op.create_index(
            name,
            "task",
            columns,
            postgresql_where=sa.text(READY_NAMED),
            sqlite_where=sa.text(READY_NAMED_SQLITE),
        )
    if op.get_bind().dialect.name != "postgresql":  # no NULLS LAST in a SQLite index
        return
    op.create_index(
        "ix_task_ready_named_received",
        "task",
        ["candidate_role", NEWEST_FIRST, "id"],
        postgresql_where=sa.text(READY_NAMED),
    )
    op.create_index(
        "ix_task_ready_open_received",
        "task",
        ["candidate_role", NEWEST_FIRST, "id"],
        postgresql_where=sa.text(READY_OPEN),
    )
    op.create_index(
        "ix_task_ready_assignee_received",
        "task",
        ["assignee", NEWEST_FIRST, "id"],
        postgresql_where=sa.text(READY),
    )


def downgrade():
    for name in NAMED:
        op.drop_index(name, table_name="task")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_task_ready_named_received", table_name="task")
        op.drop_index("ix_task_ready_assignee_received", table_name="task")
        op.drop_index("ix_task_ready_open_received", table_name="task")
    for table in ("task", "instance"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("received_at")
