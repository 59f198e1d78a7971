"""task received: an instance's received time (its case's) copied onto its ready tasks, and
PostgreSQL indexes (lane, received newest first, id) and (assignee, received newest first,
id) for the work list newest received first

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
NEWEST_FIRST = sa.text("received_at DESC NULLS LAST")


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
    if op.get_bind().dialect.name != "postgresql":  # no NULLS LAST in a SQLite index
        return
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
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_task_ready_assignee_received", table_name="task")
        op.drop_index("ix_task_ready_open_received", table_name="task")
    for table in ("task", "instance"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("received_at")
