"""12345 work orders and the ladder's refusals: the hotline's verdicts on the center's
replies (认可/退回, idempotent by the sender's own id), the deadline rule for how long a
reply waits for the hotline's verdict, and the 12345 handling rule's full legal basis

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 10:00:00

"""

from alembic import op
import sqlalchemy as sa


revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


W, NO = "工作日", "不可延长"

# key, name, amount, unit, red_amount, warn_hours, pausable, extendable_by, max_extension, basis
NEW_RULES = [
    (
        "hotline.verdict",
        "12345 工单·等待热线回访结果",
        5,
        W,
        None,
        0,
        False,
        NO,
        None,
        "默认值：热线回访后认可或退回（济南条例 Art.27 退回再办）；逾期未反馈视为认可",
    ),
]
RULE_COLUMNS = (
    "key",
    "name",
    "amount",
    "unit",
    "red_amount",
    "warn_hours",
    "pausable",
    "extendable_by",
    "max_extension",
    "basis",
)

HOTLINE_BASIS_BEFORE = "济南条例 Art.24 等地方规定 (D18)"
HOTLINE_BASIS = (
    "济南市12345热线条例 Art.24、潍坊市12345热线条例 Art.20 (D18)：5个工作日内办理答复，"
    "不能按期办结的作出解释说明并提出解决方案"
)


def upgrade():
    op.create_table(
        "handoff_verdict",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.Integer(), nullable=True),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("verdict_id", sa.String(length=120), nullable=False),
        sa.Column("verdict", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("evaluation", sa.String(length=10), nullable=True),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["dispute_case.id"], name=op.f("fk_handoff_verdict_case_id_dispute_case")
        ),
        sa.ForeignKeyConstraint(
            ["sender_id"],
            ["handoff_sender.id"],
            name=op.f("fk_handoff_verdict_sender_id_handoff_sender"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoff_verdict")),
        sa.UniqueConstraint("sender_id", "verdict_id", name=op.f("uq_handoff_verdict_sender_id")),
    )
    with op.batch_alter_table("handoff_verdict", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_handoff_verdict_case_id"), ["case_id"], unique=False)

    rules = sa.table("deadline_rule", *(sa.column(name) for name in RULE_COLUMNS))
    op.bulk_insert(rules, [dict(zip(RULE_COLUMNS, row)) for row in NEW_RULES])
    # Only the seeded text is replaced: a basis an admin has edited stays as they wrote it.
    op.execute(
        rules.update()
        .where(rules.c.key == "hotline.handle")
        .where(rules.c.basis == HOTLINE_BASIS_BEFORE)
        .values(basis=HOTLINE_BASIS)
    )


def downgrade():
    rules = sa.table("deadline_rule", sa.column("key"), sa.column("basis"))
    op.execute(
        rules.update()
        .where(rules.c.key == "hotline.handle")
        .where(rules.c.basis == HOTLINE_BASIS)
        .values(basis=HOTLINE_BASIS_BEFORE)
    )
    op.execute(rules.delete().where(rules.c.key.in_([row[0] for row in NEW_RULES])))
    with op.batch_alter_table("handoff_verdict", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_handoff_verdict_case_id"))
    op.drop_table("handoff_verdict")
