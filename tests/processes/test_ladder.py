"""四级七天 (bpmn/ladder.bpmn): 网格员 → 村调委会 → 镇综治中心 → 镇党委政府, each level
with its own slice, near-due warnings, automatic hand-up when a slice lapses, and 督办
when the whole ladder passes its 7 working days (4 for a red case)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from engine import Actor, FormInvalid, InstanceStatus, PermissionDenied, TaskStatus
from processes.calendar import WorkCalendar
from processes.models import DeadlineRule, ProgressReport, SupervisionRecord
from tests.conftest import CST
from tests.processes.conftest import Scenario, deploy

GRID, VILLAGE, TOWNSHIP, LEADERSHIP, SUPERVISOR = (
    "网格员",
    "村调委会",
    "镇综治中心",
    "镇党委政府",
    "督办员",
)
LEVELS = [(GRID, "grid"), (VILLAGE, "village"), (TOWNSHIP, "township"), (LEADERSHIP, "leadership")]
SCHEDULER, STARTER = "system:scheduler", "intake.clerk"
SECOND = timedelta(seconds=1)

RESOLVED = {
    "level_outcome": "化解",
    "level_result": "书面调解协议",
    "agreement_at": "2026-03-02",
    "level_notes": "双方签订书面调解协议，疏通排水沟并赔偿 800 元",
}


def cannot(notes: str) -> dict[str, str]:
    return {"level_outcome": "无法化解", "level_notes": notes}


def at(month: int, day: int, hour: int = 23, minute: int = 59, second: int = 59) -> datetime:
    return datetime(2026, month, day, hour, minute, second, tzinfo=CST)


def end_of(month: int, day: int) -> datetime:
    """23:59:59 Beijing time: when a day-counted deadline falls due."""
    return at(month, day)


@pytest.fixture
def ladder(case_engine, regions):
    deploy(case_engine, "ladder.bpmn", "supervise.bpmn")
    return case_engine


def start(engine, clock, start_level: str | None = None, **case) -> Scenario:
    data = {} if start_level is None else {"start_level": start_level}
    return Scenario(engine, clock, "ladder", data=data, **case)


def level_changes(s: Scenario) -> list[tuple]:
    return [
        (e.data["from"], e.data["to"], e.data["due"], e.data["by"], e.actor)
        for e in s.events(["case_level_changed"])
    ]


def notices(s: Scenario) -> list[tuple]:
    return [
        (r.kind, r.reason, r.target, r.due_at, r.issued_at, r.issued_by)
        for r in s.rows(SupervisionRecord)
    ]


def iso(moment: datetime) -> str:
    return moment.isoformat()


def task_of(s: Scenario, spec_id: str):
    [task] = [t for t in s.engine.tasks_of(s.instance_id) if t.spec_id == spec_id]
    return task


# -- resolution at each level ---------------------------------------------------------------


@pytest.mark.parametrize("index", range(4), ids=[spec for _, spec in LEVELS])
def test_a_level_that_resolves_ends_the_ladder_as_resolved(ladder, clock, index):
    s = start(ladder, clock)
    for role, spec in LEVELS[:index]:
        clock.advance(minutes=30)
        s.complete(role, spec, cannot(f"{role}已上门了解，双方分歧较大"))
    role, spec = LEVELS[index]
    assert s.open_tasks() == {role: [spec]}
    clock.advance(hours=1)
    s.complete(role, spec, RESOLVED, user=f"someone.{spec}")

    run = s.instance()
    assert run.status == InstanceStatus.COMPLETED
    assert run.data["ladder_result"] == "化解"
    case = s.case()
    assert (case.status, case.level, case.result, case.result_note) == (
        "已化解",
        role,
        "书面调解协议",
        RESOLVED["level_notes"],
    )
    assert (case.resolved_at, case.overdue) == (clock.now(), False)
    [resolved] = s.events(["case_resolved"])
    assert (resolved.actor, resolved.data["result"]) == (f"someone.{spec}", "书面调解协议")
    assert [change[1] for change in level_changes(s)] == [r for r, _ in LEVELS[: index + 1]]
    assert s.advance(days=30) == 0  # every timer went with the ladder
    assert s.rows(SupervisionRecord) == []


def test_a_resolution_by_agreement_hands_its_date_to_the_caller(ladder, clock):
    s = start(ladder, clock)
    s.complete(GRID, "grid", RESOLVED)
    assert s.instance().data["agreement_at"] == "2026-03-02"


# -- 当事人拒绝调解 at any level -------------------------------------------------------------


@pytest.mark.parametrize("index", range(4), ids=[spec for _, spec in LEVELS])
def test_a_party_refusing_mediation_ends_the_ladder_at_that_level(ladder, clock, index):
    s = start(ladder, clock)
    for role, spec in LEVELS[:index]:
        s.complete(role, spec, cannot(f"{role}无法化解"))
    role, spec = LEVELS[index]
    s.complete(
        role,
        spec,
        {
            "level_outcome": "当事人拒绝调解",
            "refusal_reason": "申请人要求终止调解",
            "remedy": "仲裁",
            "level_notes": "调解一次后申请人要求终止",
        },
    )
    run = s.instance()
    assert run.status == InstanceStatus.COMPLETED
    assert (run.data["ladder_result"], run.data["remedy"], run.data["guide_reason"]) == (
        "拒绝调解",
        "仲裁",
        f"当事人拒绝调解（{role}）：申请人要求终止调解",
    )
    case = s.case()
    assert (case.level, case.status, case.resolved_at) == (role, "已受理", None)
    assert s.events(["case_resolved"]) == []
    assert s.advance(days=30) == 0 and s.rows(SupervisionRecord) == []


# -- hand-up by declaration -----------------------------------------------------------------


def test_each_level_that_cannot_resolve_hands_up_at_once_with_what_it_learned(ladder, clock):
    s = start(ladder, clock)
    steps = [
        # when the level declares, who, what it learned, the next level's due
        (at(3, 2, 11, 0, 0), "wang.grid", "邻居拒绝清理排水沟", end_of(3, 4)),
        (at(3, 3, 10, 0, 0), "li.village", "村里调解两次未果", end_of(3, 5)),
        (at(3, 4, 10, 0, 0), "zhao.township", "涉及宅基地界址，需镇政府协调", end_of(3, 6)),
    ]
    for (role, spec), (when, user, notes, next_due) in zip(LEVELS, steps, strict=False):
        assert s.advance_to(when) == 0  # declared before any warning fell due
        s.complete(role, spec, cannot(notes), user=user)
        case = s.case()
        assert (case.level, case.due_at) == (LEVELS[LEVELS.index((role, spec)) + 1][0], next_due)
        handover = s.rows(ProgressReport, level=case.level)[-1]
        assert (handover.kind, handover.by, handover.at) == ("交接", user, when)
        assert handover.text == f"{role}无法化解，上交{case.level}。已了解情况：{notes}"

    assert level_changes(s) == [
        (None, GRID, iso(end_of(3, 3)), STARTER, STARTER),
        (GRID, VILLAGE, iso(end_of(3, 4)), "wang.grid", "wang.grid"),
        (VILLAGE, TOWNSHIP, iso(end_of(3, 5)), "li.village", "li.village"),
        (TOWNSHIP, LEADERSHIP, iso(end_of(3, 6)), "zhao.township", "zhao.township"),
    ]
    assert s.open_tasks() == {LEADERSHIP: ["leadership"]}

    assert s.advance_to(at(3, 5, 10, 0, 0)) == 0
    s.complete(LEADERSHIP, "leadership", cannot("需县里多部门协同处理"), user="sun.leader")
    run = s.instance()
    assert run.status == InstanceStatus.COMPLETED
    assert run.data["ladder_result"] == "未化解"
    case = s.case()
    assert (case.level, case.status, case.resolved_at, case.overdue) == (
        LEADERSHIP,
        "已受理",
        None,
        False,
    )
    last = s.rows(ProgressReport)[-1]
    assert (last.kind, last.level, last.by) == ("交接", LEADERSHIP, "sun.leader")
    assert last.text.endswith("已了解情况：需县里多部门协同处理")
    assert s.rows(SupervisionRecord) == []
    assert s.advance(days=30) == 0


# -- automatic hand-up when a slice lapses ------------------------------------------------------


def lapse(s: Scenario, due: datetime) -> None:
    """Move past ``due`` (timers fire strictly after it) and check something fired."""
    assert s.advance_to(due) == 0
    assert s.advance_to(due + SECOND) == 1


def test_lapsed_slices_hand_the_case_up_by_themselves_on_back_to_back_working_days(ladder, clock):
    s = start(ladder, clock)
    assert s.case().due_at == end_of(3, 3)
    assert s.instance().data["ladder_due"] == iso(end_of(3, 11))
    grid_task = s.task(GRID, "grid")
    assert grid_task.due_at == end_of(3, 3)  # the slice, not its warning 4 hours before

    lapse(s, at(3, 3, 19, 59, 59))  # 4 hours before the grid's due: warning only
    assert s.open_tasks() == {GRID: ["grid"]}
    assert s.task(GRID, "grid").id == grid_task.id

    lapse(s, end_of(3, 3))
    assert s.open_tasks() == {VILLAGE: ["village"]}
    assert task_of(s, "grid").status == TaskStatus.CANCELLED
    assert (s.case().level, s.case().due_at) == (VILLAGE, end_of(3, 5))

    lapse(s, end_of(3, 4))  # village warned 24 hours ahead
    lapse(s, end_of(3, 5))
    assert (s.case().level, s.case().due_at) == (TOWNSHIP, end_of(3, 9))  # Fri 6, Mon 9

    lapse(s, end_of(3, 8))  # Sunday: warning 24 hours before Monday's due
    lapse(s, end_of(3, 9))
    assert (s.case().level, s.case().due_at) == (LEADERSHIP, end_of(3, 11))
    assert s.open_tasks() == {LEADERSHIP: ["leadership"]}

    fired = lambda due: due + SECOND  # noqa: E731
    assert level_changes(s) == [
        (None, GRID, iso(end_of(3, 3)), STARTER, STARTER),
        (GRID, VILLAGE, iso(end_of(3, 5)), SCHEDULER, SCHEDULER),
        (VILLAGE, TOWNSHIP, iso(end_of(3, 9)), SCHEDULER, SCHEDULER),
        (TOWNSHIP, LEADERSHIP, iso(end_of(3, 11)), SCHEDULER, SCHEDULER),
    ]
    assert notices(s) == [
        ("督办提示单", "临期预警", GRID, end_of(3, 3), fired(at(3, 3, 19, 59, 59)), SCHEDULER),
        ("督办提示单", "超期未化解", GRID, end_of(3, 3), fired(end_of(3, 3)), SCHEDULER),
        ("督办提示单", "临期预警", VILLAGE, end_of(3, 5), fired(end_of(3, 4)), SCHEDULER),
        ("督办提示单", "超期未化解", VILLAGE, end_of(3, 5), fired(end_of(3, 5)), SCHEDULER),
        ("督办提示单", "临期预警", TOWNSHIP, end_of(3, 9), fired(end_of(3, 8)), SCHEDULER),
        ("督办提示单", "超期未化解", TOWNSHIP, end_of(3, 9), fired(end_of(3, 9)), SCHEDULER),
    ]
    handovers = s.rows(ProgressReport, kind="交接")
    assert [(h.level, h.by) for h in handovers[1:]] == [
        (VILLAGE, SCHEDULER),
        (TOWNSHIP, SCHEDULER),
        (LEADERSHIP, SCHEDULER),
    ]
    assert handovers[1].text == "网格员超过化解时限未化解，系统自动上交村调委会"

    # the slices are the calendar's 1 + 2 + 2 + 2 working days, back to back
    calendar = WorkCalendar()
    assert calendar.add_working_days(date(2026, 3, 2), 1) == date(2026, 3, 3)
    assert calendar.add_working_days(date(2026, 3, 3), 2) == date(2026, 3, 5)
    assert calendar.add_working_days(date(2026, 3, 5), 2) == date(2026, 3, 9)
    assert calendar.add_working_days(date(2026, 3, 9), 2) == date(2026, 3, 11)
    assert calendar.add_working_days(date(2026, 3, 2), 7) == date(2026, 3, 11)

    clock.advance(hours=9)
    s.complete(LEADERSHIP, "leadership", RESOLVED)
    assert s.instance().status == InstanceStatus.COMPLETED
    assert s.instance().data["ladder_result"] == "化解"
    assert s.case().overdue is False


def test_a_level_entered_after_a_lapse_still_hands_up_by_declaration(ladder, clock):
    s = start(ladder, clock)
    lapse(s, at(3, 3, 19, 59, 59))
    lapse(s, end_of(3, 3))
    assert s.advance_to(at(3, 4, 15, 0, 0)) == 0
    s.complete(VILLAGE, "village", cannot("当事人不在村里"), user="li.village")
    assert (s.case().level, s.case().due_at) == (TOWNSHIP, end_of(3, 6))
    assert level_changes(s)[-1] == (
        VILLAGE,
        TOWNSHIP,
        iso(end_of(3, 6)),
        "li.village",
        "li.village",
    )


# -- near-due warning -------------------------------------------------------------------------


def test_the_near_due_warning_goes_to_the_level_once_and_the_level_keeps_working(ladder, clock):
    s = start(ladder, clock)
    grid_task = s.task(GRID, "grid")
    assert s.advance_to(at(3, 3, 19, 59, 59)) == 0
    assert s.rows(SupervisionRecord) == []
    assert s.advance_to(at(3, 3, 20, 0, 0)) == 1
    [warning] = s.rows(SupervisionRecord)
    assert (warning.kind, warning.reason, warning.target) == ("督办提示单", "临期预警", GRID)
    assert (warning.due_at, warning.chase_method) == (end_of(3, 3), None)
    assert "网格员化解时限即将届满（2026-03-03）" in warning.content
    assert s.open_tasks() == {GRID: ["grid"]}
    assert s.task(GRID, "grid").id == grid_task.id
    assert s.advance_to(at(3, 3, 23, 0, 0)) == 0  # fired once

    s.complete(GRID, "grid", RESOLVED)
    assert s.instance().status == InstanceStatus.COMPLETED
    assert len(s.rows(SupervisionRecord)) == 1


# -- seven working days: overdue and 督办 ----------------------------------------------------------


def lapse_to_leadership(s: Scenario) -> None:
    for due in (at(3, 3, 19, 59, 59), end_of(3, 3), end_of(3, 4), end_of(3, 5)):
        lapse(s, due)
    for due in (end_of(3, 8), end_of(3, 9)):
        lapse(s, due)
    assert s.open_tasks() == {LEADERSHIP: ["leadership"]}


@pytest.mark.parametrize("chased_first", [True, False], ids=["chased-first", "resolved-first"])
def test_past_seven_working_days_the_case_is_overdue_and_supervised(ladder, clock, chased_first):
    s = start(ladder, clock)
    lapse_to_leadership(s)
    lapse(s, end_of(3, 10))  # the leadership's near-due warning
    assert s.case().overdue is False

    lapse(s, end_of(3, 11))
    case = s.case()
    assert (case.overdue, case.level) == (True, LEADERSHIP)
    [overdue] = s.events(["case_overdue"])
    assert overdue.actor == SCHEDULER
    assert "2026-03-11" in overdue.data["reason"]
    assert s.open_tasks() == {LEADERSHIP: ["leadership"], SUPERVISOR: ["chase"]}
    notice = s.rows(SupervisionRecord)[-1]
    assert (notice.kind, notice.reason, notice.target, notice.due_at) == (
        "督办提示单",
        "超期未化解",
        LEADERSHIP,  # whichever level holds the case when the 7 days pass
        end_of(3, 11),
    )
    assert (notice.issued_at, notice.issued_by) == (end_of(3, 11) + SECOND, SCHEDULER)
    assert s.advance(days=10) == 0  # overdue once, no further slice timers

    chase = {"chase_method": "电话督办", "chase_note": "已电话督促镇党委分管领导，承诺两日内化解"}
    if chased_first:
        s.complete(SUPERVISOR, "chase", chase, user="du.ban")
        assert s.open_tasks() == {LEADERSHIP: ["leadership"]}
        s.complete(LEADERSHIP, "leadership", RESOLVED)
    else:
        s.complete(LEADERSHIP, "leadership", RESOLVED)
        assert s.instance().status == InstanceStatus.RUNNING  # the 督办 is still open
        assert s.open_tasks() == {SUPERVISOR: ["chase"]}
        s.complete(SUPERVISOR, "chase", chase, user="du.ban")

    notice = s.rows(SupervisionRecord)[-1]
    assert (notice.chase_method, notice.chased_by, notice.chase_note) == (
        "电话督办",
        "du.ban",
        chase["chase_note"],
    )
    run = s.instance()
    assert run.status == InstanceStatus.COMPLETED
    assert run.data["ladder_result"] == "化解"
    assert (s.case().status, s.case().overdue) == ("已化解", True)


def test_the_seven_day_limit_applies_at_whatever_level_the_case_is(ladder, clock):
    with ladder.session_factory() as session:
        session.get(DeadlineRule, "ladder.total").amount = 1  # an admin shortens the ladder
        session.commit()
    s = start(ladder, clock, start_level=TOWNSHIP)
    assert s.instance().data["ladder_due"] == iso(end_of(3, 3))
    assert (s.case().level, s.case().due_at) == (TOWNSHIP, end_of(3, 4))

    lapse(s, end_of(3, 3))  # the ladder's limit (and the township's near-due warning)
    case = s.case()
    assert (case.overdue, case.level, case.due_at) == (True, TOWNSHIP, end_of(3, 4))
    assert [n[:3] for n in notices(s)] == [
        ("督办提示单", "临期预警", TOWNSHIP),
        ("督办提示单", "超期未化解", TOWNSHIP),
    ]
    assert s.open_tasks() == {TOWNSHIP: ["township"], SUPERVISOR: ["chase"]}

    s.complete(TOWNSHIP, "township", cannot("需镇党委政府协调"))  # the ladder goes on
    assert s.open_tasks() == {LEADERSHIP: ["leadership"], SUPERVISOR: ["chase"]}
    s.complete(LEADERSHIP, "leadership", cannot("需中心吹哨"))
    s.complete(SUPERVISOR, "chase", {"chase_method": "函件督办", "chase_note": "已发督办函"})
    run = s.instance()
    assert (run.status, run.data["ladder_result"]) == (InstanceStatus.COMPLETED, "未化解")


def test_overdue_while_at_the_village(ladder, clock):
    with ladder.session_factory() as session:
        session.get(DeadlineRule, "ladder.total").amount = 2
        session.commit()
    s = start(ladder, clock)
    lapse(s, at(3, 3, 19, 59, 59))
    lapse(s, end_of(3, 3))
    assert s.case().level == VILLAGE
    # village warned at the end of 3/4, which is also the whole ladder's limit
    assert s.advance_to(end_of(3, 4) + SECOND) == 1
    assert s.case().overdue is True
    supervised = [n for n in notices(s) if n[1] == "超期未化解" and n[3] == end_of(3, 4)]
    assert [n[2] for n in supervised] == [VILLAGE]
    assert s.open_tasks() == {VILLAGE: ["village"], SUPERVISOR: ["chase"]}
    s.complete(VILLAGE, "village", RESOLVED)
    s.complete(SUPERVISOR, "chase", {"chase_method": "函件督办", "chase_note": "已发督办函"})
    assert s.instance().data["ladder_result"] == "化解"


def test_resolved_in_time_is_never_overdue(ladder, clock):
    s = start(ladder, clock)
    lapse_to_leadership(s)
    assert s.advance_to(at(3, 10, 9, 0, 0)) == 0
    s.complete(LEADERSHIP, "leadership", RESOLVED)
    assert s.advance(days=30) == 0
    assert s.case().overdue is False
    assert s.events(["case_overdue"]) == []
    assert s.instance().status == InstanceStatus.COMPLETED


# -- red cases ---------------------------------------------------------------------------------


def test_a_red_case_runs_on_the_shorter_red_limits(ladder, clock):
    s = start(ladder, clock, risk_colour="红")
    assert s.instance().data["ladder_due"] == iso(end_of(3, 6))  # 4 working days
    assert s.case().due_at == end_of(3, 3)

    assert s.advance_to(end_of(3, 3) + SECOND) == 1  # grid warning and lapse together
    assert (s.case().level, s.case().due_at) == (VILLAGE, end_of(3, 4))  # 1 day, not 2
    # 24 hours ahead of a 1-day slice entered at midnight: the warning is due at once
    assert s.advance_to(at(3, 4, 9, 0, 0)) == 1
    assert notices(s)[-1][:3] == ("督办提示单", "临期预警", VILLAGE)
    lapse(s, end_of(3, 4))
    assert (s.case().level, s.case().due_at) == (TOWNSHIP, end_of(3, 5))
    assert s.advance_to(at(3, 5, 9, 0, 0)) == 1
    lapse(s, end_of(3, 5))
    assert (s.case().level, s.case().due_at) == (LEADERSHIP, end_of(3, 6))
    assert s.advance_to(at(3, 6, 9, 0, 0)) == 1
    assert s.case().overdue is False

    lapse(s, end_of(3, 6))
    assert s.case().overdue is True
    assert s.open_tasks() == {LEADERSHIP: ["leadership"], SUPERVISOR: ["chase"]}
    assert [change[2] for change in level_changes(s)] == [
        iso(end_of(3, 3)),
        iso(end_of(3, 4)),
        iso(end_of(3, 5)),
        iso(end_of(3, 6)),
    ]


def test_a_red_case_handed_up_by_declaration_gets_one_working_day(ladder, clock):
    s = start(ladder, clock, risk_colour="红")
    s.complete(GRID, "grid", cannot("有命案风险，需立即上交"))
    assert (s.case().level, s.case().due_at) == (VILLAGE, end_of(3, 3))


# -- start level -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start_level", "spec", "due"),
    [
        (None, "grid", end_of(3, 3)),
        ("", "grid", end_of(3, 3)),
        (GRID, "grid", end_of(3, 3)),
        (VILLAGE, "village", end_of(3, 4)),
        (TOWNSHIP, "township", end_of(3, 4)),
    ],
)
def test_triage_can_start_the_ladder_higher(ladder, clock, start_level, spec, due):
    s = start(ladder, clock, start_level=start_level)
    level = start_level or GRID
    assert s.open_tasks() == {level: [spec]}
    assert (s.case().level, s.case().due_at) == (level, due)
    assert level_changes(s) == [(None, level, iso(due), STARTER, STARTER)]
    [handover] = s.rows(ProgressReport)
    assert handover.text == f"进入四级七天，由{level}首先化解"
    assert s.instance().data["ladder_due"] == iso(end_of(3, 11))  # 7 days whatever the start

    s.complete(level, spec, cannot("本级无法化解"))
    higher = LEVELS[[sp for _, sp in LEVELS].index(spec) + 1][0]
    assert s.case().level == higher


def test_a_ladder_started_at_the_township_lapses_to_the_leadership(ladder, clock):
    s = start(ladder, clock, start_level=TOWNSHIP)
    lapse(s, end_of(3, 3))  # township warned
    lapse(s, end_of(3, 4))
    assert (s.case().level, s.case().due_at) == (LEADERSHIP, end_of(3, 6))
    assert s.open_tasks() == {LEADERSHIP: ["leadership"]}


# -- a ladder across the 2026 National Day holiday ------------------------------------------


def test_working_days_skip_national_day_and_count_the_saturday_make_up_day(ladder, clock):
    clock.set(datetime(2026, 9, 30, 9, 0, tzinfo=CST))
    s = start(ladder, clock)
    assert s.instance().data["ladder_due"] == iso(at(10, 15))
    assert s.case().due_at == at(10, 8)  # 10/1–10/7 are off

    assert s.advance_to(at(10, 7, 12, 0, 0)) == 0  # nothing falls due in the holiday
    assert s.advance_to(at(10, 8) + SECOND) == 1  # grid warning and lapse
    assert (s.case().level, s.case().due_at) == (VILLAGE, at(10, 10))  # Fri 9, Sat 10
    lapse(s, at(10, 9))
    lapse(s, at(10, 10))
    assert (s.case().level, s.case().due_at) == (TOWNSHIP, at(10, 13))  # Mon 12, Tue 13
    lapse(s, at(10, 12))
    lapse(s, at(10, 13))
    assert (s.case().level, s.case().due_at) == (LEADERSHIP, at(10, 15))
    assert s.advance_to(at(10, 14, 10, 0, 0)) == 0
    s.complete(LEADERSHIP, "leadership", RESOLVED)
    assert s.instance().data["ladder_result"] == "化解"
    assert s.case().overdue is False
    assert [c[2] for c in level_changes(s)] == [
        iso(at(10, 8)),
        iso(at(10, 10)),
        iso(at(10, 13)),
        iso(at(10, 15)),
    ]
    calendar = WorkCalendar()
    assert calendar.is_workday(date(2026, 10, 10))
    assert not any(calendar.is_workday(date(2026, 10, d)) for d in range(1, 8))


# -- who sees what; forms ---------------------------------------------------------------------


def test_each_level_works_only_on_its_own_list_with_its_own_form(ladder, clock):
    s = start(ladder, clock)
    for index, (role, spec) in enumerate(LEVELS):
        task = s.task(role, spec)
        assert (task.name, task.lane, task.candidate_role, task.form_key) == (
            f"{role}化解",
            role,
            role,
            f"ladder/{spec}.schema.json",
        )
        schema = ladder.form_schema(task.id)
        assert schema["title"] == task.name
        assert schema["properties"]["level_outcome"]["enum"] == [
            "化解",
            "无法化解",
            "当事人拒绝调解",
        ]
        others = [r for r, _ in LEVELS if r != role] + [SUPERVISOR]
        assert all(s.ready_ids(other) == [] for other in others)
        with pytest.raises(PermissionDenied, match=role):
            ladder.complete(task.id, cannot("越级办理"), actor=Actor.of("x", [others[0]]))
        if index < 3:
            s.complete(role, spec, cannot(f"{role}无法化解"))


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"level_outcome": "化解", "level_notes": "已化解"}, {"level_result": ["必填"]}),
        ({"level_outcome": "无法化解"}, {"level_notes": ["必填"]}),
        (
            {"level_outcome": "搁置", "level_notes": "再说"},
            {"level_outcome": ["请从以下选项中选择：化解、无法化解、当事人拒绝调解"]},
        ),
        (
            {"level_outcome": "化解", "level_result": "罚款", "level_notes": "已化解"},
            {"level_result": ["请从以下选项中选择：书面调解协议、口头调解协议、当事人自行和解"]},
        ),
    ],
)
def test_an_incomplete_report_is_refused_and_the_level_keeps_the_case(ladder, clock, data, errors):
    s = start(ladder, clock)
    task = s.task(GRID, "grid")
    with pytest.raises(FormInvalid) as caught:
        ladder.complete(task.id, data, actor=Actor.of("wang.grid", [GRID]))
    assert caught.value.errors == errors
    assert s.task(GRID, "grid").id == task.id
    assert s.case().level == GRID
    assert s.events(["case_resolved"]) == []


def test_the_last_level_task_is_due_when_the_seven_days_end_not_at_its_warning(ladder, clock):
    s = start(ladder, clock)
    lapse_to_leadership(s)
    # 镇党委政府's own boundary has only its near-due warning; the seven-day limit sits on
    # the enclosing 四级 subprocess and is what its work list must show.
    assert s.task(LEADERSHIP, "leadership").due_at == s.case().due_at == end_of(3, 11)
