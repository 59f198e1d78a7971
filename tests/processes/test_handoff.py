"""三调对接 (``bpmn/handoff.bpmn``), end to end through its called processes.

The people of the lanes — 县综治中心 (签收、异议、指派、书面告知), 调解员 (接受、联系、调解、
告知救济途径、提醒司法确认), 督办员 (督办催办) — play each hand-off: 诉调 (court.*),
警调 (police.*) and 访调 (petition.*). Dates are real (see ``handoff_support``): calendar-day
limits whose last day is a holiday move to the next working day, working-day limits skip
国庆 and count its make-up Saturday. The mediation's own clocks are in
``test_mediation_clocks``, the 访调 信访 clock in ``test_petition_clocks``, the reminder of
司法确认 on its own in ``test_confirmation``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from engine import FormInvalid, InstanceStatus
from processes.models import (
    DeadlineRule,
    Mediation,
    OutboxMessage,
    SupervisionRecord,
)
from tests.conftest import CST
from tests.processes.conftest import Scenario, deploy
from tests.processes.handoff_support import (
    ACCEPTED,
    AGREED,
    BEFORE_NATIONAL_DAY,
    CENTER,
    CHASED,
    CONSENTED,
    FAILED,
    HANDOFFS,
    MEDIATOR,
    REFUSAL,
    REMEDIES,
    RETURN_TO,
    SIGNED,
    SUPERVISOR,
    assert_finished,
    assign,
    deploy_handoff,
    due_of,
    end_of,
    event_types,
    instructions,
    mediating,
    receive,
    receive_spec,
    start,
    the_mediation,
    with_sender,
)

REMINDED = {"confirmation_status": "已提醒，当事人将申请", "remind_note": "电话提醒双方当事人"}


@pytest.fixture
def engine(case_engine, regions):
    return deploy_handoff(case_engine)


# -- 签收 ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("handoff", "task", "receipt_due"),
    [
        ("诉调", "receive", end_of(2026, 3, 5)),
        ("警调", "receive", end_of(2026, 3, 3)),
        ("访调", "receive_petition", end_of(2026, 3, 5)),
    ],
)
def test_receipt_in_time_feeds_back_and_waits_for_a_mediator(
    engine, clock, handoff, task, receipt_due
):
    s = start(engine, clock, handoff)
    sender = with_sender(s, handoff)
    assert s.ready_ids(CENTER) == [task]
    assert due_of(s, CENTER, task) == receipt_due
    case = s.case()
    assert (case.level, case.due_at) == (CENTER, receipt_due)
    assert str(receipt_due.day) in instructions(s, CENTER, task)

    clock.advance(hours=3)
    s.complete(CENTER, task, SIGNED)
    row = the_mediation(s)
    assert (row.handoff, row.received_at, row.mediator) == (handoff, clock.now(), None)
    (signed,) = s.rows(OutboxMessage)
    assert (signed.sender_id, signed.kind, signed.payload["outcome"]) == (
        sender,
        "签收",
        "已签收，适宜调解",
    )
    assert "assign_mediator" in s.ready_ids(CENTER)

    s.advance_to(receipt_due + timedelta(hours=1))
    assert s.rows(SupervisionRecord, reason="超期未签收") == []


@pytest.mark.parametrize(
    ("handoff", "task", "receipt_due"),
    [
        ("诉调", "receive", end_of(2026, 3, 5)),
        ("警调", "receive", end_of(2026, 3, 3)),
        ("访调", "receive_petition", end_of(2026, 3, 5)),
    ],
)
def test_late_receipt_is_supervised_and_can_still_be_signed(
    engine, clock, handoff, task, receipt_due
):
    s = start(engine, clock, handoff)
    s.advance_to(receipt_due)
    assert s.ready_ids(SUPERVISOR) == []
    s.advance_to(receipt_due + timedelta(seconds=1))

    assert s.open_tasks() == {CENTER: [task], SUPERVISOR: ["chase"]}
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


# -- 不宜调解 and 异议: returned at once ------------------------------------------------------


@pytest.mark.parametrize("handoff", HANDOFFS)
def test_not_fit_for_mediation_is_returned_at_once_with_reason(engine, clock, handoff):
    s = start(engine, clock, handoff)
    sender = with_sender(s, handoff)
    task = receive_spec(s)
    with pytest.raises(FormInvalid) as missing:
        s.complete(CENTER, task, {"receipt_decision": "退回"})
    assert set(missing.value.errors) >= {"return_reason", "remedies"}

    s.complete(
        CENTER,
        task,
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


@pytest.mark.parametrize("handoff", ["诉调", "警调"])
def test_only_a_petition_hand_off_may_be_objected_to(engine, clock, handoff):
    s = start(engine, clock, handoff)
    with pytest.raises(FormInvalid) as refused:
        s.complete(CENTER, "receive", {"receipt_decision": "异议", "return_reason": "非本单位"})
    assert "receipt_decision" in refused.value.errors


def test_petition_objection_within_five_working_days_goes_back_to_the_petition_office(
    engine, clock
):
    clock.set(BEFORE_NATIONAL_DAY)
    s = start(engine, clock, "访调")
    sender = with_sender(s, "访调")
    assert "2026-10-12 23:59" in instructions(s, CENTER, "receive_petition")
    with pytest.raises(FormInvalid) as missing:
        s.complete(CENTER, "receive_petition", {"receipt_decision": "异议"})
    assert "return_reason" in missing.value.errors

    s.advance_to(datetime(2026, 10, 12, 16, 0, tzinfo=CST))  # the fifth working day
    s.complete(SUPERVISOR, "chase", CHASED)  # late for 签收 (10/9), in time for 异议
    reason = "所涉土地权属争议属自然资源部门职责，非本单位职责"
    s.complete(CENTER, "receive_petition", {"receipt_decision": "异议", "return_reason": reason})

    assert_finished(s, "退回")
    assert s.rows(Mediation) == []
    case = s.case()
    assert (case.status, case.result_note) == ("已退回", reason)
    (objected,) = s.rows(OutboxMessage)
    assert (objected.sender_id, objected.kind, objected.payload["reason"]) == (
        sender,
        "退回",
        reason,
    )
    assert objected.payload["outcome"] == "对交办提出异议（非本单位职责），退回信访程序依法办理"
    assert objected.payload["remedies"] == []


def test_objection_window_closes_after_five_working_days(engine, clock):
    clock.set(BEFORE_NATIONAL_DAY)  # Tue 9/29: 3 working days → Fri 10/9, 5 → Mon 10/12
    s = start(engine, clock, "访调")
    receipt_due, objection_due = end_of(2026, 10, 9), end_of(2026, 10, 12)
    assert due_of(s, CENTER, "receive_petition") == receipt_due

    s.advance_to(receipt_due + timedelta(seconds=1))
    assert s.open_tasks() == {CENTER: ["receive_petition"], SUPERVISOR: ["chase"]}
    s.complete(SUPERVISOR, "chase", CHASED)
    s.advance_to(objection_due)  # the make-up Saturday 10/10 counted: still open on Monday
    assert s.ready_ids(CENTER) == ["receive_petition"]

    s.advance_to(objection_due + timedelta(seconds=1))
    assert s.ready_ids(CENTER) == ["receive"]
    assert "提出异议的期限" in instructions(s, CENTER, "receive")
    # still not signed when the window closed: supervised a second time
    assert [(r.reason, r.due_at) for r in s.rows(SupervisionRecord)] == [
        ("超期未签收", receipt_due),
        ("超期未签收", receipt_due),
    ]
    with pytest.raises(FormInvalid):
        s.complete(CENTER, "receive", {"receipt_decision": "异议", "return_reason": "非本单位"})
    s.complete(CENTER, "receive", SIGNED)
    assert "assign_mediator" in s.ready_ids(CENTER)


def test_signing_a_petition_closes_the_objection_window(engine, clock):
    clock.set(BEFORE_NATIONAL_DAY)
    s = start(engine, clock, "访调")
    s.advance(hours=2)
    s.complete(CENTER, "receive_petition", SIGNED)
    s.advance_to(end_of(2026, 10, 12) + timedelta(seconds=1))
    assert "receive" not in s.ready_ids(CENTER)
    assert "receive_petition" not in s.ready_ids(CENTER)
    assert s.rows(SupervisionRecord, reason="超期未签收") == []


# -- 达成协议: resolved, fed back, the agreement's time handed to case_main ------------------


@pytest.mark.parametrize("handoff", HANDOFFS)
def test_an_agreement_resolves_and_hands_back_the_time_it_took_effect(engine, clock, handoff):
    """The 司法确认 reminder runs from case_main beside the callback (test_case_main.py,
    test_confirmation.py); the hand-off gives it the agreement's time."""
    clock.set(datetime(2026, 8, 28, 9, 0, tzinfo=CST))
    s = start(engine, clock, handoff)
    sender = with_sender(s, handoff)
    receive(s)
    s.complete(MEDIATOR, "accept", ACCEPTED)
    s.complete(MEDIATOR, "contact_party", CONSENTED)
    # 8/28 + 30 = 9/27, a 中秋 holiday: the limit moves to Monday 9/28
    assert the_mediation(s).due_at == end_of(2026, 9, 28)

    s.advance_to(datetime(2026, 9, 1, 10, 0, tzinfo=CST))
    s.complete(MEDIATOR, "mediate", AGREED)

    row = the_mediation(s)
    assert (row.outcome, row.agreement_at) == ("达成协议", clock.now())
    case = s.case()
    assert (case.status, case.result, case.resolved_at) == ("已化解", "调解成功", clock.now())
    assert [(m.sender_id, m.kind, m.payload["outcome"]) for m in s.rows(OutboxMessage)] == [
        (sender, "签收", "已签收，适宜调解"),
        (sender, "调解成功", "达成调解协议"),
    ]
    data = assert_finished(s, "化解")
    assert data["agreement_at"] == clock.now().astimezone(CST).isoformat()


