"""task assignment: a ready task's candidate unit, multi-instance item and whether it is open
to every holder of its lane; its candidate users and units (task_candidate, rows of ready
tasks only, found by user and by unit); the work list's open-to-lane index now leaves out
tasks restricted to candidates; stand-ins while away (stand_in)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 10:00:00

"""

from alembic import op
import sqlalchemy as sa


revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

OLD_OPEN = "status = 'ready' AND assignee IS NULL"
OPEN = OLD_OPEN + " AND open_to_lane"
OPEN_SQLITE = OLD_OPEN + " AND open_to_lane = 1"  # as SQLAlchemy writes it for SQLite


def upgrade():
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.add_column(sa.Column("candidate_unit", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("item", sa.String(length=255), nullable=True))
        batch_op.add_column(
            sa.Column("open_to_lane", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
    _open_index(OPEN, OPEN_SQLITE)
    op.create_table(
        "task_candidate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.String(length=36), nullable=False),
        sa.Column("username", sa.String(length=120), nullable=True),
        sa.Column("unit_code", sa.String(length=20), nullable=True),
        sa.CheckConstraint(
            "(username IS NULL) <> (unit_code IS NULL)",
            name=op.f("ck_task_candidate_one_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["task.id"], name=op.f("fk_task_candidate_task_id_task")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_candidate")),
    )
    with op.batch_alter_table("task_candidate", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_task_candidate_task_id"), ["task_id"], unique=False)
        batch_op.create_index("ix_task_candidate_username", ["username", "task_id"], unique=False)
        batch_op.create_index("ix_task_candidate_unit", ["unit_code", "task_id"], unique=False)
    op.create_table(
        "stand_in",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("stand_in", sa.String(length=80), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["username"], ["app_user.username"], name=op.f("fk_stand_in_username_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["stand_in"], ["app_user.username"], name=op.f("fk_stand_in_stand_in_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stand_in")),
        sa.UniqueConstraint("username", name=op.f("uq_stand_in_username")),
    )
    with op.batch_alter_table("stand_in", schema=None) as batch_op:
        batch_op.create_index("ix_stand_in_stand_in", ["stand_in", "ends_on"], unique=False)


def downgrade():
    with op.batch_alter_table("stand_in", schema=None) as batch_op:
        batch_op.drop_index("ix_stand_in_stand_in")
    op.drop_table("stand_in")
    with op.batch_alter_table("task_candidate", schema=None) as batch_op:
        batch_op.drop_index("ix_task_candidate_unit")
        batch_op.drop_index("ix_task_candidate_username")
        batch_op.drop_index(batch_op.f("ix_task_candidate_task_id"))
    op.drop_table("task_candidate")
    _open_index(OLD_OPEN, OLD_OPEN)
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.drop_column("open_to_lane")
        batch_op.drop_column("item")
        batch_op.drop_column("candidate_unit")


def _open_index(predicate: str, sqlite_predicate: str) -> None:
    """Ready tasks open to every holder of a role, in deadline order."""
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.drop_index("ix_task_ready_open")
        batch_op.create_index(
            "ix_task_ready_open",
            ["candidate_role", "due_at", "instance_id"],
            unique=False,
            postgresql_where=sa.text(predicate),
            sqlite_where=sa.text(sqlite_predicate),
        )
