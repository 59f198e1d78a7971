"""Deadlines counted before a year's schedule was imported move when it is.

A 访调 case's 信访 clock (60 calendar days) set in December 2026 ends in February 2027,
provisionally counted on the statutory holidays (春节 5–10 February). The imported 2027
file (a test sample) gives 5–13 February off: the import moves the due date on the case,
the timer row and the waiting timer inside the instance's state, and the timer fires on
the new date, not the old one. A deadline already passed is never undone.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest
from SpiffWorkflow import TaskState
from sqlalchemy import select

from engine import SYSTEM, Actor
from engine.models import Instance, TimerRecord
from processes.calendar import load_calendar
from processes.calendar_overrides import set_override
from processes.calendar_years import import_year, preview, read_year_file
from processes.models import Case, DeadlineRecord, Mediation
from processes.retime import DUE_LABELS, due_columns, plan, retime_pending
from tests.conftest import CST
from tests.processes.conftest import Scenario
from tests.processes.handoff_support import (
    MEDIATOR,
    deploy_handoff,
    extension,
    mediating,
    receive,
)

SAMPLE_2027 = Path(__file__).parents[1] / "fixtures" / "calendar" / "2027-sample.json"
ADMIN = Actor.of("admin")


def end_of(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 23, 59, 59, tzinfo=CST)


@pytest.fixture
def engine(case_engine, regions):
    return deploy_handoff(case_engine)


def petition_case(engine, clock) -> Scenario:
    """A 访调 hand-off signed for and assigned on Monday 14 December 2026: its 信访
    clocks start (notice 15 days, conclude 60 days → Friday 12 February 2027)."""
    clock.set(datetime(2026, 12, 14, 9, 0, tzinfo=CST))
    s = Scenario(engine, clock, "handoff", channel="访调")
    receive(s)
    return s


def import_2027(engine) -> None:
    year_file = read_year_file(SAMPLE_2027.read_text(encoding="utf-8"))
    with engine.session_factory() as session:
        import_year(
            session,
            year_file,
            actor="admin",
            now=engine.clock.now(),
            record=engine.record_operation,
        )
        session.commit()
    retime_pending(engine, actor=ADMIN)


def timer_due(s: Scenario, spec_id: str) -> datetime:
    with s.engine.session_factory() as session:
        return session.scalars(
            select(TimerRecord.due_at).where(
                TimerRecord.instance_id == s.instance_id, TimerRecord.spec_id == spec_id
            )
        ).one()


def fired(s: Scenario, spec_id: str) -> int:
    return [e.spec_id for e in s.events(["timer_fired"])].count(spec_id)


def armed_in_state(s: Scenario, spec_id: str) -> str:
    """The due time a waiting timer holds inside the instance's serialized state."""
    with s.engine.session_factory() as session:
        state = json.loads(session.get(Instance, s.instance_id).state)
    specs = {}
    for workflow in [state, *state.get("subprocesses", {}).values()]:
        for task in workflow["tasks"].values():
            specs.setdefault(task["task_spec"], []).append(task)
    [timer] = [t for t in specs[spec_id] if t["state"] == TaskState.WAITING]
    return timer["internal_data"]["event_value"]


def records(s: Scenario, label: str) -> list[DeadlineRecord]:
    with s.engine.session_factory() as session:
        return list(
            session.scalars(
                select(DeadlineRecord).where(
                    DeadlineRecord.instance_id == s.instance_id, DeadlineRecord.label == label
                )
            )
        )


def test_a_petition_clock_set_before_the_import_moves_and_fires_on_the_new_date(engine, clock):
    s = petition_case(engine, clock)
    assert timer_due(s, "conclude_overdue") == end_of(2027, 2, 12)
    [conclude] = records(s, "访调·信访事项办结")
    assert conclude.provisional is True

    import_2027(engine)

    # the timer row, the waiting timer in the state, the case's own records
    assert timer_due(s, "conclude_overdue") == end_of(2027, 2, 15)
    assert armed_in_state(s, "conclude_overdue") == "2027-02-15T23:59:59+08:00"
    assert s.instance().data["petition_conclude_due"] == "2027-02-15T23:59:59+08:00"
    [row] = s.rows(Mediation)
    assert row.petition_conclude_due_at == end_of(2027, 2, 15)
    [conclude] = records(s, "访调·信访事项办结")
    assert (conclude.due_at, conclude.provisional) == (end_of(2027, 2, 15), False)
    [event] = s.events(["deadlines_retimed"])
    assert event.actor == "admin"
    moved = {t["element"]: (t["from"], t["to"]) for t in event.data["timers"]}
    assert moved["conclude_overdue"] == (
        "2027-02-12T23:59:59+08:00",
        "2027-02-15T23:59:59+08:00",
    )
    assert "petition_conclude_due" in event.data["variables"]
    assert "信访办结期限" in event.data["records"]

    # the old date passes quietly; the new one fires
    s.advance_to(datetime(2027, 2, 13, 12, 0, tzinfo=CST))
    assert s.case().overdue is False
    assert not s.events(["case_overdue"])
    s.advance_to(datetime(2027, 2, 16, 0, 30, tzinfo=CST))
    assert s.case().overdue is True
    assert [e.data["reason"] for e in s.events(["case_overdue"])] == [
        "访调案件超过信访事项办结期限"
    ]


