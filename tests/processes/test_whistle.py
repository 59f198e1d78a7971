"""中心吹哨、部门报到 with 四定三包 (``bpmn/whistle.bpmn``), played lane by lane.

县综治中心 blows the whistle and fixes the 四定; every summoned 部门 reports (报到) or is
chased; the 责任人 mediates (包调处), reports progress on a schedule (包跟踪) and feeds the
result back (包反馈); a missed 四定 deadline raises 督办 and goes to the 牵头领导 (包案领导).
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine import Actor, FormInvalid, InstanceStatus, StepFailed
from processes.models import Department, ProgressReport, Summons, SupervisionRecord
from tests.processes.conftest import Scenario
from tests.processes.whistle_support import (
    CENTER,
    CHASED,
    DEPARTMENT_UNITS,
    DEPT,
    FEEDBACK,
    FOUR,
    HANDLING,
    LEADER,
    LEADER_USER,
    MEDIATED,
    PERSON,
    SUPERVISOR,
    acknowledge_all,
    acknowledge_one,
    at,
    deployed,
    dispatched,
    end_of,
    mediate_and_feed_back,
    notices,
    submit,
    summons,
)


@pytest.fixture
def engine(case_engine, regions):
    return deployed(case_engine)


# -- 四定: all four items and at least one department are required ------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("lead_leader", None),
        ("responsible_unit", None),
        ("responsible_person", None),
        ("handle_days", None),
        ("departments", None),
        ("lead_leader", ""),
        ("responsible_person", " "),
        ("handle_days", 0),
        ("departments", []),
        ("departments", ["公安派出所", "公安派出所"]),
        ("departments", ["街道办"]),
    ],
)
def test_dispatch_refuses_a_missing_or_empty_item_naming_the_field(engine, clock, field, value):
    s = Scenario(engine, clock, "whistle")
    form = {**FOUR, "departments": ["公安派出所"]}
    if value is None:
        del form[field]
    else:
        form[field] = value
    with pytest.raises(FormInvalid) as raised:
        submit(s, CENTER, "dispatch", form)
    assert any(key == field or key.startswith(f"{field}/") for key in raised.value.errors), (
        raised.value.errors
    )
    assert s.open_tasks() == {CENTER: ["dispatch"]}
    assert s.rows(Summons) == []
    case = s.case()
    assert (case.lead_leader, case.responsible_unit, case.responsible_person) == (None,) * 3


def test_a_dispatch_that_bypasses_the_form_checks_is_still_refused(engine, clock):
    s = Scenario(engine, clock, "whistle")
    task = s.task(CENTER, "dispatch")
    form = {k: v for k, v in FOUR.items() if k != "handle_days"}
    with pytest.raises(StepFailed, match="四定未填全，缺少：办结时限"):
        engine.complete(task.id, {**form, "departments": ["司法所"]}, actor=Actor.of("c", [CENTER]))
    assert s.open_tasks() == {CENTER: ["dispatch"]}
    assert s.case().due_at is None


def test_dispatch_form_lists_the_four_items_and_the_seeded_departments(engine, clock):
    s = Scenario(engine, clock, "whistle")
    task = s.task(CENTER, "dispatch")
    assert (task.name, task.lane, task.form_key) == (
        "吹哨派单（四定）",
        CENTER,
        "whistle/dispatch.schema.json",
    )
    schema = engine.form_schema(task.id)
    assert set(schema["required"]) == {"lead_leader", "responsible_unit", "responsible_person"} | {
        "departments"
    }
    assert {"handle_days", "handle_date"} <= set(schema["properties"])  # one of the two
    with engine.session_factory() as session:
        seeded = [d.name for d in session.query(Department).filter_by(active=True)]
    assert len(seeded) == 13
    assert sorted(schema["properties"]["departments"]["items"]["enum"]) == sorted(seeded)


# -- one department, in time, resolved -------------------------------------------------------


def test_one_department_reports_in_time_and_the_case_is_resolved(engine, clock):
    s = dispatched(engine, clock, "公安派出所")
    case = s.case()
    assert (case.lead_leader, case.responsible_unit, case.responsible_person) == (
        LEADER_USER,
        "justice",
        PERSON,
    )
    assert case.due_at == end_of(2026, 3, 16)  # 10 working days after Mon 2 March
    assert case.level == "中心吹哨"
    [fixed] = s.events(["case_four_fixed"])
    assert fixed.data["due"] == "2026-03-16T23:59:59+08:00"

    [ack] = s.ready(DEPT, "zhao.police", ["police"])
    assert (ack.spec_id, ack.name, ack.form_key) == (
        "acknowledge",
        "部门报到",
        "whistle/acknowledge.schema.json",
    )
    assert ack.due_at == end_of(2026, 3, 3)  # whistle.ack: 1 working day
    row = summons(s)["公安派出所"]
    assert (row.summoned_at, row.due_at, row.acknowledged_at, row.chased) == (
        clock.now(),
        end_of(2026, 3, 3),
        None,
        0,
    )

    s.advance(hours=5)
    assert acknowledge_one(s, "zhao.police") == "公安派出所"
    row = summons(s)["公安派出所"]
    assert (row.acknowledged_at, row.acknowledged_by, row.chased) == (clock.now(), "zhao.police", 0)
    s.advance(days=3)  # past the acknowledgement limit: nothing left to chase
    assert s.rows(SupervisionRecord) == []
    assert summons(s)["公安派出所"].chased == 0

    mediate = s.task(DEPT, "mediate", PERSON)
    assert (mediate.name, mediate.form_key) == ("责任人包调处", "whistle/mediate.schema.json")
    mediate_and_feed_back(s)

    [feedback] = s.rows(ProgressReport, kind="反馈")
    assert feedback.text == "已达成协议并履行完毕（已通过电话告知当事人）"
    assert feedback.by == "li.tiaojie"
    case = s.case()
    assert (case.status, case.result, case.result_note) == (
        "已化解",
        "化解",
        MEDIATED["mediation_note"],
    )
    assert not case.overdue
    run = s.instance()
    assert run.status == InstanceStatus.COMPLETED
    assert run.data["whistle_result"] == "化解"
    assert run.data["acknowledgements"] == [
        {"department": "公安派出所", "on_time": True, "chased": 0}
    ]
    assert s.open_tasks() == {}


def test_feedback_must_say_the_citizen_was_told_and_how(engine, clock):
    s = dispatched(engine, clock, "信访局")
    acknowledge_all(s)
    s.complete(DEPT, "mediate", MEDIATED, user=PERSON)
    task = s.task(DEPT, "feedback", PERSON)
    actor = Actor.of(PERSON, [DEPT])
    for form, field in (
        ({**FEEDBACK, "citizen_informed": False}, "citizen_informed"),
        ({k: v for k, v in FEEDBACK.items() if k != "inform_method"}, "inform_method"),
    ):
        with pytest.raises(FormInvalid) as raised:
            engine.complete(task.id, form, actor=actor)
        assert field in raised.value.errors
    assert s.rows(ProgressReport, kind="反馈") == []


# -- several departments; one is late and chased ---------------------------------------------


def test_several_departments_each_report_and_a_late_one_is_chased(engine, clock):
    departments = ("公安派出所", "住建局", "人社局")
    s = dispatched(engine, clock, *departments)
    assert s.open_tasks() == {DEPT: ["acknowledge"] * 3}
    assert set(summons(s)) == set(departments)
    assert {row.due_at for row in summons(s).values()} == {end_of(2026, 3, 3)}

    s.advance(hours=2)
    first = acknowledge_one(s, "liaison.one")
    second = acknowledge_one(s, "liaison.two")
    [late] = set(departments) - {first, second}
    assert s.open_tasks() == {DEPT: ["acknowledge"]}  # mediation waits for every department

    s.advance_to(end_of(2026, 3, 3))  # at the limit: not yet late
    assert s.rows(SupervisionRecord) == []
    s.advance(seconds=2)
    rows = summons(s)
    assert [rows[d].chased for d in departments] == [int(d == late) for d in departments]
    [notice] = s.rows(SupervisionRecord)
    assert (notice.kind, notice.reason, notice.target) == ("督办提示单", "部门未报到", late)
    assert notice.content == f"{late}未在报到时限（2026-03-03T23:59:59+08:00）内报到，请立即报到"
    assert notice.due_at is None
    [chased] = s.events(["department_chased"])
    assert chased.data == {"case_id": s.case_id, "department": late, "times": 1}
    assert s.open_tasks() == {DEPT: ["acknowledge"]}  # the chase does not close the 报到

    s.advance(days=2)  # the chase is one reminder, not a repeating one
    assert len(s.rows(SupervisionRecord)) == 1
    assert acknowledge_one(s, "liaison.late") == late
    late_row = summons(s)[late]
    assert (late_row.acknowledged_at, late_row.acknowledged_by, late_row.chased) == (
        clock.now(),
        "liaison.late",
        1,
    )
    assert s.open_tasks() == {DEPT: HANDLING}
    acks = {a["department"]: a for a in s.instance().data["acknowledgements"]}
    assert acks == {
        first: {"department": first, "on_time": True, "chased": 0},
        second: {"department": second, "on_time": True, "chased": 0},
        late: {"department": late, "on_time": False, "chased": 1},
    }


# -- 包跟踪: progress reports on a cycle, capped -------------------------------------------------


def test_progress_reports_fall_due_on_the_cycle_and_stop_at_the_cap(engine, clock):
    s = dispatched(engine, clock, "民政局", data={"max_progress_reports": 2})
    acknowledge_all(s)
    mediation_open = clock.now()
    assert s.open_tasks() == {DEPT: HANDLING}

    s.advance_to(mediation_open + timedelta(days=3) - timedelta(minutes=1))
    assert s.open_tasks() == {DEPT: HANDLING}
    s.advance(minutes=2)  # whistle.progress: every 3 calendar days
    assert s.open_tasks() == {DEPT: sorted([*HANDLING, "progress_report"])}
    report = s.task(DEPT, "progress_report", PERSON)
    assert (report.name, report.form_key) == ("进展报告", "whistle/progress.schema.json")
    s.complete(DEPT, "progress_report", {"progress_text": "已约谈双方，分歧缩小"}, user=PERSON)
    [row] = s.rows(ProgressReport, kind="进展")
    assert (row.text, row.by, row.at) == ("已约谈双方，分歧缩小", PERSON, clock.now())

    s.advance_to(mediation_open + timedelta(days=6, minutes=1))
    assert s.open_tasks() == {DEPT: sorted([*HANDLING, "progress_report"])}
    s.complete(DEPT, "progress_report", {"progress_text": "第二次联合调解"}, user=PERSON)
    s.advance_to(mediation_open + timedelta(days=9, minutes=1))  # a third would be due: capped
    assert s.open_tasks() == {DEPT: HANDLING}
    assert [r.text for r in s.rows(ProgressReport, kind="进展")] == [
        "已约谈双方，分歧缩小",
        "第二次联合调解",
    ]

    mediate_and_feed_back(s)
    assert s.instance().status == InstanceStatus.COMPLETED


@pytest.mark.parametrize(
    "cap",
    [
        pytest.param(1, id="last-of-the-cycle"),
        pytest.param(10, id="cycle-still-running"),
    ],
)
def test_an_open_progress_report_is_withdrawn_when_mediation_ends(engine, clock, cap):
    s = dispatched(engine, clock, "民政局", data={"max_progress_reports": cap})
    acknowledge_all(s)
    s.advance(days=3, minutes=1)
    assert s.open_tasks() == {DEPT: sorted([*HANDLING, "progress_report"])}
    s.complete(DEPT, "mediate", MEDIATED, user=PERSON)
    s.advance(days=10)  # no more progress reports after mediation
    s.complete(DEPT, "feedback", FEEDBACK, user=PERSON)
    assert s.instance().status == InstanceStatus.COMPLETED
    assert s.rows(ProgressReport, kind="进展") == []
    assert s.open_tasks() == {}


# -- unresolved ------------------------------------------------------------------------------


def test_unresolved_ends_with_the_result_for_the_caller_to_decide(engine, clock):
    s = dispatched(engine, clock, "人民法院", "妇联")
    acknowledge_all(s)
    mediate_and_feed_back(s, outcome="未化解")
    run = s.instance()
    assert run.status == InstanceStatus.COMPLETED
    assert run.data["whistle_result"] == "未化解"
    case = s.case()
    assert case.status != "已化解"
    assert case.resolved_at is None
    assert s.events(["case_resolved"]) == []
    [feedback] = s.rows(ProgressReport, kind="反馈")
    assert feedback.text.startswith("已达成协议并履行完毕")


# -- the 四定 deadline missed ---------------------------------------------------------------------


def test_missed_deadline_marks_overdue_raises_supervision_and_goes_to_the_lead_leader(
    engine, clock
):
    s = dispatched(engine, clock, "卫健局", handle_days=2)
    assert s.case().due_at == end_of(2026, 3, 4)
    acknowledge_all(s)

    s.advance_to(end_of(2026, 3, 3) + timedelta(seconds=1))  # 24 hours before: warned
    assert [n.reason for n in s.rows(SupervisionRecord)] == ["临期预警"]
    s.advance_to(end_of(2026, 3, 4))
    assert not s.case().overdue
    assert s.open_tasks() == {DEPT: HANDLING}
    s.advance(seconds=2)

    case = s.case()
    assert case.overdue
    [overdue] = s.events(["case_overdue"])
    assert overdue.data["reason"] == "超过四定办结时限（2026-03-04T23:59:59+08:00）未办结"
    assert s.open_tasks() == {
        DEPT: HANDLING,
        LEADER: ["leader_supervise"],
        SUPERVISOR: ["chase"],
    }
    [warned] = notices(s, "临期预警")  # 24 hours before (whistle.handle's warning)
    assert (warned.kind, warned.target, warned.due_at) == (
        "督办提示单",
        "司法所",
        end_of(2026, 3, 4),
    )
    assert warned.issued_at == end_of(2026, 3, 3) + timedelta(seconds=1)
    assert warned.content == "四定办结时限即将届满（2026-03-04），请责任人抓紧调处"
    [notice] = notices(s, "超期未化解")
    assert (notice.kind, notice.target) == ("督办提示单", "司法所")
    assert notice.content == "超过四定办结时限（2026-03-04T23:59:59+08:00）未办结，请责任人抓紧调处"
    leader = s.task(LEADER, "leader_supervise", LEADER_USER)
    assert (leader.name, leader.form_key) == ("牵头领导督办", "whistle/leader.schema.json")

    s.complete(
        LEADER, "leader_supervise", {"leader_instructions": "限三日内化解"}, user=LEADER_USER
    )
    [order] = notices(s, "交办")
    assert (order.kind, order.target, order.issued_by) == ("工作任务交办单", "司法所", LEADER_USER)
    assert order.content == "牵头领导批示：限三日内化解"

    mediate_and_feed_back(s)
    assert s.instance().status == InstanceStatus.RUNNING  # the 督办员 has not chased yet
    assert s.open_tasks() == {SUPERVISOR: ["chase"]}
    s.complete(SUPERVISOR, "chase", CHASED, user="du.ban")
    [notice] = notices(s, "超期未化解")
    assert (notice.chase_method, notice.chased_by) == ("电话督办", "du.ban")
    run = s.instance()
    assert run.status == InstanceStatus.COMPLETED
    assert run.data["whistle_result"] == "化解"
    assert s.case().overdue  # the flag stays on the record


def test_mediation_in_time_raises_no_supervision(engine, clock):
    s = dispatched(engine, clock, "卫健局", handle_days=2)
    acknowledge_all(s)
    mediate_and_feed_back(s)
    s.advance(days=10)
    assert not s.case().overdue
    assert s.rows(SupervisionRecord) == []
    assert s.instance().status == InstanceStatus.COMPLETED


# -- deadlines: red cases, working days across 国庆 ------------------------------------------


@pytest.mark.parametrize(
    ("colour", "days", "due"),
    [
        ("黄", 10, end_of(2026, 3, 16)),
        ("红", 10, end_of(2026, 3, 16)),  # the center's 10 days stand: within 5 + 10
        ("黄", 3, end_of(2026, 3, 5)),
        ("红", 3, end_of(2026, 3, 5)),
    ],
)
def test_the_center_fixes_the_handling_limit_whatever_the_colour(engine, clock, colour, days, due):
    reason = "案情复杂，需多部门会商" if days > 5 and colour == "红" else None
    s = dispatched(
        engine, clock, "司法所", risk_colour=colour, handle_days=days, longer_reason=reason
    )
    assert s.case().due_at == due
    assert s.instance().data["handle_rule"]["default"] == (5 if colour == "红" else 10)
    acknowledge_all(s)
    s.advance_to(due)
    assert not s.case().overdue
    s.advance(seconds=2)
    assert s.case().overdue
    assert LEADER in s.open_tasks()


def test_deadlines_count_working_days_across_national_day(engine, clock):
    clock.set(at(2026, 9, 30, 10, 0))  # Wed before 国庆 (10/1-10/7 off, Sat 10/10 worked)
    s = dispatched(engine, clock, "自然资源局", handle_days=3)
    assert s.case().due_at == end_of(2026, 10, 10)  # 10/8, 10/9, 10/10 (调休 Saturday)
    assert summons(s)["自然资源局"].due_at == end_of(2026, 10, 8)
    assert s.task(DEPT, "acknowledge", "liaison", DEPARTMENT_UNITS).due_at == end_of(2026, 10, 8)

    s.advance_to(end_of(2026, 10, 8))  # the holiday does not count against the department
    assert s.rows(SupervisionRecord) == []
    s.advance(seconds=2)
    assert summons(s)["自然资源局"].chased == 1
    acknowledge_all(s)

    s.advance_to(end_of(2026, 10, 10))
    assert not s.case().overdue
    s.advance(seconds=2)
    assert s.case().overdue
