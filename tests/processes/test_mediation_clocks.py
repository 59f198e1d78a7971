"""调解 (``bpmn/mediation.bpmn``) through a hand-off: the court-side steps before the clock
(指派调解员 D8, 调解员确认或拒绝 D9, 联系对方当事人 D10), the mediation clock (D5/D7: from
the mediator's acceptance, extensions by consent without a count, 鉴定 pauses), a party's
refusal at any step, and the 劳动争议 clock (D11: 15 days, then arbitration is open).

Dates are real (see ``handoff_support``); the deadline rules are the seeded ones, changed
here only where a test says an admin changed them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import update

from engine import Actor, FormInvalid, TaskStatus
from engine.context import StepContext, in_step
from processes.actions import mediation
from processes.models import Case, DeadlineRule, OutboxMessage, ProgressReport, SupervisionRecord
from tests.conftest import CST
from tests.processes.handoff_support import (
    AGREED,
    BEFORE_NATIONAL_DAY,
    CENTER,
    CHASED,
    CONSENTED,
    MEDIATOR,
    REFUSAL,
    REMEDIES,
    SIGNED,
    SUPERVISOR,
    accept,
    assert_finished,
    assign,
    deploy_handoff,
    due_of,
    end_of,
    event_types,
    extension,
    instructions,
    mediating,
    receive,
    start,
    the_mediation,
    with_sender,
)

APPRAISE = {"mediation_outcome": "鉴定评估", "appraisal_item": "伤残鉴定", "mediation_note": "委托"}
APPRAISED = {"appraisal_outcome": "鉴定完成", "appraisal_result": "已出结论"}


@pytest.fixture
def engine(case_engine, regions):
    return deploy_handoff(case_engine)


def set_rule(engine, key: str, **values) -> None:
    """An admin's change to a deadline rule."""
    with engine.session_factory() as session:
        session.execute(update(DeadlineRule).where(DeadlineRule.key == key).values(**values))
        session.commit()


def tasks_named(s, spec_id: str) -> list[str]:
    return [t.status for t in s.engine.tasks_of(s.instance_id) if t.spec_id == spec_id]


# -- D9: the mediator confirms or declines within 3 working days ---------------------------


def assigned_before_national_day(engine, clock, handoff="诉调", data=None):
    clock.set(BEFORE_NATIONAL_DAY)
    s = start(engine, clock, handoff, data)
    s.complete(CENTER, "receive", SIGNED)
    s.advance_to(datetime(2026, 9, 30, 10, 0, tzinfo=CST))
    assign(s)
    return s


def test_the_mediator_confirms_within_three_working_days(engine, clock):
    s = assigned_before_national_day(engine, clock)
    accept_due = end_of(2026, 10, 10)  # 10/8, 10/9 and the make-up Saturday 10/10
    assert due_of(s, MEDIATOR, "accept") == accept_due
    assert s.case().due_at == accept_due
    assert "2026-10-10 23:59" in instructions(s, MEDIATOR, "accept")
    (assigned,) = s.events(["mediation_assigned"])
    assert (assigned.data["mediator"], assigned.data["due"]) == ("王调解员", accept_due.isoformat())

    s.advance_to(accept_due)
    accept(s)
    assert s.ready_ids(MEDIATOR) == ["contact_party"]


def test_a_silent_mediator_is_replaced_by_the_center(engine, clock):
    s = assigned_before_national_day(engine, clock)
    s.advance_to(end_of(2026, 10, 10) + timedelta(seconds=1))

    assert tasks_named(s, "accept") == [TaskStatus.CANCELLED]
    assert s.ready_ids(CENTER) == ["assign_mediator"]
    (declined,) = s.events(["mediation_declined"])
    assert (declined.data["mediator"], declined.data["silent"]) == ("王调解员", True)
    assert the_mediation(s).mediator is None
    reassign_due = end_of(2026, 10, 14)  # counted from Sunday 10/11: 10/12, 10/13, 10/14
    assert due_of(s, CENTER, "assign_mediator") == reassign_due
    assert s.case().due_at == reassign_due
    assert "逾期未确认" in instructions(s, CENTER, "assign_mediator")

    assign(s, "李调解员")
    assert the_mediation(s).mediator == "李调解员"
    accept(s)
    assert the_mediation(s).accepted_at == clock.now()


