"""lane map: a version may map its diagrams' lanes to roles (issue 19)

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 00:00:00

"""

from alembic import op
import sqlalchemy as sa


revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("process_version", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lane_map", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("process_version", schema=None) as batch_op:
        batch_op.drop_column("lane_map")
