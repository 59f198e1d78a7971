"""data stores: the current value of each BPMN data store, shared by the instances of
every diagram that names it (engine.data_stores)

Revision ID: 0030
Revises: 0027
Create Date: 2026-12-07 03:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0030"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "data_store_value",
        sa.Column("name", sa.String(255), primary_key=True),
        sa.Column("value", sa.JSON(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_instance", sa.Integer(), nullable=True),
        sa.Column("updated_by_process", sa.String(255), nullable=True),
    )


def downgrade():
    op.drop_table("data_store_value")
