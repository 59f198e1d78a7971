"""中心吹哨's 定办结时限 (``bpmn/whistle.bpmn``, ``processes/whistle_deadline.py``): the center
fixes it freely within the admins' rule (working days or a date, the rule's default
prefilled, never capped in silence), and the 责任人 may ask the 牵头领导 to extend it; an
approved extension moves the case's deadline and re-arms the overdue timer and its
warning, a refused one leaves it and tells the requester; requests are capped."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine import Actor, FormInvalid, StepFailed, TaskStatus
from processes import task_forms
from processes.models import DeadlineRule, ProgressReport
from tests.processes.conftest import Scenario, deploy
from tests.processes.whistle_support import (
    CENTER,
    DEPT,
    FOUR,
    HANDLING,
    LEADER,
    LEADER_USER,
    PERSON,
    SUPERVISOR,
    acknowledge_all,
    at,
    deployed,
    dispatched,
    end_of,
    mediate_and_feed_back,
    notices,
    submit,
    task_data,
)

LONGER = "案情复杂，需住建、人社多部门会商"
"""The reason a 四定 limit longer than the rule's default needs."""


@pytest.fixture
def engine(case_engine, regions):
    return deployed(case_engine)


SECOND = timedelta(seconds=1)
REQUEST = {"extension_days": 5, "extension_reason": "需等待伤情鉴定结论"}
AGREED = {"extension_decision": "同意", "decision_note": "同意延期，鉴定结论出具后三日内办结"}
REFUSED = {"extension_decision": "不同意", "decision_note": "鉴定不影响调处，请按期办结"}


def set_rule(engine, **fields) -> None:
    with engine.session_factory() as session:
        rule = session.get(DeadlineRule, "whistle.handle")
        for name, value in fields.items():
            setattr(rule, name, value)
        session.commit()


def refused_at(s: Scenario, form: dict, field: str) -> str:
    """The message the dispatch form gets for ``form`` at ``field``; nothing was fixed."""
    with pytest.raises(FormInvalid) as raised:
        submit(s, CENTER, "dispatch", {**FOUR, **form, "departments": ["司法所"]})
    assert list(raised.value.errors) == [field], raised.value.errors
    assert s.case().due_at is None and s.open_tasks() == {CENTER: ["dispatch"]}
    return raised.value.errors[field][0]


def four(**changes) -> dict:
    form = {**FOUR, **changes}
    return {k: v for k, v in form.items() if v is not None}


# -- the center fixes it ------------------------------------------------------------------------


@pytest.mark.parametrize(("colour", "default"), [("黄", 10), ("红", 5)])
def test_the_rules_default_is_prefilled(engine, clock, colour, default):
    s = Scenario(engine, clock, "whistle", risk_colour=colour)
    task = s.task(CENTER, "dispatch")
    assert task_forms.prefill(task.form_key, task_data(s, task)) == {"handle_days": default}
    rule = task_data(s, task)["handle_rule"]
    assert (rule["unit"], rule["longest"], rule["extendable"]) == ("工作日", default + 10, True)
    text = engine.task_instructions(task.id)[0]
    assert "handle_rule.longest" in text and "超过的不能提交" in text


def test_a_longer_limit_than_the_default_stands(engine, clock):
    s = dispatched(engine, clock, "司法所", handle_days=15, longer_reason=LONGER)  # default 10
    assert s.case().due_at == end_of(2026, 3, 23)
    [fixed] = s.events(["case_four_fixed"])
    assert fixed.data["due"] == "2026-03-23T23:59:59+08:00"
    assert fixed.data["longer_reason"] == LONGER
    assert s.instance().data["whistle_latest"] == "2026-03-30T23:59:59+08:00"