def test_a_mediator_may_decline_with_a_reason(engine, clock):
    s = assigned_before_national_day(engine, clock)
    with pytest.raises(FormInvalid) as missing:
        s.complete(MEDIATOR, "accept", {"accept_decision": "拒绝委派"})
    assert "decline_reason" in missing.value.errors
    s.complete(
        MEDIATOR, "accept", {"accept_decision": "拒绝委派", "decline_reason": "系一方亲属，需回避"}
    )

    assert s.open_tasks() == {CENTER: ["assign_mediator"]}
    assert "系一方亲属，需回避" in instructions(s, CENTER, "assign_mediator")
    (declined,) = s.events(["mediation_declined"])
    assert (declined.data["reason"], declined.data["silent"]) == ("系一方亲属，需回避", False)
    assign(s, "李调解员")
    accept(s)
    assert (s.case().owner_unit, the_mediation(s).mediator) == ("大满镇人民调解委员会", "李调解员")


def test_after_the_assignments_allowed_the_matter_goes_back(engine, clock):
    s = assigned_before_national_day(engine, clock, data={"max_assign_rounds": 2})
    sender = with_sender(s, "诉调")
    declined = {"accept_decision": "拒绝委派", "decline_reason": "工作量已满"}
    s.complete(MEDIATOR, "accept", declined)
    assign(s, "李调解员")
    s.complete(MEDIATOR, "accept", declined)

    assert_finished(s, "退回")
    assert the_mediation(s).outcome is None
    (returned,) = [m for m in s.rows(OutboxMessage) if m.kind == "退回"]
    assert (returned.sender_id, returned.payload["outcome"]) == (
        sender,
        "未能指派调解员，退回法院登记立案",
    )
    assert returned.payload["reason"] == "已先后指派 2 次调解员，均未接受委派"


# -- D7: the clock starts at the mediator's acceptance ------------------------------------


@pytest.mark.parametrize(
    ("handoff", "colour", "days"),
    [("诉调", "红", 30), ("警调", "黄", 30), ("警调", "红", 15), ("访调", "红", 15)],
)
def test_mediation_clock_starts_when_the_mediator_accepts(engine, clock, handoff, colour, days):
    s = start(engine, clock, handoff, risk_colour=colour)
    receive(s)
    s.advance_to(datetime(2026, 3, 4, 16, 0, tzinfo=CST))
    assert the_mediation(s).accepted_at is None
    accept(s)

    due = end_of(2026, 3, 4) + timedelta(days=days)  # 4/3 and 3/19: working days
    row = the_mediation(s)
    assert (row.accepted_at, row.due_at) == (clock.now(), due)
    case = s.case()
    assert (case.level, case.owner_unit, case.due_at) == (MEDIATOR, "大满镇人民调解委员会", due)
    levels = [e.data["to"] for e in s.events(["case_level_changed"])]
    assert levels == [CENTER, MEDIATOR]


# -- D10: the other party is asked within 3 working days -----------------------------------


def accepted_before_national_day(engine, clock, handoff="诉调", **case):
    clock.set(BEFORE_NATIONAL_DAY)
    s = start(engine, clock, handoff, **case)
    receive(s)
    s.advance_to(datetime(2026, 9, 30, 10, 0, tzinfo=CST))
    accept(s)
    return s