def test_the_preview_lists_the_moves_before_anything_is_stored(engine, clock):
    s = petition_case(engine, clock)
    year_file = read_year_file(SAMPLE_2027.read_text(encoding="utf-8"))
    with engine.session_factory() as session:
        shown = preview(session, year_file, now=clock.now())
    changed = {c.day: c.is_workday for c in shown.days}
    assert changed[date(2027, 2, 11)] is False and changed[date(2027, 2, 20)] is True
    moves = {(m.label, m.old, m.new) for m in shown.deadlines.moves}
    assert ("访调·信访事项办结", end_of(2027, 2, 12), end_of(2027, 2, 15)) in moves
    assert {m.case_code for m in shown.deadlines.moves} == {s.case().code}
    assert timer_due(s, "conclude_overdue") == end_of(2027, 2, 12)  # nothing moved yet


def test_a_deadline_already_passed_is_listed_and_never_undone(engine, clock):
    """The notice clock (15 days → 29 December) fires; then an admin makes 29 December a
    day off, which would have put it on the 30th: it stays fired, and the list says so."""
    s = petition_case(engine, clock)
    s.advance_to(datetime(2026, 12, 30, 9, 0, tzinfo=CST))
    assert fired(s, "notify_overdue") == 1
    with engine.session_factory() as session:
        set_override(
            session,
            day=date(2026, 12, 29),
            is_workday=False,
            note="本地加休",
            actor="admin",
            now=clock.now(),
            record=engine.record_operation,
        )
        session.commit()
        the_plan = plan(session, load_calendar(session), now=clock.now(), stale_only=True)
    passed = {(m.label, m.old, m.new) for m in the_plan.passed}
    assert ("访调·书面告知信访人", end_of(2026, 12, 29), end_of(2026, 12, 30)) in passed
    report = retime_pending(engine, actor=ADMIN)
    assert {m.label for m in report.passed} >= {"访调·书面告知信访人"}
    assert fired(s, "notify_overdue") == 1  # not re-armed
    assert s.instance().data["petition_notice_due"] == "2026-12-29T23:59:59+08:00"


def test_nothing_stale_means_nothing_to_do(engine, clock):
    petition_case(engine, clock)
    report = retime_pending(engine, actor=SYSTEM)
    assert (report.instances, report.moved, report.passed) == (0, [], [])


def test_a_deadline_counted_from_another_moves_with_it(engine, clock):
    """An extension counts from the deadline it extends: when the calendar moves the
    first, the extension is counted again from the new one."""
    clock.set(datetime(2027, 1, 11, 9, 0, tzinfo=CST))
    s = mediating(engine, clock, "诉调")
    # 30 days from 11 January: 10 February is a statutory day off → 11 February
    assert s.case().due_at == end_of(2027, 2, 11)
    s.complete(MEDIATOR, "mediate", extension(10))
    assert s.case().due_at == end_of(2027, 2, 22)  # 21 February is a Sunday
    import_2027(engine)
    # on the file: 10 February → 15 February (5–13 off, 14 Sunday); +10 → 25 February
    assert s.case().due_at == end_of(2027, 2, 25)
    with engine.session_factory() as session:
        assert session.get(Case, s.case_id).due_at == end_of(2027, 2, 25)
    assert timer_due(s, "mediate_expired") == end_of(2027, 2, 25)


def test_every_stored_due_time_is_found_and_has_a_name_people_read():
    found = {f"{model.__tablename__}.{column.key}" for model, column in due_columns()}
    assert "dispute_case.due_at" in found and "mediation.petition_conclude_due_at" in found
    assert found <= set(DUE_LABELS), f"name these in processes/retime.py: {found - set(DUE_LABELS)}"


def test_a_deadline_moved_into_the_past_fires_on_the_next_round(engine, clock):
    """A 15-day notice clock from Friday 11 December ends on Saturday 26 December, so on
    Monday the 28th. On Sunday the admin enters the 26th as a make-up working day: the
    deadline is now behind us, and the scheduler's next round fires it."""
    clock.set(datetime(2026, 12, 11, 9, 0, tzinfo=CST))
    s = Scenario(engine, clock, "handoff", channel="访调")
    receive(s)
    assert timer_due(s, "notify_overdue") == end_of(2026, 12, 28)
    s.advance_to(datetime(2026, 12, 27, 10, 0, tzinfo=CST))
    assert "notify_overdue" not in [e.spec_id for e in s.events(["timer_fired"])]
    with engine.session_factory() as session:
        set_override(
            session,
            day=date(2026, 12, 26),
            is_workday=True,
            note="补班",
            actor="admin",
            now=clock.now(),
            record=engine.record_operation,
        )
        session.commit()
    report = retime_pending(engine, actor=ADMIN)
    assert any(m.label == "访调·书面告知信访人" for m in report.moved)
    assert timer_due(s, "notify_overdue") == end_of(2026, 12, 26)
    assert engine.fire_due_timers() == 1
    assert "notify_overdue" in [e.spec_id for e in s.events(["timer_fired"])]
