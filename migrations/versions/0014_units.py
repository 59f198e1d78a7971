"""people and units as data: units (every department is one, same code), the account's
unit, the roster of mediators and helpers, department stations at centers and their rota

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-08 10:00:00

"""

from alembic import op
import sqlalchemy as sa


revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "unit",
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("region_code", sa.String(length=20), nullable=True),
        sa.Column("parent_code", sa.String(length=20), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_code"], ["unit.code"], name=op.f("fk_unit_parent_code_unit")
        ),
        sa.ForeignKeyConstraint(
            ["region_code"], ["region.code"], name=op.f("fk_unit_region_code_region")
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_unit")),
    )
    op.create_table(
        "roster_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("unit_code", sa.String(length=20), nullable=False),
        sa.Column("region_code", sa.String(length=20), nullable=False),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["region_code"], ["region.code"], name=op.f("fk_roster_entry_region_code_region")
        ),
        sa.ForeignKeyConstraint(
            ["unit_code"], ["unit.code"], name=op.f("fk_roster_entry_unit_code_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_roster_entry")),
    )
    with op.batch_alter_table("roster_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_roster_entry_region_code"), ["region_code"])
        batch_op.create_index(batch_op.f("ix_roster_entry_unit_code"), ["unit_code"])
    op.create_table(
        "station",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("department_code", sa.String(length=20), nullable=False),
        sa.Column("unit_code", sa.String(length=20), nullable=False),
        sa.Column("mode", sa.String(length=10), nullable=False),
        sa.Column("liaison", sa.String(length=80), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_code"],
            ["department.code"],
            name=op.f("fk_station_department_code_department"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_code"], ["unit.code"], name=op.f("fk_station_unit_code_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_station")),
        sa.UniqueConstraint(
            "department_code", "unit_code", name=op.f("uq_station_department_code")
        ),
    )
    with op.batch_alter_table("station", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_station_unit_code"), ["unit_code"])
    op.create_table(
        "duty_rota",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("station_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["station_id"], ["station.id"], name=op.f("fk_duty_rota_station_id_station")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duty_rota")),
        sa.UniqueConstraint("station_id", "day", name=op.f("uq_duty_rota_station_id")),
    )
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("unit_code", sa.String(length=20), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_app_user_unit_code_unit"), "unit", ["unit_code"], ["code"]
        )
    _units_from_departments()


def _units_from_departments():
    """Every department becomes a unit with the same code (kind 部门), and each liaison
    belongs to their department's unit."""
    op.execute(
        "INSERT INTO unit (code, name, kind, region_code, parent_code, active) "
        "SELECT code, name, '部门', NULL, NULL, active FROM department"
    )
    op.execute(
        "UPDATE app_user SET unit_code = department_code "
        "WHERE department_code IS NOT NULL AND unit_code IS NULL"
    )


def downgrade():
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_app_user_unit_code_unit"), type_="foreignkey")
        batch_op.drop_column("unit_code")
    op.drop_table("duty_rota")
    with op.batch_alter_table("station", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_station_unit_code"))
    op.drop_table("station")
    with op.batch_alter_table("roster_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_roster_entry_unit_code"))
        batch_op.drop_index(batch_op.f("ix_roster_entry_region_code"))
    op.drop_table("roster_entry")
    op.drop_table("unit")
