"""calendar years and recorded deadlines: the official schedules imported year by year,
the calendar's change counter, and every due time diagrams computed with its counting (so
a calendar change re-times what it moves)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 19:00:00

"""

from alembic import op
import sqlalchemy as sa


revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "calendar_year",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("holidays", sa.JSON(), nullable=False),
        sa.Column("workdays", sa.JSON(), nullable=False),
        sa.Column("imported_by", sa.String(length=120), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("year"),
    )
    revisions = op.create_table(
        "calendar_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.bulk_insert(revisions, [{"id": 1, "revision": 1, "changed_at": None}])
    op.create_table(
        "deadline_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("basis", sa.JSON(), nullable=False),
        sa.Column("label", sa.String(length=160), nullable=False),
        sa.Column("provisional", sa.Boolean(), nullable=False),
        sa.Column("calendar_revision", sa.Integer(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["instance_id"], ["instance.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_deadline_record_instance_due", "deadline_record", ["instance_id", "due_at"]
    )
    op.create_index(
        "ix_deadline_record_revision", "deadline_record", ["calendar_revision", "due_at"]
    )


def downgrade():
    op.drop_index("ix_deadline_record_revision", table_name="deadline_record")
    op.drop_index("ix_deadline_record_instance_due", table_name="deadline_record")
    op.drop_table("deadline_record")
    op.drop_table("calendar_revision")
    op.drop_table("calendar_year")
