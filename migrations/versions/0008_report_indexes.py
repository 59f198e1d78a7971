"""report indexes: cases by receipt, resolution and unresolved end carrying what reports
count (index-only scans), callbacks by time; the court's monthly civil filings (诉前分流率);
region level 市 needs no schema change (levels are checked in processes.reference)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26 09:00:00

"""

from alembic import op
import sqlalchemy as sa


revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

UNRESOLVED = "resolved_at IS NULL"


def upgrade():
    with op.batch_alter_table("dispute_case", schema=None) as batch_op:
        batch_op.drop_index("ix_dispute_case_received")
        batch_op.create_index(
            "ix_dispute_case_received",
            ["received_at", "status", "channel", "region_code"],
            unique=False,
        )
        batch_op.create_index(
            "ix_dispute_case_resolved",
            ["resolved_at", "level", "overdue", "region_code", "received_at"],
            unique=False,
        )
        batch_op.create_index(
            "ix_dispute_case_ended",
            ["closed_at", "status", "overdue", "region_code"],
            unique=False,
            postgresql_where=sa.text(UNRESOLVED),
            sqlite_where=sa.text(UNRESOLVED),
        )
    with op.batch_alter_table("callback_record", schema=None) as batch_op:
        batch_op.create_index(
            "ix_callback_record_at", ["at", "evaluation", "case_id"], unique=False
        )
    op.create_table(
        "court_filing",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=20), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("civil_cases", sa.Integer(), nullable=False),
        sa.Column("entered_by", sa.String(length=120), nullable=False),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["region_code"], ["region.code"], name=op.f("fk_court_filing_region_code_region")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_court_filing")),
        sa.UniqueConstraint("region_code", "month", name=op.f("uq_court_filing_region_code")),
    )


def downgrade():
    op.drop_table("court_filing")
    with op.batch_alter_table("callback_record", schema=None) as batch_op:
        batch_op.drop_index("ix_callback_record_at")
    with op.batch_alter_table("dispute_case", schema=None) as batch_op:
        batch_op.drop_index("ix_dispute_case_ended")
        batch_op.drop_index("ix_dispute_case_resolved")
        batch_op.drop_index("ix_dispute_case_received")
        batch_op.create_index("ix_dispute_case_received", ["received_at"], unique=False)
