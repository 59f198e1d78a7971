"""timers: an index on ``timer.next_try_at``, so a scheduler finds the next retry of a
failing timer without reading the whole table when it decides how long to sleep

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-09 00:00:00

"""

from alembic import op


revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("timer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_timer_next_try_at"), ["next_try_at"], unique=False)


def downgrade():
    with op.batch_alter_table("timer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_timer_next_try_at"))
