"""history rows name the process (diagram) that ran each step: a called process's own id,
so the audit's process filter and the replay find a ladder's steps under 四级七天; rows
written before hash without it and still verify

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 01:00:00

"""

from alembic import op
import sqlalchemy as sa


revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("history_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("step_process_id", sa.String(length=255), nullable=True))
    op.create_index(
        "ix_history_event_step_process_seq",
        "history_event",
        [sa.text("coalesce(step_process_id, process_id)"), "seq"],
    )


def downgrade():
    op.drop_index("ix_history_event_step_process_seq", table_name="history_event")
    with op.batch_alter_table("history_event", schema=None) as batch_op:
        batch_op.drop_column("step_process_id")