# -- 调解不成, 拒绝调解: back to the source -------------------------------------------------


@pytest.mark.parametrize("handoff", HANDOFFS)
def test_failure_tells_remedies_and_returns_to_the_source(engine, clock, handoff):
    s = mediating(engine, clock, handoff)
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


@pytest.mark.parametrize("handoff", HANDOFFS)
def test_a_refusal_during_mediation_returns_with_the_remedies_already_told(engine, clock, handoff):
    s = mediating(engine, clock, handoff)
    sender = with_sender(s, handoff)
    with pytest.raises(FormInvalid) as missing:
        s.complete(MEDIATOR, "mediate", {"mediation_outcome": "拒绝调解", "mediation_note": "拒绝"})
    assert set(missing.value.errors) >= {"refusing_party", "refusal_reason", "remedies"}
    s.advance(days=4)
    s.complete(
        MEDIATOR,
        "mediate",
        {**REFUSAL, "mediation_outcome": "拒绝调解", "mediation_note": "第二次调解时被申请人离场"},
    )

    assert_finished(s, "退回")  # no 告知其他救济途径 task: the mediator told them already
    row = the_mediation(s)
    assert (row.outcome, row.reason) == ("调解不成", "拒绝调解（被申请人）：不愿调解，要求直接诉讼")
    case = s.case()
    assert (case.status, case.due_at) == ("已退回", None)
    (returned,) = s.rows(OutboxMessage)
    assert (returned.sender_id, returned.payload["outcome"]) == (
        sender,
        "当事人拒绝调解，" + RETURN_TO[handoff],
    )
    assert returned.payload["reason"] == "被申请人拒绝调解：不愿调解，要求直接诉讼"
    assert returned.payload["remedies"] == ["诉讼"]