@pytest.mark.parametrize(
    ("colour", "days", "latest", "rule"),
    [
        ("黄", 21, "2026-03-30", "默认 10 个工作日，最多延长 10 个工作日"),
        ("红", 16, "2026-03-23", "默认 5 个工作日，最多延长 10 个工作日"),
    ],
)
def test_beyond_the_rules_longest_limit_is_refused_at_the_field(
    engine, clock, colour, days, latest, rule
):
    s = Scenario(engine, clock, "whistle", risk_colour=colour)
    message = refused_at(s, {"handle_days": days}, "handle_days")
    assert f"最迟 {latest}" in message and rule in message
    assert "规则「中心吹哨·办结时限（四定默认值）」" in message


def test_the_action_refuses_it_too_when_the_form_is_bypassed(engine, clock):
    s = Scenario(engine, clock, "whistle")
    task = s.task(CENTER, "dispatch")
    with pytest.raises(StepFailed, match="超过允许的最长办结时限：最迟 2026-03-30"):
        engine.complete(
            task.id,
            four(handle_days=25) | {"departments": ["司法所"]},
            actor=Actor.of("c", [CENTER]),
        )
    assert s.case().due_at is None


def test_a_rule_without_a_maximum_sets_no_limit(engine, clock):
    set_rule(engine, max_extension=None)
    s = dispatched(engine, clock, "司法所", handle_days=60, longer_reason=LONGER)
    assert s.case().due_at == end_of(2026, 5, 28)  # 60 working days (清明, 五一 off)
    assert s.instance().data["whistle_latest"] == ""


def test_a_rule_that_may_not_be_extended_caps_at_its_default_and_offers_no_request(engine, clock):
    set_rule(engine, extendable_by="不可延长", max_extension=None)
    s = Scenario(engine, clock, "whistle")
    message = refused_at(s, {"handle_days": 11}, "handle_days")
    assert "最迟 2026-03-16" in message and "不可延长" in message
    submit(s, CENTER, "dispatch", {**FOUR, "departments": ["司法所"]})
    acknowledge_all(s)
    assert s.open_tasks() == {DEPT: ["mediate"]}


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({"handle_days": None}, "handle_days", "请填写办结时限：工作日数，或选择办结日期"),
        ({"handle_date": "2026-03-20"}, "handle_date", "工作日数与办结日期只填一项"),
        ({"handle_days": None, "handle_date": "2026-03-02"}, "handle_date", "须晚于今天"),
        ({"handle_days": None, "handle_date": "2026-03-07"}, "handle_date", "不是工作日"),
        ({"handle_days": None, "handle_date": "2026-04-01"}, "handle_date", "最迟 2026-03-30"),
    ],
)
def test_a_date_instead_of_days_is_checked(engine, clock, form, field, message):
    s = Scenario(engine, clock, "whistle")
    assert message in refused_at(s, form, field)


def test_a_chosen_date_is_the_deadline(engine, clock):
    s = dispatched(
        engine, clock, "司法所", handle_days=None, handle_date="2026-03-20", longer_reason=LONGER
    )
    assert s.case().due_at == end_of(2026, 3, 20)
    acknowledge_all(s)
    assert s.task(DEPT, "mediate").due_at == end_of(2026, 3, 20)


# -- extensions -----------------------------------------------------------------------------------


def handling(engine, clock, days: int = 3, **options) -> Scenario:
    """Mediation under way: dispatched on Mon 2 March with ``days`` working days."""
    s = dispatched(engine, clock, "司法所", handle_days=days, **options)
    acknowledge_all(s)
    assert s.open_tasks() == {DEPT: HANDLING}
    return s


def request(s: Scenario, form: dict = REQUEST, user: str = "li.tiaojie") -> None:
    submit(s, DEPT, "request_extension", form, user=user)


