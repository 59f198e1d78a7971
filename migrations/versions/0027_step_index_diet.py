"""step index diet: two indexes no query reads, which every step kept up to date

- ``ix_history_event_process_seq`` (process_id, seq): the audit's process filter reads
  ``coalesce(step_process_id, process_id)`` through ``ix_history_event_step_process_seq``
  since 0016; nothing filters on ``process_id`` alone any more.
- ``ix_task_status_assignee`` (status, assignee): every query by holder asks for ready
  tasks, which the partial ``ix_task_ready_assignee`` (assignee, due_at, instance_id,
  ready rows only) answers; the full index also took an entry for every completed row.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07 03:10:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index("ix_history_event_process_seq", table_name="history_event")
    op.drop_index("ix_task_status_assignee", table_name="task")


def downgrade():
    op.create_index("ix_task_status_assignee", "task", ["status", "assignee"], unique=False)
    op.create_index(
        "ix_history_event_process_seq", "history_event", ["process_id", "seq"], unique=False
    )