def test_result_survives_a_supervision_finished_after_the_mediation(engine, clock):
    s = start(engine, clock, "警调")
    s.advance_to(end_of(2026, 3, 3) + timedelta(minutes=1))
    assert s.ready_ids(SUPERVISOR) == ["chase"]
    receive(s)
    s.complete(MEDIATOR, "accept", ACCEPTED)
    s.complete(MEDIATOR, "contact_party", CONSENTED)
    s.complete(MEDIATOR, "mediate", AGREED)
    assert s.instance().status == InstanceStatus.RUNNING
    s.complete(SUPERVISOR, "chase", CHASED)
    data = assert_finished(s, "化解")
    assert data["mediation_outcome"] == "达成协议"


@pytest.mark.parametrize("handoff", ["诉调", "警调"])
def test_court_and_police_have_no_petition_clock(engine, clock, handoff):
    s = mediating(engine, clock, handoff)
    assert s.open_tasks() == {MEDIATOR: ["mediate"]}
    row = the_mediation(s)
    assert (row.petition_notice_due_at, row.petition_conclude_due_at) == (None, None)


def test_assignment_returned_for_want_of_a_mediator(engine, clock):
    s = start(engine, clock, "诉调")
    sender = with_sender(s, "诉调")
    s.complete(CENTER, "receive", SIGNED)
    with pytest.raises(FormInvalid) as missing:
        s.complete(CENTER, "assign_mediator", {"assign_decision": "退回"})
    assert set(missing.value.errors) >= {"return_reason", "remedies"}
    s.complete(
        CENTER,
        "assign_mediator",
        {
            "assign_decision": "退回",
            "return_reason": "本中心无建工类特邀调解员",
            "remedies": ["诉讼"],
        },
    )
    assert_finished(s, "退回")
    assert the_mediation(s).outcome is None  # never mediated: not counted as a failure
    (returned,) = [m for m in s.rows(OutboxMessage) if m.kind == "退回"]
    assert (returned.sender_id, returned.payload["outcome"]) == (
        sender,
        "未能指派调解员，退回法院登记立案",
    )
    assert returned.payload["reason"] == "本中心无建工类特邀调解员"


