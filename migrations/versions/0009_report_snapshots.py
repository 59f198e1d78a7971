"""report snapshots and risk alerts: reports as issued (immutable; scheduled ones unique
per kind, region and first day), and the rising-risk warnings raised from a county's
weekly report with the county center's judgement

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26 10:00:00

"""

from alembic import op
import sqlalchemy as sa


revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "report_snapshot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("region_code", sa.String(length=20), nullable=False),
        sa.Column("first", sa.Date(), nullable=False),
        sa.Column("last", sa.Date(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("issued_by", sa.String(length=120), nullable=False),
        sa.Column("scheduled", sa.Boolean(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["region_code"], ["region.code"], name=op.f("fk_report_snapshot_region_code_region")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_snapshot")),
    )
    with op.batch_alter_table("report_snapshot", schema=None) as batch_op:
        batch_op.create_index(
            "uq_report_snapshot_scheduled",
            ["kind", "region_code", "first"],
            unique=True,
            postgresql_where=sa.text("scheduled"),
            sqlite_where=sa.text("scheduled"),
        )
        batch_op.create_index(
            "ix_report_snapshot_region_first", ["region_code", "first"], unique=False
        )
    op.create_table(
        "risk_alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=True),
        sa.Column("region_code", sa.String(length=20), nullable=False),
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column("dimension", sa.String(length=4), nullable=False),
        sa.Column("subject_code", sa.String(length=20), nullable=False),
        sa.Column("subject", sa.String(length=60), nullable=False),
        sa.Column("current", sa.Integer(), nullable=False),
        sa.Column("previous", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=4), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("judgement", sa.Text(), nullable=True),
        sa.Column("measures", sa.Text(), nullable=True),
        sa.Column("handled_by", sa.String(length=120), nullable=True),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("assigned_to", sa.String(length=120), nullable=True),
        sa.Column("assigned_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["instance_id"], ["instance.id"], name=op.f("fk_risk_alert_instance_id_instance")
        ),
        sa.ForeignKeyConstraint(
            ["region_code"], ["region.code"], name=op.f("fk_risk_alert_region_code_region")
        ),
        sa.ForeignKeyConstraint(
            ["snapshot_id"],
            ["report_snapshot.id"],
            name=op.f("fk_risk_alert_snapshot_id_report_snapshot"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_alert")),
        sa.UniqueConstraint("instance_id", name=op.f("uq_risk_alert_instance_id")),
        sa.UniqueConstraint(
            "snapshot_id", "dimension", "subject_code", name=op.f("uq_risk_alert_snapshot_id")
        ),
    )
    with op.batch_alter_table("risk_alert", schema=None) as batch_op:
        batch_op.create_index(
            "ix_risk_alert_region_instance", ["region_code", "instance_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_risk_alert_snapshot_id"), ["snapshot_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("risk_alert", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_risk_alert_snapshot_id"))
        batch_op.drop_index("ix_risk_alert_region_instance")
    op.drop_table("risk_alert")
    with op.batch_alter_table("report_snapshot", schema=None) as batch_op:
        batch_op.drop_index("ix_report_snapshot_region_first")
        batch_op.drop_index("uq_report_snapshot_scheduled")
    op.drop_table("report_snapshot")
