"""domain tables: cases, parties, calendar, deadline rules, reference data, records, hand-off

Seeds the default deadline rules (domain.md, research table D1-D21), the 司法行政 dispute
types and the departments a center summons; all are editable afterwards.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 11:11:14.544634

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


W, C, H = "工作日", "自然日", "小时"
NO, CONSENT, APPROVAL = "不可延长", "当事人同意", "领导批准"

# key, name, amount, unit, red_amount, warn_hours, pausable, extendable_by, max_extension, basis
DEADLINE_RULES = [
    (
        "ladder.grid",
        "四级七天·网格员化解",
        1,
        W,
        1,
        4,
        False,
        NO,
        None,
        "高台县四级七天 1+2+2+2 (D20)",
    ),
    (
        "ladder.village",
        "四级七天·村调委会化解",
        2,
        W,
        1,
        24,
        False,
        NO,
        None,
        "高台县四级七天 (D20)",
    ),
    (
        "ladder.township",
        "四级七天·镇综治中心化解",
        2,
        W,
        1,
        24,
        False,
        NO,
        None,
        "高台县四级七天 (D20)",
    ),
    (
        "ladder.leadership",
        "四级七天·镇党委政府化解",
        2,
        W,
        1,
        24,
        False,
        NO,
        None,
        "高台县四级七天 (D20)",
    ),
    ("ladder.total", "四级七天·闭环化解时限", 7, W, 4, 24, False, NO, None, "高台县四级七天 (D20)"),
    ("whistle.ack", "中心吹哨·部门报到", 1, W, 1, 4, False, NO, None, "domain.md 默认 1 个工作日"),
    (
        "whistle.handle",
        "中心吹哨·办结时限（四定默认值）",
        10,
        W,
        5,
        24,
        False,
        APPROVAL,
        10,
        "默认值，四定时由中心确定",
    ),
    ("whistle.progress", "中心吹哨·包跟踪进展报告间隔", 3, C, 1, 0, False, NO, None, "默认值"),
    (
        "court.receipt",
        "诉调·签收（确认或拒绝委派）",
        3,
        W,
        None,
        24,
        False,
        NO,
        None,
        "在线调解规则 Art.12 (D9)",
    ),
    (
        "court.mediation",
        "诉调·诉前委派调解",
        30,
        C,
        None,
        72,
        True,
        CONSENT,
        None,
        "特邀调解规定 Art.27; 在线调解规则 Art.24/26 (D5)",
    ),
    (
        "court.confirmation",
        "诉调·申请司法确认",
        30,
        C,
        None,
        72,
        False,
        NO,
        None,
        "人民调解法 Art.33; 民诉法 Art.205 (D2)",
    ),
    ("police.receipt", "警调·签收", 1, W, None, 4, False, NO, None, "默认值"),
    (
        "police.mediation",
        "警调·调解",
        30,
        C,
        15,
        72,
        True,
        CONSENT,
        None,
        "人民调解工作若干规定 一般一个月内调结 (D1)",
    ),
    ("petition.receipt", "访调·签收", 3, W, None, 24, False, NO, None, "默认值"),
    ("petition.mediation", "访调·调解", 30, C, 15, 72, True, CONSENT, None, "默认值 (D1)"),
    (
        "petition.notice",
        "访调·书面告知信访人",
        15,
        C,
        None,
        72,
        False,
        NO,
        None,
        "信访工作条例 Art.23 (D13)",
    ),
    (
        "petition.conclude",
        "访调·信访事项办结",
        60,
        C,
        None,
        120,
        False,
        APPROVAL,
        30,
        "信访工作条例 Art.34 (D15)",
    ),
    (
        "hotline.handle",
        "12345 工单办理",
        5,
        W,
        3,
        24,
        False,
        NO,
        None,
        "济南条例 Art.24 等地方规定 (D18)",
    ),
    (
        "labour.mediation",
        "劳动争议调解",
        15,
        C,
        None,
        72,
        False,
        NO,
        None,
        "劳动争议调解仲裁法 Art.14 (D11)",
    ),
    ("legal.handle", "法律服务办理", 5, W, 3, 24, False, NO, None, "默认值"),
    (
        "callback.redo",
        "二次督办·重新办理",
        5,
        W,
        3,
        24,
        False,
        NO,
        None,
        "济南条例 Art.27 退回再办 (默认值)",
    ),
    ("callback.recheck", "回访复核（防反弹）", 30, C, None, 0, False, NO, None, "默认值"),
]

DISPUTE_TYPES = [
    ("01", "婚姻家庭纠纷", ["离婚", "赡养", "抚养", "继承", "家暴"]),
    ("02", "邻里纠纷", ["通行采光", "漏水噪音"]),
    ("03", "房屋宅基地纠纷", ["宅基地界址", "房屋买卖租赁"]),
    ("04", "合同纠纷", ["买卖", "民间借贷", "租赁", "承揽"]),
    ("05", "生产经营纠纷", ["合伙", "经营"]),
    ("06", "损害赔偿纠纷", ["人身损害", "财产损害"]),
    ("07", "山林土地纠纷", ["土地承包经营权", "山林权属", "灌溉用水"]),
    ("08", "征地拆迁纠纷", ["补偿安置"]),
    ("09", "环境污染纠纷", []),
    ("10", "劳动争议纠纷", ["欠薪", "工伤", "劳动合同"]),
    ("11", "消费纠纷", []),
    ("12", "医疗纠纷", ["医患"]),
    ("13", "道路交通事故纠纷", []),
    ("14", "物业纠纷", ["物业费", "供暖", "公共设施"]),
    ("15", "其他纠纷", ["村务管理", "电子商务", "涉企"]),
]

DEPARTMENTS = [
    ("court", "人民法院", "轮驻"),
    ("procuratorate", "人民检察院", "随叫随驻"),
    ("police", "公安派出所", "常驻"),
    ("petition", "信访局", "常驻"),
    ("justice", "司法所", "常驻"),
    ("labour", "人社局", "轮驻"),
    ("civil", "民政局", "随叫随驻"),
    ("health", "卫健局", "随叫随驻"),
    ("housing", "住建局", "随叫随驻"),
    ("land", "自然资源局", "随叫随驻"),
    ("environment", "生态环境局", "随叫随驻"),
    ("agriculture", "农业农村局", "随叫随驻"),
    ("women", "妇联", "轮驻"),
]


def _seed():
    rules = sa.table(
        "deadline_rule",
        *(
            sa.column(n)
            for n in (
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
        ),
    )
    op.bulk_insert(
        rules,
        [
            dict(
                zip(
                    (
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
                    ),
                    row,
                )
            )
            for row in DEADLINE_RULES
        ],
    )
    types = sa.table(
        "dispute_type",
        sa.column("code"),
        sa.column("name"),
        sa.column("parent_code"),
        sa.column("active"),
    )
    rows = []
    for code, name, children in DISPUTE_TYPES:
        rows.append(dict(code=code, name=name, parent_code=None, active=True))
        rows += [
            dict(code=f"{code}{i:02d}", name=child, parent_code=code, active=True)
            for i, child in enumerate(children, start=1)
        ]
    op.bulk_insert(types, rows)
    departments = sa.table(
        "department",
        sa.column("code"),
        sa.column("name"),
        sa.column("station"),
        sa.column("active"),
    )
    op.bulk_insert(
        departments, [dict(code=c, name=n, station=s, active=True) for c, n, s in DEPARTMENTS]
    )


def upgrade():
    # ### commands auto generated by Alembic - please adjust! ###
    op.create_table(
        "case_code_counter",
        sa.Column("prefix", sa.String(length=30), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("prefix", name=op.f("pk_case_code_counter")),
    )
    op.create_table(
        "deadline_rule",
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("unit", sa.String(length=10), nullable=False),
        sa.Column("red_amount", sa.Integer(), nullable=True),
        sa.Column("warn_hours", sa.Integer(), nullable=False),
        sa.Column("pausable", sa.Boolean(), nullable=False),
        sa.Column("extendable_by", sa.String(length=10), nullable=False),
        sa.Column("max_extension", sa.Integer(), nullable=True),
        sa.Column("basis", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_deadline_rule")),
    )
    op.create_table(
        "department",
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("station", sa.String(length=10), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_department")),
    )
    op.create_table(
        "dispute_type",
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("parent_code", sa.String(length=20), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_code"],
            ["dispute_type.code"],
            name=op.f("fk_dispute_type_parent_code_dispute_type"),
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_dispute_type")),
    )
    op.create_table(
        "holiday_override",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("is_workday", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("updated_by", sa.String(length=120), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_holiday_override")),
    )
    op.create_table(
        "region",
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("parent_code", sa.String(length=20), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_code"], ["region.code"], name=op.f("fk_region_parent_code_region")
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_region")),
    )
    op.create_table(
        "handoff_sender",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("region_code", sa.String(length=20), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("callback_url", sa.String(length=500), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["region_code"], ["region.code"], name=op.f("fk_handoff_sender_region_code_region")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoff_sender")),
        sa.UniqueConstraint("code", name=op.f("uq_handoff_sender_code")),
    )
    op.create_table(
        "dispute_case",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=True),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("source_ref", sa.String(length=120), nullable=True),
        sa.Column("sender_id", sa.Integer(), nullable=True),
        sa.Column("dispute_type", sa.String(length=40), nullable=False),
        sa.Column("dispute_subtype", sa.String(length=40), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("request", sa.Text(), nullable=False),
        sa.Column("region_code", sa.String(length=20), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("people_count", sa.Integer(), nullable=False),
        sa.Column("collective", sa.Boolean(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("risk_colour", sa.String(length=4), nullable=False),
        sa.Column("route", sa.String(length=20), nullable=True),
        sa.Column("route_reason", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=True),
        sa.Column("owner_unit", sa.String(length=120), nullable=True),
        sa.Column("case_leader", sa.String(length=120), nullable=True),
        sa.Column("lead_leader", sa.String(length=120), nullable=True),
        sa.Column("responsible_unit", sa.String(length=120), nullable=True),
        sa.Column("responsible_person", sa.String(length=120), nullable=True),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("overdue", sa.Boolean(), nullable=False),
        sa.Column("result", sa.String(length=40), nullable=True),
        sa.Column("result_note", sa.Text(), nullable=True),
        sa.Column("remedy", sa.String(length=20), nullable=True),
        sa.Column("evaluation", sa.String(length=10), nullable=True),
        sa.Column("instance_id", sa.Integer(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_by", sa.String(length=120), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["instance_id"], ["instance.id"], name=op.f("fk_dispute_case_instance_id_instance")
        ),
        sa.ForeignKeyConstraint(
            ["region_code"], ["region.code"], name=op.f("fk_dispute_case_region_code_region")
        ),
        sa.ForeignKeyConstraint(
            ["sender_id"],
            ["handoff_sender.id"],
            name=op.f("fk_dispute_case_sender_id_handoff_sender"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispute_case")),
        sa.UniqueConstraint("code", name=op.f("uq_dispute_case_code")),
    )
    with op.batch_alter_table("dispute_case", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dispute_case_instance_id"), ["instance_id"], unique=False
        )
        batch_op.create_index("ix_dispute_case_received", ["received_at"], unique=False)
        batch_op.create_index("ix_dispute_case_status_due", ["status", "due_at"], unique=False)

    op.create_table(
        "callback_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by", sa.String(length=120), nullable=False),
        sa.Column("evaluation", sa.String(length=10), nullable=False),
        sa.Column("performance", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("fed_back_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["dispute_case.id"], name=op.f("fk_callback_record_case_id_dispute_case")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_callback_record")),
    )
    with op.batch_alter_table("callback_record", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_callback_record_case_id"), ["case_id"], unique=False)

    op.create_table(
        "handoff_inbound",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=120), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["dispute_case.id"], name=op.f("fk_handoff_inbound_case_id_dispute_case")
        ),
        sa.ForeignKeyConstraint(
            ["sender_id"],
            ["handoff_sender.id"],
            name=op.f("fk_handoff_inbound_sender_id_handoff_sender"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoff_inbound")),
        sa.UniqueConstraint("sender_id", "external_id", name=op.f("uq_handoff_inbound_sender_id")),
    )
    op.create_table(
        "mediation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("handoff", sa.String(length=10), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("mediator", sa.String(length=120), nullable=True),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("paused_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("paused_seconds", sa.Integer(), nullable=False),
        sa.Column("extended_days", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=40), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("agreement_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("confirmation_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("petition_notice_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("petition_conclude_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["dispute_case.id"], name=op.f("fk_mediation_case_id_dispute_case")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mediation")),
        sa.UniqueConstraint("case_id", name=op.f("uq_mediation_case_id")),
    )
    op.create_table(
        "outbox_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["dispute_case.id"], name=op.f("fk_outbox_message_case_id_dispute_case")
        ),
        sa.ForeignKeyConstraint(
            ["sender_id"],
            ["handoff_sender.id"],
            name=op.f("fk_outbox_message_sender_id_handoff_sender"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_message")),
    )
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_message_due", ["status", "next_attempt_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_outbox_message_sender_id"), ["sender_id"], unique=False
        )

    op.create_table(
        "party",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("phone", sa.String(length=30), nullable=True),
        sa.Column("id_number", sa.String(length=30), nullable=True),
        sa.Column("address", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["dispute_case.id"], name=op.f("fk_party_case_id_dispute_case")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_party")),
    )
    with op.batch_alter_table("party", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_party_case_id"), ["case_id"], unique=False)

    op.create_table(
        "progress_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by", sa.String(length=120), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["dispute_case.id"], name=op.f("fk_progress_report_case_id_dispute_case")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_progress_report")),
    )
    with op.batch_alter_table("progress_report", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_progress_report_case_id"), ["case_id"], unique=False)

    op.create_table(
        "summons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("department", sa.String(length=60), nullable=False),
        sa.Column("summoned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by", sa.String(length=120), nullable=True),
        sa.Column("chased", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["dispute_case.id"], name=op.f("fk_summons_case_id_dispute_case")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_summons")),
        sa.UniqueConstraint("case_id", "department", name=op.f("uq_summons_case_id")),
    )
    with op.batch_alter_table("summons", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_summons_case_id"), ["case_id"], unique=False)

    op.create_table(
        "supervision_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("target", sa.String(length=120), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("issued_by", sa.String(length=120), nullable=False),
        sa.Column("chase_method", sa.String(length=10), nullable=True),
        sa.Column("chased_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("chased_by", sa.String(length=120), nullable=True),
        sa.Column("chase_note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["dispute_case.id"],
            name=op.f("fk_supervision_record_case_id_dispute_case"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervision_record")),
    )
    with op.batch_alter_table("supervision_record", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_supervision_record_case_id"), ["case_id"], unique=False
        )

    # ### end Alembic commands ###
    _seed()


def downgrade():
    # ### commands auto generated by Alembic - please adjust! ###
    with op.batch_alter_table("supervision_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supervision_record_case_id"))

    op.drop_table("supervision_record")
    with op.batch_alter_table("summons", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_summons_case_id"))

    op.drop_table("summons")
    with op.batch_alter_table("progress_report", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_progress_report_case_id"))

    op.drop_table("progress_report")
    with op.batch_alter_table("party", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_party_case_id"))

    op.drop_table("party")
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_message_sender_id"))
        batch_op.drop_index("ix_outbox_message_due")

    op.drop_table("outbox_message")
    op.drop_table("mediation")
    op.drop_table("handoff_inbound")
    with op.batch_alter_table("callback_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_callback_record_case_id"))

    op.drop_table("callback_record")
    with op.batch_alter_table("dispute_case", schema=None) as batch_op:
        batch_op.drop_index("ix_dispute_case_status_due")
        batch_op.drop_index("ix_dispute_case_received")
        batch_op.drop_index(batch_op.f("ix_dispute_case_instance_id"))

    op.drop_table("dispute_case")
    op.drop_table("handoff_sender")
    op.drop_table("region")
    op.drop_table("holiday_override")
    op.drop_table("dispute_type")
    op.drop_table("department")
    op.drop_table("deadline_rule")
    op.drop_table("case_code_counter")
    # ### end Alembic commands ###