def test_a_mediator_is_assigned_within_three_working_days_or_supervised(engine, clock):
    clock.set(BEFORE_NATIONAL_DAY)
    s = start(engine, clock, "诉调")
    s.complete(CENTER, "receive", SIGNED)
    assign_due = end_of(2026, 10, 9)  # 9/30, 10/8, 10/9
    assert due_of(s, CENTER, "assign_mediator") == assign_due
    assert s.case().due_at == assign_due
    assert "2026-10-09 23:59" in instructions(s, CENTER, "assign_mediator")

    s.advance_to(assign_due)
    assert s.ready_ids(SUPERVISOR) == []
    s.advance_to(assign_due + timedelta(seconds=1))
    assert s.open_tasks() == {CENTER: ["assign_mediator"], SUPERVISOR: ["chase"]}
    (notice,) = s.rows(SupervisionRecord)
    assert (notice.reason, notice.target, notice.due_at) == ("超期未指派", CENTER, assign_due)
    s.complete(SUPERVISOR, "chase", CHASED)
    assign(s)
    assert s.ready_ids(MEDIATOR) == ["accept"]


def test_every_hand_off_clock_has_a_seeded_rule_with_its_basis(engine):
    expected = {
        "court.assign": ("工作日", 3, "D8"),
        "police.assign": ("工作日", 3, "D8"),
        "petition.assign": ("工作日", 3, "D8"),
        "court.accept": ("工作日", 3, "D9"),
        "police.accept": ("工作日", 3, "D9"),
        "petition.accept": ("工作日", 3, "D9"),
        "court.contact": ("工作日", 3, "D10"),
        "police.contact": ("工作日", 3, "D10"),
        "petition.contact": ("工作日", 3, "D10"),
        "petition.objection": ("工作日", 5, "D14"),
        "agreement.confirmation": ("自然日", 30, "D2"),
        "labour.mediation": ("自然日", 15, "D11"),
        "petition.conclude": ("自然日", 60, "D15"),
    }
    with engine.session_factory() as session:
        for key, (unit, amount, number) in expected.items():
            rule = session.get(DeadlineRule, key)
            assert (rule.unit, rule.amount) == (unit, amount), key
            assert f"({number})" in rule.basis, key
        conclude = session.get(DeadlineRule, "petition.conclude")
        assert (conclude.extendable_by, conclude.max_extension) == ("领导批准", 30)
        receipt = session.get(DeadlineRule, "petition.receipt")
        assert receipt.name == "访调·县综治中心签收"
        assert "D12" in receipt.basis


def test_petition_limits_count_from_the_push_even_when_the_hand_off_starts_later(
    case_engine, regions, clock
):
    deploy(case_engine)  # the whole library: case_main gives a red case its leader first
    clock.set(BEFORE_NATIONAL_DAY)
    s = Scenario(case_engine, clock, "case_main", channel="访调", risk_colour="红")
    s.advance_to(datetime(2026, 9, 30, 9, 0, tzinfo=CST))
    s.complete("镇综治中心", "assign_leader", {"case_leader": "李某（副县长）"})

    # 异议: 5 working days from the push on 9/29 (Mon 10/12), not from 9/30 (Tue 10/13)
    assert "2026-10-12 23:59" in instructions(s, CENTER, "receive_petition")
    s.complete(CENTER, "receive_petition", SIGNED)
    # 书面告知: 9/29 + 15 = Wed 10/14; 办结: from 签收 on 9/30, + 60 = Sun 11/29 → Mon 11/30
    row = the_mediation(s)
    assert (row.petition_notice_due_at, row.petition_conclude_due_at) == (
        end_of(2026, 10, 14),
        end_of(2026, 11, 30),
    )