def test_the_other_party_is_contacted_within_three_working_days_or_supervised(engine, clock):
    s = accepted_before_national_day(engine, clock)
    contact_due = end_of(2026, 10, 10)
    assert due_of(s, MEDIATOR, "contact_party") == contact_due
    assert the_mediation(s).due_at == end_of(2026, 10, 30)  # 9/30 + 30 calendar days
    text = instructions(s, MEDIATOR, "contact_party")
    assert "2026-10-10 23:59" in text and "2026-10-30 23:59" in text

    s.advance_to(contact_due + timedelta(seconds=1))
    assert s.open_tasks() == {MEDIATOR: ["contact_party"], SUPERVISOR: ["chase"]}
    (notice,) = s.rows(SupervisionRecord)
    assert (notice.reason, notice.target, notice.due_at) == ("超期未化解", "王调解员", contact_due)
    assert "联系对方当事人" in notice.content
    s.complete(SUPERVISOR, "chase", CHASED)
    s.complete(MEDIATOR, "contact_party", CONSENTED)
    assert s.ready_ids(MEDIATOR) == ["mediate"]
    assert due_of(s, MEDIATOR, "mediate") == end_of(2026, 10, 30)


def test_the_other_party_refusing_ends_the_mediation(engine, clock):
    s = accepted_before_national_day(engine, clock, "警调")
    sender = with_sender(s, "警调")
    with pytest.raises(FormInvalid) as missing:
        s.complete(
            MEDIATOR, "contact_party", {"contact_result": "拒绝调解", "contact_note": "拒绝"}
        )
    assert set(missing.value.errors) >= {"refusing_party", "refusal_reason", "remedies"}
    s.complete(
        MEDIATOR,
        "contact_party",
        {**REFUSAL, "contact_result": "拒绝调解", "contact_note": "10月8日电话联系被申请人"},
    )
    assert_finished(s, "退回")
    row = the_mediation(s)
    assert (row.outcome, row.reason) == ("调解不成", "拒绝调解（被申请人）：不愿调解，要求直接诉讼")
    (returned,) = s.rows(OutboxMessage)
    assert (returned.sender_id, returned.payload["outcome"]) == (
        sender,
        "当事人拒绝调解，退回公安机关处理",
    )


def test_an_unreachable_party_is_a_failure(engine, clock):
    s = accepted_before_national_day(engine, clock)
    s.complete(
        MEDIATOR, "contact_party", {"contact_result": "无法联系", "contact_note": "号码停机"}
    )
    assert s.open_tasks() == {MEDIATOR: ["tell_remedies"]}
    assert the_mediation(s).reason == "无法联系对方当事人：号码停机"


def test_the_clock_runs_out_while_the_party_is_still_being_asked(engine, clock):
    s = accepted_before_national_day(engine, clock)
    s.advance_to(end_of(2026, 10, 10) + timedelta(seconds=1))
    s.complete(SUPERVISOR, "chase", CHASED)
    s.advance_to(end_of(2026, 10, 30) + timedelta(seconds=1))
    assert tasks_named(s, "contact_party") == [TaskStatus.CANCELLED]
    assert s.open_tasks() == {MEDIATOR: ["tell_remedies"]}
    assert the_mediation(s).reason == "调解期限届满，当事人未同意延长"


# -- 拒绝调解 and 期满 ---------------------------------------------------------------------


def test_a_party_may_refuse_while_the_clock_is_paused(engine, clock):
    s = mediating(engine, clock, "诉调")
    s.complete(MEDIATOR, "mediate", APPRAISE)
    with pytest.raises(FormInvalid) as missing:
        s.complete(MEDIATOR, "appraisal_done", {"appraisal_outcome": "鉴定完成"})
    assert "appraisal_result" in missing.value.errors
    s.advance(days=6)
    s.complete(MEDIATOR, "appraisal_done", {**REFUSAL, "appraisal_outcome": "拒绝调解"})
    assert_finished(s, "退回")
    row = the_mediation(s)
    assert (row.outcome, row.paused_at) == ("调解不成", None)
    assert row.reason.startswith("拒绝调解（被申请人）")


