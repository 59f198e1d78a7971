"""history search indexes: the auditor's searches by case (instance), user, event type,
process, version and lane, each newest first by seq (bench/history_search.py, 2 million
events)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 10:00:00

"""

from alembic import op


revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

REPLACED = {  # single-column index -> the (column, seq) index that serves it and the search
    "ix_history_event_instance_id": ("ix_history_event_instance_seq", "instance_id"),
    "ix_history_event_actor": ("ix_history_event_actor_seq", "actor"),
    "ix_history_event_event_type": ("ix_history_event_type_seq", "event_type"),
}
ADDED = {
    "ix_history_event_process_seq": "process_id",
    "ix_history_event_version_seq": "version_id",
    "ix_history_event_lane_seq": "lane",
}


def upgrade():
    with op.batch_alter_table("history_event", schema=None) as batch_op:
        for old, (new, column) in REPLACED.items():
            batch_op.create_index(new, [column, "seq"], unique=False)
            batch_op.drop_index(old)
        for name, column in ADDED.items():
            batch_op.create_index(name, [column, "seq"], unique=False)


def downgrade():
    with op.batch_alter_table("history_event", schema=None) as batch_op:
        for name in ADDED:
            batch_op.drop_index(name)
        for old, (new, column) in REPLACED.items():
            batch_op.create_index(old, [column], unique=False)
            batch_op.drop_index(new)
