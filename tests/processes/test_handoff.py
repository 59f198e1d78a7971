"""三调对接 (``bpmn/handoff.bpmn``) and its 调解 (``bpmn/mediation.bpmn``), end to end.

The people of the lanes — 县综治中心 (签收、指派、书面告知), 调解员 (签收、调解、鉴定完成、
告知救济途径、提醒司法确认), 督办员 (督办催办) — play each hand-off: 诉调 (court.*),
警调 (police.*) and 访调 (petition.*). Dates are real: calendar-day limits whose last day
is a holiday move to the next working day (2026 国庆 10/1–10/7, 中秋 9/25–9/27).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import update

from engine import FormInvalid, InstanceStatus, TaskStatus
from processes.actions import mediation
from processes.models import (
    Case,
    DeadlineRule,
    HandoffSender,
    Mediation,
    OutboxMessage,
    ProgressReport,
    SupervisionRecord,
)
from tests.conftest import CST
from tests.processes.conftest import COUNTY, Scenario, deploy

CENTER, MEDIATOR, SUPERVISOR = "县综治中心", "调解员", "督办员"
HANDOFFS = ["诉调", "警调", "访调"]
RETURN_TO = {"诉调": "退回法院登记立案", "警调": "退回公安机关处理", "访调": "退回信访程序依法办理"}
MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=CST)
AGREED = {"mediation_outcome": "达成协议", "mediation_note": "双方当面协商，签署调解协议"}
FAILED = {
    "mediation_outcome": "调解不成",
    "failure_reason": "双方分歧较大难以达成协议",
    "mediation_note": "赔偿数额分歧过大",
}
REMEDIES = {"remedies": ["诉讼", "仲裁"], "return_reason": "赔偿数额分歧过大，调解不成"}
CHASED = {"chase_method": "电话督办", "chase_note": "已电话督促，承诺当日办理"}


def end_of(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 23, 59, 59, tzinfo=CST)


@pytest.fixture
def engine(case_engine, regions):
    if "mediation.receive" not in case_engine.operators:
        mediation.actions.register(case_engine.operators)
    deploy(case_engine, "handoff.bpmn", "mediation.bpmn", "supervise.bpmn")
    return case_engine


def start(engine, clock, handoff: str, **case) -> Scenario:
    return Scenario(engine, clock, "handoff", channel=handoff, **case)


def with_sender(s: Scenario, handoff: str) -> int:
    """Give the case a hand-off sender, so feedback lands in its outbox."""
    with s.engine.session_factory() as session:
        sender = HandoffSender(
            code=f"sender-{s.case_id}",
            name=f"{handoff}来源系统",
            channel=handoff,
            region_code=COUNTY,
            token_hash="0" * 64,
        )
        session.add(sender)
        session.flush()
        session.execute(update(Case).where(Case.id == s.case_id).values(sender_id=sender.id))
        session.commit()
        return sender.id


def receive(s: Scenario, mediator: str = "王调解员") -> None:
    s.complete(CENTER, "receive", {"receipt_decision": "签收"})
    s.complete(CENTER, "assign_mediator", {"mediator": mediator})


def accepted(engine, clock, handoff: str, **case) -> Scenario:
    """A hand-off signed for, assigned and accepted: the 调解 task is waiting."""
    s = start(engine, clock, handoff, **case)
    receive(s)
    s.complete(MEDIATOR, "accept", {"accepted": True})
    return s


def the_mediation(s: Scenario) -> Mediation:
    (row,) = s.rows(Mediation)
    return row


def due_of(s: Scenario, role: str, spec_id: str) -> datetime:
    return s.task(role, spec_id).due_at


def ready_everywhere(s: Scenario) -> dict[str, list[str]]:
    return s.open_tasks()


def assert_finished(s: Scenario, result: str) -> dict:
    instance = s.instance()
    assert instance.status == InstanceStatus.COMPLETED
    assert s.open_tasks() == {}
    assert instance.data["handoff_result"] == result
    return instance.data


def event_types(s: Scenario, *types: str) -> list[str]:
    return [e.event_type for e in s.events(types)]


# -- 签收 ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("handoff", "receipt_due"),
    [("诉调", end_of(2026, 3, 5)), ("警调", end_of(2026, 3, 3)), ("访调", end_of(2026, 3, 5))],
)
def test_receipt_in_time_feeds_back_and_hands_to_the_mediator(engine, clock, handoff, receipt_due):
    s = start(engine, clock, handoff)
    sender = with_sender(s, handoff)
    assert s.open_tasks() == {CENTER: ["receive"]}
    assert due_of(s, CENTER, "receive") == receipt_due
    case = s.case()
    assert (case.level, case.due_at) == (CENTER, receipt_due)

    clock.advance(hours=3)
    s.complete(CENTER, "receive", {"receipt_decision": "签收"})
    row = the_mediation(s)
    assert (row.handoff, row.received_at, row.mediator) == (handoff, clock.now(), None)
    (signed,) = s.rows(OutboxMessage)
    assert (signed.sender_id, signed.kind, signed.payload["outcome"]) == (
        sender,
        "签收",
        "已签收，适宜调解",
    )

    assert s.open_tasks() == {CENTER: ["assign_mediator"]}
    s.complete(CENTER, "assign_mediator", {"mediator": "王调解员"})
    assert the_mediation(s).mediator == "王调解员"
    assert s.ready_ids(MEDIATOR) == ["accept"]

    s.advance_to(receipt_due + timedelta(days=2))
    assert s.rows(SupervisionRecord) == []
    assert s.case().overdue is False


@pytest.mark.parametrize(
    ("handoff", "receipt_due"),
    [("诉调", end_of(2026, 3, 5)), ("警调", end_of(2026, 3, 3)), ("访调", end_of(2026, 3, 5))],
)
def test_late_receipt_is_supervised_and_can_still_be_signed(engine, clock, handoff, receipt_due):
    s = start(engine, clock, handoff)
    s.advance_to(receipt_due)
    assert s.ready_ids(SUPERVISOR) == []
    s.advance_to(receipt_due + timedelta(seconds=1))

    assert s.open_tasks() == {CENTER: ["receive"], SUPERVISOR: ["chase"]}
    (notice,) = s.rows(SupervisionRecord)
    assert (notice.kind, notice.reason, notice.target, notice.due_at) == (
        "督办提示单",
        "超期未签收",
        CENTER,
        receipt_due,
    )
    assert handoff in notice.content
    s.complete(SUPERVISOR, "chase", CHASED)
    assert s.rows(SupervisionRecord)[0].chase_method == "电话督办"

    receive(s)
    assert s.open_tasks()[MEDIATOR] == ["accept"]


# -- 不宜调解: returned at once ----------------------------------------------------------------


@pytest.mark.parametrize("handoff", HANDOFFS)
def test_not_fit_for_mediation_is_returned_at_once_with_reason(engine, clock, handoff):
    s = start(engine, clock, handoff)
    sender = with_sender(s, handoff)
    with pytest.raises(FormInvalid) as missing:
        s.complete(CENTER, "receive", {"receipt_decision": "退回"})
    assert set(missing.value.errors) >= {"return_reason", "remedies"}

    s.complete(
        CENTER,
        "receive",
        {
            "receipt_decision": "退回",
            "return_reason": "属于劳动仲裁受案范围，不宜调解",
            "remedies": ["仲裁"],
        },
    )
    assert_finished(s, "退回")
    case = s.case()
    assert (case.status, case.result, case.result_note) == (
        "已退回",
        "退回",
        "属于劳动仲裁受案范围，不宜调解",
    )
    assert case.closed_at == clock.now()
    assert s.rows(Mediation) == []
    (returned,) = s.rows(OutboxMessage)
    assert (returned.sender_id, returned.kind) == (sender, "退回")
    assert returned.payload["outcome"] == "不宜调解，" + RETURN_TO[handoff]
    assert returned.payload["reason"] == "属于劳动仲裁受案范围，不宜调解"
    assert returned.payload["remedies"] == ["仲裁"]
    assert event_types(s, "case_returned", "handoff_feedback_queued") == [
        "case_returned",
        "handoff_feedback_queued",
    ]


# -- 调解: the clock starts at the mediator's acceptance ----------------------------------


@pytest.mark.parametrize(
    ("handoff", "colour", "days"),
    [("诉调", "红", 30), ("警调", "黄", 30), ("警调", "红", 15), ("访调", "红", 15)],
)
def test_mediation_clock_starts_when_the_mediator_accepts(engine, clock, handoff, colour, days):
    s = start(engine, clock, handoff, risk_colour=colour)
    receive(s)
    s.advance_to(datetime(2026, 3, 4, 16, 0, tzinfo=CST))
    assert the_mediation(s).accepted_at is None
    s.complete(MEDIATOR, "accept", {"accepted": True})

    due = end_of(2026, 3, 4) + timedelta(days=days)  # 4/3 and 3/19: working days
    row = the_mediation(s)
    assert (row.accepted_at, row.due_at) == (clock.now(), due)
    case = s.case()
    assert (case.level, case.owner_unit, case.due_at) == (MEDIATOR, "王调解员", due)
    assert due_of(s, MEDIATOR, "mediate") == due
    levels = [e.data["to"] for e in s.events(["case_level_changed"])]
    assert levels == [CENTER, MEDIATOR]


# -- 达成协议 -------------------------------------------------------------------------------


def test_court_agreement_resolves_and_reminds_of_judicial_confirmation(engine, clock):
    clock.set(datetime(2026, 8, 28, 9, 0, tzinfo=CST))
    s = start(engine, clock, "诉调")
    sender = with_sender(s, "诉调")
    receive(s)
    s.complete(MEDIATOR, "accept", {"accepted": True})
    # 8/28 + 30 = 9/27, a 中秋 holiday: the limit moves to Monday 9/28
    assert the_mediation(s).due_at == end_of(2026, 9, 28)

    s.advance_to(datetime(2026, 9, 1, 10, 0, tzinfo=CST))
    s.complete(MEDIATOR, "mediate", AGREED)

    # 9/1 + 30 = 10/1, inside 国庆 (10/1–10/7): the last day is Thursday 10/8
    confirmation_due = end_of(2026, 10, 8)
    row = the_mediation(s)
    assert (row.outcome, row.agreement_at, row.confirmation_due_at) == (
        "达成协议",
        clock.now(),
        confirmation_due,
    )
    case = s.case()
    assert (case.status, case.result, case.resolved_at) == ("已化解", "调解成功", clock.now())
    assert [(m.sender_id, m.kind, m.payload["outcome"]) for m in s.rows(OutboxMessage)] == [
        (sender, "签收", "已签收，适宜调解"),
        (sender, "调解成功", "达成调解协议"),
    ]
    (notice,) = s.rows(SupervisionRecord)
    assert (notice.kind, notice.reason, notice.target, notice.due_at) == (
        "督办提示单",
        "交办",
        "王调解员",
        confirmation_due,
    )
    assert s.open_tasks() == {MEDIATOR: ["remind_confirmation"]}
    assert due_of(s, MEDIATOR, "remind_confirmation") == confirmation_due
    assert s.instance().status == InstanceStatus.RUNNING

    s.advance(days=3)
    s.complete(
        MEDIATOR,
        "remind_confirmation",
        {"confirmation_status": "已提醒，当事人将申请", "remind_note": "电话提醒双方当事人"},
    )
    assert_finished(s, "化解")
    s.advance_to(confirmation_due + timedelta(days=1))
    assert s.rows(ProgressReport, kind="进展") == []


def test_court_confirmation_window_lapsing_ends_the_reminder(engine, clock):
    s = accepted(engine, clock, "诉调")
    s.advance(days=2)
    s.complete(MEDIATOR, "mediate", AGREED)
    due = the_mediation(s).confirmation_due_at
    assert due == end_of(2026, 4, 3)  # 3/4 + 30 = 4/3, a Friday (清明 starts 4/4)
    s.advance_to(due)
    assert s.ready_ids(MEDIATOR) == ["remind_confirmation"]
    s.advance_to(due + timedelta(seconds=1))
    assert_finished(s, "化解")
    (lapsed,) = s.rows(ProgressReport, kind="进展")
    assert "期限已届满" in lapsed.text


@pytest.mark.parametrize("handoff", ["警调", "访调"])
def test_police_and_petition_agreements_resolve_without_confirmation(engine, clock, handoff):
    s = accepted(engine, clock, handoff)
    sender = with_sender(s, handoff)
    s.advance(days=5)
    s.complete(MEDIATOR, "mediate", AGREED)
    assert_finished(s, "化解")
    assert s.case().status == "已化解"
    row = the_mediation(s)
    assert (row.outcome, row.confirmation_due_at) == ("达成协议", None)
    assert [(m.sender_id, m.kind) for m in s.rows(OutboxMessage)] == [(sender, "调解成功")]
    assert s.rows(SupervisionRecord) == []


# -- 调解不成 -------------------------------------------------------------------------------


@pytest.mark.parametrize("handoff", HANDOFFS)
def test_failure_tells_remedies_and_returns_to_the_source(engine, clock, handoff):
    s = accepted(engine, clock, handoff)
    sender = with_sender(s, handoff)
    s.advance(days=10)
    s.complete(MEDIATOR, "mediate", FAILED)
    assert s.open_tasks() == {MEDIATOR: ["tell_remedies"]}
    row = the_mediation(s)
    assert (row.outcome, row.reason) == ("调解不成", "双方分歧较大难以达成协议：赔偿数额分歧过大")
    with pytest.raises(FormInvalid):
        s.complete(MEDIATOR, "tell_remedies", {"remedies": [], "return_reason": "无"})

    s.complete(MEDIATOR, "tell_remedies", REMEDIES)
    assert_finished(s, "退回")
    case = s.case()
    assert (case.status, case.result_note) == ("已退回", REMEDIES["return_reason"])
    (returned,) = s.rows(OutboxMessage)
    assert (returned.sender_id, returned.kind) == (sender, "退回")
    assert returned.payload["outcome"] == "调解不成，" + RETURN_TO[handoff]
    assert returned.payload["remedies"] == ["诉讼", "仲裁"]


def test_expiry_without_agreed_extension_is_a_failure(engine, clock):
    s = accepted(engine, clock, "警调")
    due = end_of(2026, 4, 1)  # 3/2 + 30
    assert due_of(s, MEDIATOR, "mediate") == due
    s.advance_to(due)
    assert s.ready_ids(MEDIATOR) == ["mediate"]
    s.advance_to(due + timedelta(seconds=1))

    assert s.open_tasks() == {MEDIATOR: ["tell_remedies"]}
    assert [t.status for t in s.engine.tasks_of(s.instance_id) if t.spec_id == "mediate"] == [
        TaskStatus.CANCELLED
    ]
    row = the_mediation(s)
    assert (row.outcome, row.reason) == ("调解不成", "调解期限届满，当事人未同意延长")
    assert s.case().due_at is None
    assert s.instance().data["mediation_expired"] is True
    s.complete(MEDIATOR, "tell_remedies", REMEDIES)
    assert_finished(s, "退回")


# -- 延期 and 鉴定 ---------------------------------------------------------------------------


def test_extension_by_consent_moves_the_due_date(engine, clock):
    s = accepted(engine, clock, "警调")
    with pytest.raises(FormInvalid) as missing:
        s.complete(MEDIATOR, "mediate", {"mediation_outcome": "申请延期", "mediation_note": "同意"})
    assert set(missing.value.errors) >= {"parties_consent", "extension_days"}

    s.advance_to(datetime(2026, 3, 30, 10, 0, tzinfo=CST))
    s.complete(
        MEDIATOR,
        "mediate",
        {
            "mediation_outcome": "申请延期",
            "parties_consent": True,
            "extension_days": 10,
            "mediation_note": "双方书面同意延长十日",
        },
    )
    # 4/1 + 10 = 4/11, a Saturday: the extended limit is Monday 4/13
    extended = end_of(2026, 4, 13)
    row = the_mediation(s)
    assert (row.extended_days, row.due_at) == (10, extended)
    assert s.case().due_at == extended
    assert due_of(s, MEDIATOR, "mediate") == extended
    (event,) = s.events(["mediation_extended"])
    assert (event.data["days"], event.data["due"]) == (10, extended.isoformat())

    s.advance_to(end_of(2026, 4, 1) + timedelta(hours=1))  # the old limit passes quietly
    assert s.ready_ids(MEDIATOR) == ["mediate"]
    s.complete(MEDIATOR, "mediate", AGREED)
    assert_finished(s, "化解")


def test_appraisal_pauses_the_clock_and_moves_the_due_by_the_paused_time(engine, clock):
    s = accepted(engine, clock, "诉调")
    due = end_of(2026, 4, 1)
    paused_at = datetime(2026, 3, 10, 10, 0, tzinfo=CST)
    s.advance_to(paused_at)
    s.complete(
        MEDIATOR,
        "mediate",
        {
            "mediation_outcome": "鉴定评估",
            "appraisal_item": "房屋漏水损失评估",
            "mediation_note": "双方同意委托评估",
        },
    )
    assert s.open_tasks() == {MEDIATOR: ["appraisal_done"]}
    row = the_mediation(s)
    assert (row.paused_at, row.due_at) == (paused_at, due)
    assert s.case().due_at is None

    s.advance_to(due + timedelta(days=4))  # past the old limit: the clock is stopped
    assert s.open_tasks() == {MEDIATOR: ["appraisal_done"]}
    resumed_at = datetime(2026, 4, 5, 15, 30, tzinfo=CST)
    s.advance_to(resumed_at)
    s.complete(MEDIATOR, "appraisal_done", {"appraisal_result": "损失约两万元"})

    paused = resumed_at - paused_at
    new_due = due + paused
    assert new_due == datetime(2026, 4, 28, 5, 29, 59, tzinfo=CST)
    row = the_mediation(s)
    assert (row.paused_at, row.paused_seconds, row.due_at) == (
        None,
        int(paused.total_seconds()),
        new_due,
    )
    assert s.case().due_at == new_due
    assert due_of(s, MEDIATOR, "mediate") == new_due
    assert event_types(s, "mediation_paused", "mediation_resumed") == [
        "mediation_paused",
        "mediation_resumed",
    ]
    s.advance_to(new_due)
    assert s.ready_ids(MEDIATOR) == ["mediate"]
    s.advance_to(new_due + timedelta(seconds=1))
    assert s.ready_ids(MEDIATOR) == ["tell_remedies"]


def test_extensions_are_capped_and_then_treated_as_failure(engine, clock):
    s = accepted(engine, clock, "警调")
    extend = {
        "mediation_outcome": "申请延期",
        "parties_consent": True,
        "extension_days": 5,
        "mediation_note": "双方同意延期",
    }
    for _ in range(3):
        s.advance(days=1)
        s.complete(MEDIATOR, "mediate", extend)
        assert s.ready_ids(MEDIATOR) == ["mediate"]
    s.complete(MEDIATOR, "mediate", extend)

    assert s.open_tasks() == {MEDIATOR: ["tell_remedies"]}
    row = the_mediation(s)
    assert (row.extended_days, row.outcome) == (15, "调解不成")
    assert row.reason.startswith("申请延期未获准许（次数已达上限")
    assert len(s.events(["mediation_extended"])) == 3


def test_pauses_are_capped(engine, clock):
    s = accepted(engine, clock, "诉调")
    appraise = {
        "mediation_outcome": "鉴定评估",
        "appraisal_item": "伤残鉴定",
        "mediation_note": "委托",
    }
    for _ in range(3):
        s.complete(MEDIATOR, "mediate", appraise)
        s.advance(days=2)
        s.complete(MEDIATOR, "appraisal_done", {"appraisal_result": "已出结论"})
    s.complete(MEDIATOR, "mediate", appraise)
    assert s.open_tasks() == {MEDIATOR: ["tell_remedies"]}
    assert the_mediation(s).paused_seconds == 3 * 2 * 86400


def test_no_extension_where_the_rule_does_not_allow_consent(engine, clock):
    with engine.session_factory() as session:
        session.execute(
            update(DeadlineRule)
            .where(DeadlineRule.key == "police.mediation")
            .values(extendable_by="不可延长")
        )
        session.commit()
    s = accepted(engine, clock, "警调")
    s.complete(
        MEDIATOR,
        "mediate",
        {
            "mediation_outcome": "申请延期",
            "parties_consent": True,
            "extension_days": 10,
            "mediation_note": "当事人同意延期",
        },
    )
    assert s.open_tasks() == {MEDIATOR: ["tell_remedies"]}
    row = the_mediation(s)
    assert (row.extended_days, row.due_at, row.outcome) == (0, end_of(2026, 4, 1), "调解不成")


# -- 访调: the 信访 clock beside the mediation -----------------------------------------------


def test_petition_notice_and_conclusion_clocks_run_beside_the_mediation(engine, clock):
    clock.set(datetime(2026, 9, 16, 10, 0, tzinfo=CST))
    s = start(engine, clock, "访调")
    receive(s)
    # 9/16 + 15 = 10/1 (国庆) -> 10/8; 9/16 + 60 = 11/15 (Sunday) -> 11/16
    notice_due, conclude_due = end_of(2026, 10, 8), end_of(2026, 11, 16)
    row = the_mediation(s)
    assert (row.petition_notice_due_at, row.petition_conclude_due_at) == (notice_due, conclude_due)
    assert s.open_tasks() == {CENTER: ["notify_petitioner"], MEDIATOR: ["accept"]}
    assert due_of(s, CENTER, "notify_petitioner") == notice_due

    s.complete(MEDIATOR, "accept", {"accepted": True})
    s.complete(
        MEDIATOR,
        "mediate",
        {
            "mediation_outcome": "鉴定评估",
            "appraisal_item": "土地界址测绘",
            "mediation_note": "委托测绘",
        },
    )

    s.advance_to(notice_due)
    assert s.ready_ids(SUPERVISOR) == []
    s.advance_to(notice_due + timedelta(seconds=1))
    assert s.ready_ids(SUPERVISOR) == ["chase"]
    (late_notice,) = s.rows(SupervisionRecord)
    assert (late_notice.reason, late_notice.target, late_notice.due_at) == (
        "超期未化解",
        CENTER,
        notice_due,
    )
    assert "书面告知" in late_notice.content
    s.complete(SUPERVISOR, "chase", CHASED)
    s.complete(
        CENTER, "notify_petitioner", {"notice_method": "邮寄送达", "notice_note": "告知书已寄出"}
    )
    assert [r.text for r in s.rows(ProgressReport, kind="进展")] == [
        "已书面告知信访人（邮寄送达）：告知书已寄出"
    ]

    warn_at = conclude_due - timedelta(hours=120)  # the rule warns 120 hours ahead
    s.advance_to(warn_at)
    assert len(s.rows(SupervisionRecord)) == 1
    s.advance_to(warn_at + timedelta(seconds=1))
    warning = s.rows(SupervisionRecord)[-1]
    assert (warning.kind, warning.reason, warning.due_at) == (
        "督办提示单",
        "临期预警",
        conclude_due,
    )
    assert s.case().overdue is False

    s.advance_to(conclude_due + timedelta(seconds=1))
    assert s.case().overdue is True
    overdue = s.rows(SupervisionRecord)[-1]
    assert (overdue.reason, overdue.due_at) == ("超期未化解", conclude_due)
    assert s.ready_ids(SUPERVISOR) == ["chase"]
    assert s.ready_ids(MEDIATOR) == ["appraisal_done"]  # the mediation clock is paused

    s.complete(MEDIATOR, "appraisal_done", {"appraisal_result": "界址已测定"})
    s.complete(MEDIATOR, "mediate", AGREED)
    assert s.instance().status == InstanceStatus.RUNNING  # the 督办 chase is still open
    s.complete(SUPERVISOR, "chase", CHASED)
    assert_finished(s, "化解")


def test_petition_clocks_stop_when_the_mediation_ends(engine, clock):
    s = accepted(engine, clock, "访调")
    assert s.open_tasks() == {CENTER: ["notify_petitioner"], MEDIATOR: ["mediate"]}
    s.advance(days=3)
    s.complete(MEDIATOR, "mediate", FAILED)
    assert s.open_tasks() == {MEDIATOR: ["tell_remedies"]}
    notify = [t for t in s.engine.tasks_of(s.instance_id) if t.spec_id == "notify_petitioner"]
    assert [t.status for t in notify] == [TaskStatus.CANCELLED]

    s.advance(days=70)  # past both 信访 limits: nothing fires any more
    assert s.rows(SupervisionRecord) == []
    assert s.case().overdue is False
    s.complete(MEDIATOR, "tell_remedies", {**REMEDIES, "remedies": ["信访"]})
    assert_finished(s, "退回")


@pytest.mark.parametrize("handoff", ["诉调", "警调"])
def test_court_and_police_have_no_petition_clock(engine, clock, handoff):
    s = accepted(engine, clock, handoff)
    assert s.open_tasks() == {MEDIATOR: ["mediate"]}
    row = the_mediation(s)
    assert (row.petition_notice_due_at, row.petition_conclude_due_at) == (None, None)


def test_result_survives_a_supervision_finished_after_the_mediation(engine, clock):
    s = start(engine, clock, "警调")
    s.advance_to(end_of(2026, 3, 3) + timedelta(minutes=1))
    assert s.ready_ids(SUPERVISOR) == ["chase"]
    receive(s)
    s.complete(MEDIATOR, "accept", {"accepted": True})
    s.complete(MEDIATOR, "mediate", AGREED)
    assert s.instance().status == InstanceStatus.RUNNING
    s.complete(SUPERVISOR, "chase", CHASED)
    data = assert_finished(s, "化解")
    assert data["mediation_outcome"] == "达成协议"
