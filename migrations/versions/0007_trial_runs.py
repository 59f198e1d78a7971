"""trial runs: a designer's trial of a draft diagram set, kept in its own table (never an
instance, task, timer, history or case row)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 12:00:00

"""

from alembic import op
import sqlalchemy as sa


revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "trial_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("process_id", sa.String(length=255), nullable=False),
        sa.Column("process_name", sa.String(length=255), nullable=False),
        sa.Column("source", sa.String(length=255), nullable=False),
        sa.Column("base_version_id", sa.Integer(), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("files", sa.JSON(), nullable=False),
        sa.Column("spec", sa.Text(), nullable=False),
        sa.Column("start_data", sa.JSON(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("serializer_version", sa.String(length=16), nullable=False),
        sa.Column("clock_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("step_count", sa.Integer(), nullable=False),
        sa.Column("log", sa.JSON(), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["base_version_id"],
            ["process_version.id"],
            name=op.f("fk_trial_run_base_version_id_process_version"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trial_run")),
    )
    with op.batch_alter_table("trial_run", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_trial_run_created_by"), ["created_by"], unique=False)


def downgrade():
    with op.batch_alter_table("trial_run", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_trial_run_created_by"))
    op.drop_table("trial_run")