def test_an_approved_extension_moves_the_deadline_and_rearms_its_timers(engine, clock):
    s = handling(engine, clock)  # due Thu 5 March
    first = s.task(DEPT, "mediate")
    clock.advance(hours=2)
    request(s)
    [asked] = s.events(["deadline_extension_requested"])
    assert (asked.actor, asked.data["days"], asked.data["request"]) == ("li.tiaojie", 5, 1)
    approval = s.task(LEADER, "approve_extension")
    assert (approval.name, approval.form_key) == ("牵头领导审批延期", "whistle/approve.schema.json")
    text, data = engine.task_instructions(approval.id)
    assert (
        "{{ extension_reason }}" in text and data["extension_reason"] == REQUEST["extension_reason"]
    )
    assert s.open_tasks() == {DEPT: ["mediate"], LEADER: ["approve_extension"]}  # still mediating

    submit(s, LEADER, "approve_extension", AGREED, user="wang.fuxianzhang")

    case = s.case()
    assert case.due_at == end_of(2026, 3, 12)  # 5 working days after Thu 5 March
    [moved] = s.events(["deadline_extended"])
    assert moved.actor == "wang.fuxianzhang"
    assert moved.data == {
        "case_id": case.id,
        "old_due": "2026-03-05T23:59:59+08:00",
        "new_due": "2026-03-12T23:59:59+08:00",
        "days": 5,
        "reason": "需等待伤情鉴定结论",
        "approved_by": "wang.fuxianzhang",
        "note": AGREED["decision_note"],
    }
    [report] = s.rows(ProgressReport, kind="延期")
    assert "由 2026-03-05 延至 2026-03-12" in report.text
    assert engine.task(first.id).status == TaskStatus.CANCELLED  # the round ended …
    second = s.task(DEPT, "mediate")  # … and a new one began with the new deadline
    assert second.id != first.id and second.due_at == end_of(2026, 3, 12)
    assert s.open_tasks() == {DEPT: HANDLING}

    s.advance_to(end_of(2026, 3, 5) + SECOND)  # the old deadline passes: nothing happens
    assert not s.case().overdue and notices(s, "临期预警") == []
    s.advance_to(end_of(2026, 3, 11) + SECOND)  # 24 hours before the new one: warned
    [warned] = notices(s, "临期预警")
    assert warned.due_at == end_of(2026, 3, 12)
    s.advance_to(end_of(2026, 3, 12) + SECOND)
    assert s.case().overdue
    opened = s.open_tasks()
    assert [t for t in opened.pop(DEPT) if t != "progress_report"] == HANDLING
    assert opened == {LEADER: ["leader_supervise"], SUPERVISOR: ["chase"]}


def test_a_refused_extension_keeps_the_deadline_and_tells_the_requester(engine, clock):
    s = handling(engine, clock)
    mediating = s.task(DEPT, "mediate")
    request(s)
    submit(s, LEADER, "approve_extension", REFUSED, user=LEADER_USER)

    assert s.case().due_at == end_of(2026, 3, 5)
    [refused] = s.events(["deadline_extension_refused"])
    assert (refused.actor, refused.data["note"], refused.data["days"]) == (
        LEADER_USER,
        REFUSED["decision_note"],
        5,
    )
    assert s.events(["deadline_extended"]) == []
    notice = s.task(DEPT, "refusal_notice")
    text, data = engine.task_instructions(notice.id)
    assert "{{ decision_note }}" in text and data["decision_note"] == REFUSED["decision_note"]
    assert s.task(DEPT, "mediate").id == mediating.id  # the mediation went on throughout
    s.complete(DEPT, "refusal_notice", {"refusal_read": True})
    assert s.open_tasks() == {DEPT: HANDLING}  # may ask again (1 of 3 used)

    s.advance_to(end_of(2026, 3, 5) + SECOND)  # the deadline stood
    assert s.case().overdue


def test_requests_are_capped(engine, clock):
    s = handling(engine, clock, data={"max_extension_requests": 2})
    request(s)
    submit(s, LEADER, "approve_extension", AGREED)  # round 2, 1 request used
    request(s, {"extension_days": 2, "extension_reason": "当事人外出务工"})
    submit(s, LEADER, "approve_extension", REFUSED)
    s.complete(DEPT, "refusal_notice", {"refusal_read": True})
    assert s.open_tasks() == {DEPT: ["mediate"]}  # no third request
    assert [e.data["request"] for e in s.events(["deadline_extension_requested"])] == [1, 2]
    mediate_and_feed_back(s)
    assert s.instance().data["whistle_result"] == "化解"


