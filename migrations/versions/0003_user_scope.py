"""user scope: the region a user works in and the department a liaison answers for

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 12:00:00

"""

from alembic import op
import sqlalchemy as sa


revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("region_code", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("department_code", sa.String(length=20), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_app_user_region_code_region"), "region", ["region_code"], ["code"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_app_user_department_code_department"),
            "department",
            ["department_code"],
            ["code"],
        )
    with op.batch_alter_table("dispute_case", schema=None) as batch_op:
        batch_op.create_index("ix_dispute_case_region", ["region_code"], unique=False)
    with op.batch_alter_table("party", schema=None) as batch_op:
        batch_op.create_index("ix_party_phone", ["phone"], unique=False)


def downgrade():
    with op.batch_alter_table("party", schema=None) as batch_op:
        batch_op.drop_index("ix_party_phone")
    with op.batch_alter_table("dispute_case", schema=None) as batch_op:
        batch_op.drop_index("ix_dispute_case_region")
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_app_user_department_code_department"), type_="foreignkey"
        )
        batch_op.drop_constraint(batch_op.f("fk_app_user_region_code_region"), type_="foreignkey")
        batch_op.drop_column("department_code")
        batch_op.drop_column("region_code")
