"""field work: reports from the phone app (idempotent by the phone's id), photo uploads in
resumable chunks, screening rounds and their findings

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06 23:38:26.848952

"""

from alembic import op
import sqlalchemy as sa


revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "photo_upload",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("received", sa.Integer(), nullable=False),
        sa.Column("uploader", sa.String(length=80), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_photo_upload")),
    )
    op.create_table(
        "photo_chunk",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("offset", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["sha256"],
            ["photo_upload.sha256"],
            name=op.f("fk_photo_chunk_sha256_photo_upload"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("sha256", "offset", name=op.f("pk_photo_chunk")),
    )
    op.create_table(
        "screening_round",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.String(length=36), nullable=False),
        sa.Column("worker", sa.String(length=80), nullable=False),
        sa.Column("region_code", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("visited", sa.Integer(), nullable=False),
        sa.Column("visited_note", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["region_code"], ["region.code"], name=op.f("fk_screening_round_region_code_region")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening_round")),
        sa.UniqueConstraint("client_id", name=op.f("uq_screening_round_client_id")),
    )
    with op.batch_alter_table("screening_round", schema=None) as batch_op:
        batch_op.create_index(
            "ix_screening_round_region_day", ["region_code", "held_on"], unique=False
        )

    op.create_table(
        "screening_finding",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["screening_round.id"],
            name=op.f("fk_screening_finding_round_id_screening_round"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening_finding")),
    )
    with op.batch_alter_table("screening_finding", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_screening_finding_round_id"), ["round_id"], unique=False
        )

    op.create_table(
        "field_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.String(length=36), nullable=False),
        sa.Column("reporter", sa.String(length=80), nullable=False),
        sa.Column("region_code", sa.String(length=20), nullable=True),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("finding_id", sa.Integer(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["dispute_case.id"], name=op.f("fk_field_report_case_id_dispute_case")
        ),
        sa.ForeignKeyConstraint(
            ["finding_id"],
            ["screening_finding.id"],
            name=op.f("fk_field_report_finding_id_screening_finding"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_field_report")),
        sa.UniqueConstraint("client_id", name=op.f("uq_field_report_client_id")),
    )
    with op.batch_alter_table("field_report", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_field_report_finding_id"), ["finding_id"], unique=False
        )
        batch_op.create_index("ix_field_report_reporter", ["reporter", "received_at"], unique=False)


def downgrade():
    with op.batch_alter_table("field_report", schema=None) as batch_op:
        batch_op.drop_index("ix_field_report_reporter")
        batch_op.drop_index(batch_op.f("ix_field_report_finding_id"))

    op.drop_table("field_report")
    with op.batch_alter_table("screening_finding", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_screening_finding_round_id"))

    op.drop_table("screening_finding")
    with op.batch_alter_table("screening_round", schema=None) as batch_op:
        batch_op.drop_index("ix_screening_round_region_day")

    op.drop_table("screening_round")
    op.drop_table("photo_chunk")
    op.drop_table("photo_upload")
