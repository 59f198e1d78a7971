"""Deadline counting, the deadline rules, and the helpers diagrams call in timers."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from engine import Actor, Engine, StepFailed
from engine.context import StepContext, in_step
from engine.models import HistoryEvent, TimerRecord
from engine.sandbox import _check_helpers
from engine.views import SYSTEM
from processes.calendar import WorkCalendar
from processes.calendar_overrides import set_override
from processes.deadlines import (
    RULE_CHANGED,
    RuleInvalid,
    UnknownDeadlineRule,
    due_after,
    extend,
    rule_due,
    rule_of,
    rule_warn_at,
    update_rule,
    warn_at,
)
from processes.enums import DeadlineUnit
from processes.helpers import SCRIPT_HELPERS
from tests.processes.conftest import operation_log

from ..engine.diagrams import sequence, write

CST = timezone(timedelta(hours=8))
W, D, H = DeadlineUnit.WORKING_DAYS, DeadlineUnit.CALENDAR_DAYS, DeadlineUnit.HOURS
CALENDAR = WorkCalendar()
CENTER = Actor.of("li", ["镇综治中心"])


def at(y: int, m: int, d: int, hh: int = 10, mm: int = 0, ss: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, ss, tzinfo=CST)


def eod(y: int, m: int, d: int) -> datetime:
    return at(y, m, d, 23, 59, 59)


# -- counting -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "amount", "due"),
    [
        (at(2026, 9, 18), 1, eod(2026, 9, 20)),  # Sun 9/20 is a make-up working day
        (at(2026, 9, 18), 2, eod(2026, 9, 21)),
        (at(2026, 9, 30), 1, eod(2026, 10, 8)),
        (at(2026, 9, 30), 2, eod(2026, 10, 9)),
        (at(2026, 9, 30), 3, eod(2026, 10, 10)),  # Sat 10/10 is a make-up working day
        (at(2026, 3, 2, 9), 7, eod(2026, 3, 11)),  # 四级七天 from a Monday
        (at(2026, 3, 6, 23, 59), 1, eod(2026, 3, 9)),  # Friday night: next Monday
    ],
)
def test_working_days_do_not_count_the_start_day(start, amount, due):
    assert due_after(start, amount, W, CALENDAR) == due


def test_the_start_day_is_the_beijing_day():
    # 2026-09-29 17:00 UTC is already Wednesday 9/30 01:00 in Beijing.
    start = datetime(2026, 9, 29, 17, 0, tzinfo=UTC)
    assert due_after(start, 1, W, CALENDAR) == eod(2026, 10, 8)
    assert due_after(start, 1, W, CALENDAR).utcoffset() == timedelta(hours=8)


@pytest.mark.parametrize(
    ("start", "amount", "due"),
    [
        (at(2026, 3, 2), 3, eod(2026, 3, 5)),  # ends on a Thursday
        (at(2026, 3, 2), 5, eod(2026, 3, 9)),  # ends on Saturday 3/7: moves to Monday
        (at(2026, 9, 16), 15, eod(2026, 10, 8)),  # ends on 10/1, inside 国庆
        (at(2026, 9, 23), 14, eod(2026, 10, 8)),  # ends on 10/7, the last day off
        (at(2026, 9, 5), 15, eod(2026, 9, 20)),  # ends on Sunday 9/20, a working day
        (at(2026, 9, 25), 15, eod(2026, 10, 10)),  # ends on Saturday 10/10, a working day
    ],
)
def test_calendar_days_ending_on_a_day_off_move_to_the_next_working_day(start, amount, due):
    assert due_after(start, amount, D, CALENDAR) == due


def test_hours_are_exact():
    assert due_after(at(2026, 9, 30, 22, 30), 4, H, CALENDAR) == at(2026, 10, 1, 2, 30)
    assert due_after(at(2026, 9, 30, 22, 30), 4, "小时", CALENDAR) == at(2026, 10, 1, 2, 30)


def test_overrides_change_the_result():
    extra_day_off = WorkCalendar({date(2026, 10, 8): False})
    assert due_after(at(2026, 9, 30), 1, W, extra_day_off) == eod(2026, 10, 9)
    assert due_after(at(2026, 9, 16), 15, D, extra_day_off) == eod(2026, 10, 9)
    extra_workday = WorkCalendar({date(2026, 10, 3): True})
    assert due_after(at(2026, 9, 30), 1, W, extra_workday) == eod(2026, 10, 3)
    assert due_after(at(2026, 9, 16), 15, D, extra_workday) == eod(2026, 10, 3)


def test_an_uncovered_year_still_counts_its_statutory_holidays():
    # 2031-10-01..03 (Wed–Fri) are 国庆 by statute even before anyone enters the year.
    assert due_after(at(2031, 9, 30), 1, W, CALENDAR) == eod(2031, 10, 6)
    # a calendar-day limit ending on 国庆 moves to the next working day
    assert due_after(at(2031, 9, 1), 30, D, CALENDAR) == eod(2031, 10, 6)
    assert not CALENDAR.covered(2031)


@pytest.mark.parametrize("amount", [0, -1, 1.5, True, "3"])
def test_amount_must_be_a_positive_integer(amount):
    with pytest.raises(ValueError, match="正整数"):
        due_after(at(2026, 3, 2), amount, W, CALENDAR)


def test_unknown_unit_is_refused():
    with pytest.raises(ValueError, match="未知的时限单位 '周'"):
        due_after(at(2026, 3, 2), 1, "周", CALENDAR)


def test_warn_at_is_never_before_the_start_nor_after_due():
    due = eod(2026, 3, 3)
    assert warn_at(due, 4, not_before=at(2026, 3, 2, 9)) == at(2026, 3, 3, 19, 59, 59)
    assert warn_at(due, 72, not_before=at(2026, 3, 2, 9)) == at(2026, 3, 2, 9)
    assert warn_at(due, 0, not_before=at(2026, 3, 2, 9)) == due
    with pytest.raises(ValueError, match="非负"):
        warn_at(due, -1, not_before=at(2026, 3, 2, 9))


def test_extend_counts_from_the_due_day():
    assert extend(eod(2026, 9, 30), 1, W, CALENDAR) == eod(2026, 10, 8)
    assert extend(eod(2026, 9, 16), 15, D, CALENDAR) == eod(2026, 10, 8)
    assert extend(at(2026, 3, 2, 15), 2, H, CALENDAR) == at(2026, 3, 2, 17)


# -- rules --------------------------------------------------------------------------------


def test_rule_due_uses_the_rule_and_the_red_limit(engine):
    monday = at(2026, 3, 2, 9)
    with engine.session_factory() as session:
        assert rule_due(session, "ladder.total", start=monday) == eod(2026, 3, 11)
        assert rule_due(session, "ladder.total", start=monday, risk_colour="红") == eod(2026, 3, 6)
        assert rule_due(session, "ladder.total", start=monday, risk_colour="黄") == eod(2026, 3, 11)
        # court.mediation has no red limit: red keeps 30 calendar days (4/1, a Wednesday).
        assert rule_due(session, "court.mediation", start=monday, risk_colour="红") == eod(
            2026, 4, 1
        )
        # petition.conclude: 60 calendar days from 8/28 end on Tue 10/27.
        assert rule_due(session, "petition.conclude", start=at(2026, 8, 28)) == eod(2026, 10, 27)


def test_rule_due_reads_the_stored_overrides(engine, clock):
    with engine.session_factory() as session:
        assert rule_due(session, "ladder.grid", start=at(2026, 9, 30)) == eod(2026, 10, 8)
        set_override(
            session,
            day=date(2026, 10, 8),
            is_workday=False,
            note="测试",
            actor="admin",
            now=clock.now(),
            record=engine.record_operation,
        )
        session.commit()
    with engine.session_factory() as session:
        assert rule_due(session, "ladder.grid", start=at(2026, 9, 30)) == eod(2026, 10, 9)


def test_rule_warn_at(engine):
    with engine.session_factory() as session:
        # ladder.grid: 1 working day, warned 4 hours before.
        assert rule_warn_at(session, "ladder.grid", start=at(2026, 3, 2, 9)) == at(
            2026, 3, 3, 19, 59, 59
        )
        # court.mediation: 30 calendar days, warned 72 hours before.
        start = at(2026, 3, 2, 9)
        assert rule_warn_at(session, "court.mediation", start=start) == at(2026, 3, 29, 23, 59, 59)
        # police.receipt: 1 working day warned 4 hours before, across 国庆.
        late = at(2026, 9, 30, 23)
        assert rule_warn_at(session, "police.receipt", start=late) == at(2026, 10, 8, 19, 59, 59)


def test_rule_warn_at_is_not_before_the_start(engine, clock):
    _update(engine, clock, "hotline.handle", amount=2, unit="小时", red_amount=1)
    with engine.session_factory() as session:
        start = at(2026, 3, 2, 9)
        assert rule_due(session, "hotline.handle", start=start) == at(2026, 3, 2, 11)
        assert rule_warn_at(session, "hotline.handle", start=start) == start


def test_unknown_rule_and_unknown_colour_are_named(engine):
    with engine.session_factory() as session:
        with pytest.raises(UnknownDeadlineRule, match=r"时限规则 'no\.such' 不存在"):
            rule_of(session, "no.such")
        with pytest.raises(ValueError, match="未知的风险等级 '紫'"):
            rule_due(session, "ladder.grid", start=at(2026, 3, 2), risk_colour="紫")


def _rule_events(engine) -> list[HistoryEvent]:
    with engine.session_factory() as session:
        return operation_log(session, RULE_CHANGED)


def _update(engine, clock, key: str, **fields):
    with engine.session_factory() as session:
        update_rule(
            session, key, actor="admin", now=clock.now(), record=engine.record_operation, **fields
        )
        session.commit()


def test_update_rule_changes_counting_and_is_logged(engine, clock):
    _update(engine, clock, "hotline.handle", amount=3, unit="自然日", red_amount=None)
    with engine.session_factory() as session:
        rule = rule_of(session, "hotline.handle")
        assert (rule.amount, rule.unit, rule.red_amount) == (3, "自然日", None)
        assert rule.warn_hours == 24  # untouched
        # 3 calendar days from Wed 3/4 end on Sat 3/7: moved to Monday.
        assert rule_due(session, "hotline.handle", start=at(2026, 3, 4), risk_colour="红") == (
            eod(2026, 3, 9)
        )
    [event] = _rule_events(engine)
    assert event.actor == "admin" and event.data["key"] == "hotline.handle"
    assert (event.data["before"]["amount"], event.data["after"]["amount"]) == (5, 3)
    assert (event.data["before"]["unit"], event.data["after"]["unit"]) == ("工作日", "自然日")
    assert event.data["after"]["red_amount"] is None


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"amount": 0}, "时限必须是正整数"),
        ({"amount": "5"}, "时限必须是正整数"),
        ({"unit": "周"}, "未知的时限单位"),
        ({"red_amount": 9}, "红色案件时限不能长于一般时限"),
        ({"warn_hours": -1}, "预警提前小时数必须是非负整数"),
        ({"extendable_by": "随便"}, "未知的延长方式"),
        ({"max_extension": 5}, "不可延长的时限不能设置最长延长期限"),
        ({"name": "  "}, "名称不能为空"),
        ({"pausable": "yes"}, "是否可暂停必须是布尔值"),
    ],
)
def test_update_rule_validates(engine, clock, fields, message):
    with pytest.raises(RuleInvalid, match=message):
        _update(engine, clock, "hotline.handle", **fields)
    with engine.session_factory() as session:
        assert rule_of(session, "hotline.handle").amount == 5
    assert _rule_events(engine) == []


def test_update_rule_of_an_unknown_key(engine, clock):
    with pytest.raises(UnknownDeadlineRule, match="nope"):
        _update(engine, clock, "nope", amount=3)


# -- helpers, called directly in a step ----------------------------------------------------


def test_helpers_pass_the_sandbox_checks():
    _check_helpers(SCRIPT_HELPERS)
    assert set(SCRIPT_HELPERS) == {
        "deadline",
        "warn_time",
        "working_days",
        "calendar_days",
        "hours",
        "minutes",
        "seconds",
        "before",
        "shift",
        "extend_due",
        "now_iso",
        "cycle",
        "rule_days",
    }


@pytest.fixture
def step_at(engine):
    """Run the helpers as if inside a step at a given time (of no instance: nothing is
    recorded; tests/processes/test_retime.py runs them in real instances)."""

    @contextlib.contextmanager
    def enter(now: datetime) -> Iterator[StepContext]:
        with engine.session_factory() as session:
            context = StepContext(
                session=session, instance_id=0, process_id="p", version_id=1, actor=SYSTEM, now=now
            )
            with in_step(context):
                yield context

    return enter


def h(name: str):
    return SCRIPT_HELPERS[name]


def test_helpers_count_from_the_step_time(step_at):
    with step_at(at(2026, 9, 30, 10).astimezone(UTC)):
        assert h("now_iso")() == "2026-09-30T10:00:00+08:00"
        assert h("working_days")(1) == "2026-10-08T23:59:59+08:00"
        assert h("working_days")(3) == "2026-10-10T23:59:59+08:00"
        assert h("calendar_days")(3) == "2026-10-08T23:59:59+08:00"
        assert h("hours")(15) == "2026-10-01T01:00:00+08:00"
        assert h("minutes")(90) == "2026-09-30T11:30:00+08:00"
        assert h("seconds")(30) == "2026-09-30T10:00:30+08:00"
        assert h("deadline")("ladder.grid") == "2026-10-08T23:59:59+08:00"
        # 7 working days: 10/8, 10/9, 10/10 (Sat, make-up), 10/12, 10/13, 10/14, 10/15.
        assert h("deadline")("ladder.total") == "2026-10-15T23:59:59+08:00"
        assert h("deadline")("ladder.total", "红") == "2026-10-12T23:59:59+08:00"
        assert h("warn_time")("ladder.grid") == "2026-10-08T19:59:59+08:00"
        assert h("rule_days")("ladder.total") == 7
        assert h("rule_days")("ladder.total", "红") == 4
        assert h("rule_days")("court.mediation", "红") == 30


def test_time_arithmetic_helpers(step_at):
    with step_at(at(2026, 3, 2, 9)):
        assert h("before")("2026-03-05T23:59:59+08:00", 24) == "2026-03-04T23:59:59+08:00"
        assert h("before")("2026-03-02T12:00:00+08:00", 24) == "2026-03-02T09:00:00+08:00"
        # A naive text is Beijing time; a UTC text comes back in Beijing time.
        assert h("before")("2026-03-05T12:00:00", 2) == "2026-03-05T10:00:00+08:00"
        assert h("before")("2026-03-05T04:00:00+00:00", 1) == "2026-03-05T11:00:00+08:00"
        # Paused since Friday 2/27 09:00: three days pass, the due moves three days later.
        assert (
            h("shift")("2026-03-10T23:59:59+08:00", "2026-02-27T09:00:00+08:00")
            == "2026-03-13T23:59:59+08:00"
        )
        assert h("extend_due")("2026-09-16T23:59:59+08:00", 15) == "2026-10-08T23:59:59+08:00"
        assert h("extend_due")("2026-09-30T23:59:59+08:00", 1, "工作日") == (
            "2026-10-08T23:59:59+08:00"
        )
        assert h("extend_due")("2026-09-30T23:00:00+08:00", 2, "小时") == (
            "2026-10-01T01:00:00+08:00"
        )


def test_cycle_helper(step_at):
    with step_at(at(2026, 3, 2, 9)):
        assert h("cycle")("whistle.progress", 5) == "R5/P3D"
        assert h("cycle")("ladder.total", 2) == "R2/P7D"  # working days approximated
        with pytest.raises(ValueError, match="重复次数"):
            h("cycle")("whistle.progress", 0)


def test_cycle_helper_for_an_hour_rule(engine, clock, step_at):
    _update(engine, clock, "whistle.progress", amount=6, unit="小时")
    with step_at(at(2026, 3, 2, 9)):
        assert h("cycle")("whistle.progress", 5) == "R5/PT6H"


def test_helper_errors_are_in_chinese(step_at):
    with step_at(at(2026, 3, 2, 9)):
        with pytest.raises(UnknownDeadlineRule, match=r"no\.such"):
            h("deadline")("no.such")
        with pytest.raises(ValueError, match="不是有效的 ISO 8601 时间"):
            h("before")("next week", 1)
        with pytest.raises(TypeError, match="ISO 8601"):
            h("before")(5, 1)
        with pytest.raises(ValueError, match="晚于当前时间"):
            h("shift")("2026-03-10T23:59:59+08:00", "2026-03-03T09:00:00+08:00")
        with pytest.raises(ValueError, match="正整数"):
            h("working_days")(0)
        with pytest.raises(ValueError, match="秒数必须是正整数"):
            h("seconds")(0)
        with pytest.raises(ValueError, match="分钟数必须是正整数"):
            h("minutes")(1.5)


def test_helpers_need_a_step():
    with pytest.raises(RuntimeError, match="流程步骤"):
        h("now_iso")()


# -- helpers in a real diagram --------------------------------------------------------------


def timer_date(event_id: str, expression: str, kind: str = "timeDate") -> str:
    return (
        f'<bpmn:intermediateCatchEvent id="{event_id}" name="等待"><bpmn:timerEventDefinition>'
        f"<bpmn:{kind}>{expression}</bpmn:{kind}>"
        "</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>"
    )


@pytest.fixture
def helper_engine(engine, clock) -> Engine:
    return Engine(engine.session_factory, clock=clock, helpers=SCRIPT_HELPERS)


def _start_timer(engine: Engine, tmp_path, expression: str, kind="timeDate", data=None) -> int:
    pid = "t"
    path = write(tmp_path, "t.bpmn", sequence(pid, ("wait", timer_date("wait", expression, kind))))
    engine.deploy([path], actor="designer")
    return engine.start(pid, actor=CENTER, data=data)


def _timer_due(engine: Engine) -> datetime:
    with engine.session_factory() as session:
        [row] = session.scalars(select(TimerRecord)).all()
        return row.due_at


def test_a_deadline_timer_in_a_diagram_is_due_at_the_rules_time(helper_engine, clock, tmp_path):
    instance = _start_timer(helper_engine, tmp_path, 'deadline("ladder.grid")')
    assert _timer_due(helper_engine) == eod(2026, 3, 3)
    clock.set(eod(2026, 3, 3))
    assert helper_engine.fire_due_timers() == 0
    clock.advance(seconds=1)
    assert helper_engine.fire_due_timers() == 1
    assert helper_engine.instance(instance).status == "completed"


def test_a_seconds_timer_fires_seconds_later(helper_engine, clock, tmp_path):
    """A designer trying an escalation waits seconds, not hours (issue 19)."""
    instance = _start_timer(helper_engine, tmp_path, "seconds(30)")
    assert _timer_due(helper_engine) == clock.now() + timedelta(seconds=30)
    clock.advance(seconds=29)
    assert helper_engine.fire_due_timers() == 0
    clock.advance(seconds=2)
    assert helper_engine.fire_due_timers() == 1
    assert helper_engine.instance(instance).status == "completed"


def test_a_red_case_timer_uses_the_red_limit(helper_engine, tmp_path):
    _start_timer(helper_engine, tmp_path, 'deadline("ladder.total", risk)', data={"risk": "红"})
    assert _timer_due(helper_engine) == eod(2026, 3, 6)


def test_a_diagram_timer_sees_the_stored_calendar(helper_engine, clock, tmp_path):
    with helper_engine.session_factory() as session:
        set_override(
            session,
            day=date(2026, 3, 3),
            is_workday=False,
            note="本地停工",
            actor="admin",
            now=clock.now(),
            record=helper_engine.record_operation,
        )
        session.commit()
    _start_timer(helper_engine, tmp_path, "working_days(1)")
    assert _timer_due(helper_engine) == eod(2026, 3, 4)


def test_a_cycle_timer_from_a_rule(helper_engine, clock, tmp_path):
    _start_timer(helper_engine, tmp_path, 'cycle("whistle.progress", 5)', kind="timeCycle")
    assert _timer_due(helper_engine) == clock.now() + timedelta(days=3)


def test_an_unknown_rule_fails_the_step_naming_the_key(helper_engine, tmp_path):
    with pytest.raises(StepFailed, match=r"no\.such"):
        _start_timer(helper_engine, tmp_path, 'deadline("no.such")')
