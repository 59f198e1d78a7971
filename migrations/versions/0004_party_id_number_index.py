"""party id_number index: the intake's duplicate warning finds a party by 身份证号

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 09:00:00

"""

from alembic import op


revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("party", schema=None) as batch_op:
        batch_op.create_index("ix_party_id_number", ["id_number"], unique=False)


def downgrade():
    with op.batch_alter_table("party", schema=None) as batch_op:
        batch_op.drop_index("ix_party_id_number")