def test_expiry_without_agreed_extension_is_a_failure(engine, clock):
    s = mediating(engine, clock, "警调")
    due = end_of(2026, 4, 1)  # 3/2 + 30
    assert due_of(s, MEDIATOR, "mediate") == due
    s.advance_to(due)
    assert s.ready_ids(MEDIATOR) == ["mediate"]
    s.advance_to(due + timedelta(seconds=1))

    assert s.open_tasks() == {MEDIATOR: ["tell_remedies"]}
    assert tasks_named(s, "mediate") == [TaskStatus.CANCELLED]
    row = the_mediation(s)
    assert (row.outcome, row.reason) == ("调解不成", "调解期限届满，当事人未同意延长")
    assert s.case().due_at is None
    assert s.instance().data["mediation_expired"] is True
    s.complete(MEDIATOR, "tell_remedies", REMEDIES)
    assert_finished(s, "退回")


# -- D5: extensions by the parties' consent, as often as they agree -------------------------


def test_extensions_repeat_as_long_as_the_parties_agree(engine, clock):
    s = mediating(engine, clock, "警调")
    with pytest.raises(FormInvalid) as missing:
        s.complete(MEDIATOR, "mediate", {"mediation_outcome": "申请延期", "mediation_note": "同意"})
    assert set(missing.value.errors) >= {
        "parties_consent",
        "extension_days",
        "extension_requested_by",
        "extension_agreed_by",
    }
    s.advance_to(datetime(2026, 3, 30, 10, 0, tzinfo=CST))
    # 4/1 + 10 = 4/11 (Sat) → Mon 4/13; + 10 = 4/23; + 10 = 5/3 (劳动节 5/1–5/5) → Wed 5/6;
    # + 10 = 5/16 (Sat) → Mon 5/18: four extensions, each by consent, none refused
    dues = [end_of(2026, 4, 13), end_of(2026, 4, 23), end_of(2026, 5, 6), end_of(2026, 5, 18)]
    for due in dues:
        s.complete(MEDIATOR, "mediate", extension(10))
        assert s.ready_ids(MEDIATOR) == ["mediate"]
        assert the_mediation(s).due_at == due == due_of(s, MEDIATOR, "mediate")
    row = the_mediation(s)
    assert row.extended_days == 40
    events = s.events(["mediation_extended"])
    assert [e.data["extended_days"] for e in events] == [10, 20, 30, 40]
    assert {(e.data["requested_by"], e.data["agreed_by"]) for e in events} == {
        ("申请人", "申请人张三、被申请人李四书面同意")
    }
    assert events[0].data["due"] == end_of(2026, 4, 13).isoformat()
    assert f"调解期限延至 {row.due_at.astimezone(CST):%Y-%m-%d %H:%M}" in instructions(
        s, MEDIATOR, "mediate"
    )
    s.advance_to(end_of(2026, 4, 1) + timedelta(hours=1))  # the first limit passes quietly
    s.complete(MEDIATOR, "mediate", AGREED)
    assert s.instance().data["handoff_result"] == "化解"


def test_a_rule_with_a_maximum_refuses_what_exceeds_it_and_mediation_goes_on(engine, clock):
    set_rule(engine, "police.mediation", max_extension=15)  # e.g. 济源: 不得超过30天
    s = mediating(engine, clock, "警调")
    s.complete(MEDIATOR, "mediate", extension(10))
    extended = the_mediation(s).due_at
    assert extended == end_of(2026, 4, 13)

    s.complete(MEDIATOR, "mediate", extension(10))
    assert s.ready_ids(MEDIATOR) == ["mediate"]
    row = the_mediation(s)
    assert (row.extended_days, row.due_at, row.outcome) == (10, extended, None)
    (refused,) = s.events(["mediation_extension_refused"])
    message = refused.data["message"]
    assert "时限规则 police.mediation（警调·调解）" in message
    assert "累计最多延长 15 天，已延长 10 天，还可延长 5 天" in message
    assert message in instructions(s, MEDIATOR, "mediate")

    s.complete(MEDIATOR, "mediate", extension(5))
    assert the_mediation(s).extended_days == 15


def test_a_rule_without_consent_extension_refuses_it_and_expires(engine, clock):
    set_rule(engine, "police.mediation", extendable_by="不可延长")
    s = mediating(engine, clock, "警调")
    s.complete(MEDIATOR, "mediate", extension(10))
    row = the_mediation(s)
    assert (row.extended_days, row.due_at, row.outcome) == (0, end_of(2026, 4, 1), None)
    assert "不允许经当事人同意延长" in instructions(s, MEDIATOR, "mediate")
    s.advance_to(end_of(2026, 4, 1) + timedelta(seconds=1))
    assert s.open_tasks() == {MEDIATOR: ["tell_remedies"]}


