"""handoff clocks: the deadline rules of the 三调 hand-offs' court-side steps (指派调解员 D8,
调解员确认 D9, 联系对方当事人 D10), the 信访 objection window (D14) and the 司法确认
application window of every mediation agreement (D2); the 访调 receipt rule renamed for
what it is (the center's own 签收, not the 信访部门's 15-day 转送/交办 of D12)

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-27 10:00:00

"""

from alembic import op
import sqlalchemy as sa


revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


W, C = "工作日", "自然日"
NO = "不可延长"
DEFAULT_D8 = "默认值，参照在线调解规则 Art.10 (D8)"
DEFAULT_D9 = "默认值，参照在线调解规则 Art.12 (D9)"
DEFAULT_D10 = "默认值，参照在线调解规则 Art.15 (D10)"

# key, name, amount, unit, red_amount, warn_hours, pausable, extendable_by, max_extension, basis
RULES = [
    ("court.assign", "诉调·指派调解员", 3, W, None, 24, False, NO, None, "在线调解规则 Art.10 (D8)"),
    ("police.assign", "警调·指派调解员", 3, W, None, 24, False, NO, None, DEFAULT_D8),
    ("petition.assign", "访调·指派调解员", 3, W, None, 24, False, NO, None, DEFAULT_D8),
    (
        "court.accept",
        "诉调·调解员确认接受或拒绝委派",
        3,
        W,
        None,
        24,
        False,
        NO,
        None,
        "在线调解规则 Art.12 (D9)",
    ),
    ("police.accept", "警调·调解员确认接受或拒绝", 3, W, None, 24, False, NO, None, DEFAULT_D9),
    ("petition.accept", "访调·调解员确认接受或拒绝", 3, W, None, 24, False, NO, None, DEFAULT_D9),
    (
        "court.contact",
        "诉调·联系对方当事人征询调解意愿",
        3,
        W,
        None,
        24,
        False,
        NO,
        None,
        "在线调解规则 Art.15 (D10)",
    ),
    ("police.contact", "警调·联系对方当事人", 3, W, None, 24, False, NO, None, DEFAULT_D10),
    ("petition.contact", "访调·联系对方当事人", 3, W, None, 24, False, NO, None, DEFAULT_D10),
    (
        "petition.objection",
        "访调·对交办提出异议（非本单位职责）",
        5,
        W,
        None,
        24,
        False,
        NO,
        None,
        "信访工作条例 Art.23 ¶3 (D14)",
    ),
    (
        "agreement.confirmation",
        "调解协议·申请司法确认",
        30,
        C,
        None,
        72,
        False,
        NO,
        None,
        "人民调解法 Art.33; 民诉法 Art.205 (D2)",
    ),
]
COLUMNS = (
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

# The 访调 receipt rule as seeded by 0002 and as it reads now; changed only where an admin
# has not edited it.
PETITION_RECEIPT_BEFORE = ("访调·签收", "默认值")
PETITION_RECEIPT_AFTER = (
    "访调·县综治中心签收",
    "默认值：条例未规定接收单位的签收时限（D12 的15日是信访部门登记、转送交办的时限）",
)


def _rule_table():
    return sa.table("deadline_rule", *(sa.column(name) for name in COLUMNS))


def _rename_receipt(old, new):
    rules = _rule_table()
    op.execute(
        rules.update()
        .where(rules.c.key == "petition.receipt")
        .where(rules.c.name == old[0])
        .where(rules.c.basis == old[1])
        .values(name=new[0], basis=new[1])
    )


def upgrade():
    op.bulk_insert(_rule_table(), [dict(zip(COLUMNS, row)) for row in RULES])
    _rename_receipt(PETITION_RECEIPT_BEFORE, PETITION_RECEIPT_AFTER)


def downgrade():
    rules = _rule_table()
    op.execute(rules.delete().where(rules.c.key.in_([row[0] for row in RULES])))
    _rename_receipt(PETITION_RECEIPT_AFTER, PETITION_RECEIPT_BEFORE)