def test_an_extension_beyond_the_latest_day_is_refused(engine, clock):
    s = handling(engine, clock, days=15, longer_reason=LONGER)  # due 23 March, latest 30 March
    with pytest.raises(FormInvalid) as raised:
        request(s, {"extension_days": 6, "extension_reason": "需等待鉴定"})
    [message] = raised.value.errors["extension_days"]
    assert "延长后为 2026-03-31，超过允许的最长办结时限 2026-03-30" in message
    request(s, {"extension_days": 5, "extension_reason": "需等待鉴定"})
    submit(s, LEADER, "approve_extension", AGREED)
    assert s.case().due_at == end_of(2026, 3, 30)


def test_an_approval_past_the_latest_day_is_refused_even_when_the_form_is_bypassed(engine, clock):
    s = handling(engine, clock, days=20, longer_reason=LONGER)  # due already the latest day
    task = s.task(DEPT, "request_extension")
    engine.complete(
        task.id, {"extension_days": 1, "extension_reason": "理由"}, actor=Actor.of(PERSON, [DEPT])
    )
    with pytest.raises(FormInvalid) as raised:
        submit(s, LEADER, "approve_extension", AGREED)
    assert "只能不同意" in raised.value.errors["extension_decision"][0]
    approval = s.task(LEADER, "approve_extension")
    with pytest.raises(StepFailed, match="超过允许的最长办结时限"):
        engine.complete(approval.id, AGREED, actor=Actor.of(LEADER_USER, [LEADER]))
    submit(s, LEADER, "approve_extension", REFUSED)
    assert s.case().due_at == end_of(2026, 3, 30)


def test_mediation_finished_while_an_approval_waits_withdraws_it(engine, clock):
    s = handling(engine, clock)
    request(s)
    approval = s.task(LEADER, "approve_extension")
    s.complete(DEPT, "mediate", {"mediation_outcome": "化解", "mediation_note": "双方和解"})
    assert engine.task(approval.id).status == TaskStatus.CANCELLED
    assert s.open_tasks() == {DEPT: ["feedback"]}
    assert s.events(["deadline_extended", "deadline_extension_refused"]) == []


def test_an_extension_across_national_day_counts_working_days(engine, clock):
    clock.set(at(2026, 9, 30, 10, 0))  # 10/1-10/7 off, Sat 10/10 worked
    s = handling(engine, clock)
    assert s.case().due_at == end_of(2026, 10, 10)
    request(s, {"extension_days": 2, "extension_reason": "节后当事人方能到场"})
    submit(s, LEADER, "approve_extension", AGREED)
    assert s.case().due_at == end_of(2026, 10, 13)  # Sun 10/11 off: Mon 12, Tue 13
    assert s.task(DEPT, "mediate").due_at == end_of(2026, 10, 13)
    s.advance_to(end_of(2026, 10, 10) + SECOND)
    assert not s.case().overdue
    s.advance_to(end_of(2026, 10, 13) + SECOND)
    assert s.case().overdue


def test_overdue_raises_the_colour_and_the_lead_leader_takes_the_red_case(engine, clock):
    deploy(engine, "whistle.bpmn", "supervise.bpmn", "risk_raise.dmn")
    s = handling(engine, clock, collective=True)
    assert s.case().case_leader is None
    s.advance_to(end_of(2026, 3, 5) + SECOND)
    case = s.case()
    assert (case.overdue, case.risk_colour, case.case_leader) == (True, "红", LEADER_USER)
    [raised] = s.events(["case_risk_changed"])
    assert (raised.data["trigger"], raised.data["reason"]) == ("超期", "群体性纠纷超期未化解")
    [leader] = s.events(["case_leader_set"])
    assert leader.data["leader"] == LEADER_USER
    assert task_data(s, s.task(DEPT, "mediate"))["risk_colour"] == "红"