def test_the_loop_guard_ends_an_endless_series_of_requests(engine, clock):
    s = mediating(engine, clock, "警调", data={"max_mediation_rounds": 2})
    s.complete(MEDIATOR, "mediate", extension(1))
    s.complete(MEDIATOR, "mediate", APPRAISE)
    s.complete(MEDIATOR, "appraisal_done", APPRAISED)
    s.complete(MEDIATOR, "mediate", extension(1, "再次同意延期"))
    assert s.open_tasks() == {MEDIATOR: ["tell_remedies"]}
    row = the_mediation(s)
    assert row.outcome == "调解不成"
    assert row.reason == "本次调解申请延期、暂停计时已达流程上限 2 次，按调解不成处理：再次同意延期"


# -- 鉴定评估: the clock pauses ------------------------------------------------------------


def test_appraisal_pauses_the_clock_and_moves_the_due_by_the_paused_time(engine, clock):
    s = mediating(engine, clock, "诉调")
    due = end_of(2026, 4, 1)
    paused_at = datetime(2026, 3, 10, 10, 0, tzinfo=CST)
    s.advance_to(paused_at)
    s.complete(MEDIATOR, "mediate", {**APPRAISE, "appraisal_item": "房屋漏水损失评估"})
    assert s.open_tasks() == {MEDIATOR: ["appraisal_done"]}
    row = the_mediation(s)
    assert (row.paused_at, row.due_at) == (paused_at, due)
    assert s.case().due_at is None
    assert "房屋漏水损失评估" in instructions(s, MEDIATOR, "appraisal_done")

    s.advance_to(due + timedelta(days=4))  # past the old limit: the clock is stopped
    assert s.open_tasks() == {MEDIATOR: ["appraisal_done"]}
    resumed_at = datetime(2026, 4, 5, 15, 30, tzinfo=CST)
    s.advance_to(resumed_at)
    s.complete(MEDIATOR, "appraisal_done", {**APPRAISED, "appraisal_result": "损失约两万元"})

    new_due = due + (resumed_at - paused_at)
    assert new_due == datetime(2026, 4, 28, 5, 29, 59, tzinfo=CST)
    row = the_mediation(s)
    assert (row.paused_at, row.due_at) == (None, new_due)
    assert row.paused_seconds == int((resumed_at - paused_at).total_seconds())
    assert due_of(s, MEDIATOR, "mediate") == new_due
    assert event_types(s, "mediation_paused", "mediation_resumed") == [
        "mediation_paused",
        "mediation_resumed",
    ]
    s.advance_to(new_due + timedelta(seconds=1))
    assert s.ready_ids(MEDIATOR) == ["tell_remedies"]


def test_a_rule_that_does_not_pause_keeps_the_clock_running(engine, clock):
    set_rule(engine, "court.mediation", pausable=False)
    s = mediating(engine, clock, "诉调")
    s.complete(MEDIATOR, "mediate", APPRAISE)
    assert s.ready_ids(MEDIATOR) == ["mediate"]
    row = the_mediation(s)
    assert (row.paused_at, row.due_at) == (None, end_of(2026, 4, 1))
    assert "court.mediation（诉调·诉前委派调解）不因鉴定、评估暂停" in instructions(
        s, MEDIATOR, "mediate"
    )
    assert event_types(s, "mediation_pause_refused") == ["mediation_pause_refused"]


# -- D11: 劳动争议 mediation, 15 days, then arbitration ------------------------------------


def labour_case(engine, clock, subtype: str):
    clock.set(datetime(2026, 9, 16, 10, 0, tzinfo=CST))
    s = start(engine, clock, "警调", dispute_type="10", dispute_subtype=subtype)
    receive(s)
    accept(s)
    s.complete(MEDIATOR, "contact_party", CONSENTED)
    return s


@pytest.mark.parametrize("subtype", ["1001", "1002", "1003"])  # 欠薪、工伤、劳动合同
def test_a_labour_dispute_runs_on_the_labour_clock(engine, clock, subtype):
    s = labour_case(engine, clock, subtype)
    due = end_of(2026, 10, 8)  # 9/16 + 15 = 10/1 (国庆) → Thursday 10/8; 警调 would be 10/16
    assert the_mediation(s).due_at == due
    (accepted,) = s.events(["mediation_accepted"])
    assert accepted.data["rule"] == "labour.mediation"
    assert "劳动争议调解15日" in instructions(s, MEDIATOR, "mediate")

    s.complete(MEDIATOR, "mediate", extension(10))
    assert "labour.mediation（劳动争议调解）不允许经当事人同意延长" in instructions(
        s, MEDIATOR, "mediate"
    )
    assert the_mediation(s).due_at == due


def test_labour_expiry_tells_the_parties_arbitration_is_open(engine, clock):
    s = labour_case(engine, clock, "1001")
    sender = with_sender(s, "警调")
    s.advance_to(end_of(2026, 10, 8) + timedelta(seconds=1))

    assert s.open_tasks() == {MEDIATOR: ["tell_arbitration"]}
    row = the_mediation(s)
    assert row.outcome == "调解不成"
    assert "可以申请劳动仲裁" in row.reason
    assert s.case().due_at is None
    assert "可以向劳动人事争议仲裁委员会申请仲裁" in instructions(s, MEDIATOR, "tell_arbitration")
    s.complete(
        MEDIATOR,
        "tell_arbitration",
        {
            "arbitration_method": "电话告知",
            "arbitration_note": "告知可向甘州区劳动人事争议仲裁委员会申请",
        },
    )
    assert_finished(s, "退回")
    (told,) = s.rows(ProgressReport, kind="进展")
    assert (
        told.text
        == "已告知当事人可以申请劳动仲裁（电话告知）：告知可向甘州区劳动人事争议仲裁委员会申请"
    )
    (returned,) = s.rows(OutboxMessage)
    assert (returned.sender_id, returned.payload["remedies"]) == (sender, ["仲裁"])
    assert returned.payload["outcome"] == (
        "劳动争议调解期满未达成协议，已告知可申请劳动仲裁，退回公安机关处理"
    )


def test_the_dispute_type_is_read_when_the_mediator_accepts(engine, clock):
    s = start(engine, clock, "诉调", dispute_type="04")
    receive(s)
    with engine.session_factory() as session:  # 受理后更正为劳动争议（欠薪）
        session.execute(
            update(Case)
            .where(Case.id == s.case_id)
            .values(dispute_type="10", dispute_subtype="1001")
        )
        session.commit()
    accept(s)
    assert the_mediation(s).due_at == end_of(2026, 3, 17)  # 3/2 + 15


def test_cases_on_diagram_versions_before_these_clocks_still_extend(engine, clock):
    """A case still running on an older diagram version calls ``mediation.extend`` and
    times its mediation by the ISO due it returns; a refusal is an error there."""
    s = mediating(engine, clock, "警调")
    recorded = []
    with engine.session_factory() as session:
        step = StepContext(
            session=session,
            instance_id=s.instance_id,
            process_id="mediation",
            version_id=1,
            actor=Actor.of("old.mediator", [MEDIATOR]),
            now=clock.now(),
            _record=lambda kind, data: recorded.append(kind),
        )
        with in_step(step):
            params = {"rule": "police.mediation", "days": 10, "due": "2026-04-13T23:59:59+08:00"}
            assert mediation.extend(params, {"case_id": s.case_id}) == params["due"]
            session.get(DeadlineRule, "police.mediation").extendable_by = "不可延长"
            with pytest.raises(ValueError, match=r"police\.mediation（警调·调解）不允许"):
                mediation.extend(params, {"case_id": s.case_id})
    assert recorded == ["mediation_extended", "mediation_extension_refused"]
