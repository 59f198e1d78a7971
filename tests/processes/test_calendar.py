"""The working-day calendar: the official 2026 schedule, admins' overrides, the statutory
holidays for years nobody has entered, and the logged admin functions."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from engine.context import StepContext, in_step
from engine.db import db
from engine.models import HistoryEvent
from engine.views import SYSTEM
from processes.calendar import (
    CACHE_KEY,
    CalendarError,
    WorkCalendar,
    YearSchedule,
    library_covers,
    load_calendar,
    statutory_holidays,
    year_coverage_warning,
)
from processes.calendar_overrides import (
    CALENDAR_CHANGED,
    list_overrides,
    remove_override,
    set_override,
)
from processes.models import HolidayOverride
from tests.processes.conftest import operation_log
from webapp.cli.calendar import calendar_group

UNKNOWN_YEAR = 2031


# -- the official calendar ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "workday"),
    [
        (date(2026, 9, 18), True),  # Friday
        (date(2026, 9, 19), False),  # Saturday
        (date(2026, 9, 20), True),  # Sunday, make-up working day for 国庆
        (date(2026, 9, 25), False),  # 中秋, a Friday
        (date(2026, 10, 1), False),
        (date(2026, 10, 5), False),  # Monday inside 国庆
        (date(2026, 10, 7), False),
        (date(2026, 10, 8), True),
        (date(2026, 10, 10), True),  # Saturday, make-up working day
        (date(2026, 10, 11), False),  # Sunday
        (date(2026, 2, 14), True),  # Saturday before 春节, make-up
        (date(2026, 2, 16), False),  # Monday in 春节
    ],
)
def test_official_2026_schedule(day, workday):
    assert WorkCalendar().is_workday(day) is workday


def test_next_workday_skips_the_national_day_week():
    calendar = WorkCalendar()
    assert calendar.next_workday(date(2026, 9, 30)) == date(2026, 10, 8)
    assert calendar.next_workday(date(2026, 9, 18)) == date(2026, 9, 20)
    assert calendar.workday_on_or_after(date(2026, 10, 3)) == date(2026, 10, 8)
    assert calendar.workday_on_or_after(date(2026, 10, 8)) == date(2026, 10, 8)


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2026, 9, 18), 1, date(2026, 9, 20)),
        (date(2026, 9, 18), 2, date(2026, 9, 21)),
        (date(2026, 9, 30), 1, date(2026, 10, 8)),
        (date(2026, 9, 30), 2, date(2026, 10, 9)),
        (date(2026, 9, 30), 3, date(2026, 10, 10)),
        (date(2026, 9, 30), 4, date(2026, 10, 12)),
        (date(2026, 10, 3), 1, date(2026, 10, 8)),  # start on a holiday: first day after
        (date(2026, 3, 2), 0, date(2026, 3, 2)),
    ],
)
def test_add_working_days_does_not_count_the_start_day(start, n, expected):
    assert WorkCalendar().add_working_days(start, n) == expected


def test_add_working_days_rejects_negative_or_non_integer_counts():
    with pytest.raises(ValueError, match="非负整数"):
        WorkCalendar().add_working_days(date(2026, 3, 2), -1)
    with pytest.raises(ValueError, match="非负整数"):
        WorkCalendar().add_working_days(date(2026, 3, 2), 1.5)  # type: ignore[arg-type]


def test_working_days_between_counts_both_ends():
    calendar = WorkCalendar()
    # 9/28 Mon .. 10/11 Sun: 9/28, 9/29, 9/30, 10/8, 10/9, 10/10 work.
    assert calendar.working_days_between(date(2026, 9, 28), date(2026, 10, 11)) == 6
    assert calendar.working_days_between(date(2026, 10, 2), date(2026, 10, 1)) == 0


def test_working_days_between_across_years_counts_day_by_day():
    """Counted by each year's running count: the same as asking every day, over New Year
    (1 January 2027 a holiday), a leap day, and with an override in the middle."""
    calendar = WorkCalendar({date(2026, 12, 27): True, date(2024, 2, 29): False})
    first = date(2023, 12, 1)
    days = [first + timedelta(days=n) for n in range(3 * 366 + 60)]
    for start, end in [
        (date(2026, 12, 25), date(2027, 1, 6)),
        (date(2024, 2, 27), date(2024, 3, 1)),
        (days[0], days[-1]),
        (date(2026, 12, 31), date(2026, 12, 31)),
        (date(2027, 1, 1), date(2027, 1, 1)),
    ]:
        by_day = sum(calendar.is_workday(day) for day in days if start <= day <= end)
        assert calendar.working_days_between(start, end) == by_day, (start, end)
    # Fri 25, Sun 27 (the override), Mon 28 .. Thu 31; 1 January off; Mon 4 .. Wed 6
    assert calendar.working_days_between(date(2026, 12, 25), date(2027, 1, 6)) == 9


# -- overrides ----------------------------------------------------------------------------


def test_an_override_wins_over_the_official_calendar():
    calendar = WorkCalendar({date(2026, 10, 8): False, date(2026, 10, 4): True})
    assert calendar.is_workday(date(2026, 10, 8)) is False
    assert calendar.is_workday(date(2026, 10, 4)) is True
    assert calendar.next_workday(date(2026, 9, 30)) == date(2026, 10, 4)
    assert calendar.add_working_days(date(2026, 10, 4), 1) == date(2026, 10, 9)


def test_a_calendar_with_no_working_day_for_a_year_is_reported():
    every_day_off = {date.fromordinal(date(2026, 3, 1).toordinal() + i): False for i in range(400)}
    with pytest.raises(CalendarError, match="一年内没有工作日"):
        WorkCalendar(every_day_off).next_workday(date(2026, 3, 1))


# -- a year nobody has entered ------------------------------------------------------------


def test_an_uncovered_year_counts_the_statutory_holidays_and_says_so():
    assert not library_covers(UNKNOWN_YEAR)
    calendar = WorkCalendar()
    assert calendar.is_workday(date(UNKNOWN_YEAR, 1, 1)) is False  # 元旦, a Wednesday
    assert calendar.is_workday(date(UNKNOWN_YEAR, 1, 22)) is False  # 除夕 (lunar)
    assert calendar.is_workday(date(UNKNOWN_YEAR, 10, 1)) is False  # 国庆, a Wednesday
    assert calendar.is_workday(date(UNKNOWN_YEAR, 10, 4)) is False  # a Saturday
    assert calendar.is_workday(date(UNKNOWN_YEAR, 10, 8)) is True  # an ordinary Wednesday
    assert calendar.covered(UNKNOWN_YEAR) is False
    assert calendar.spans_uncovered(date(2026, 12, 1), date(UNKNOWN_YEAR, 1, 5)) is True
    assert calendar.spans_uncovered(date(2026, 3, 1), date(2026, 12, 31)) is False
    warning = calendar.coverage_warning(UNKNOWN_YEAR)
    assert warning is not None and f"{UNKNOWN_YEAR} 年" in warning and "暂定" in warning
    assert calendar.coverage_warning(2026) is None


def test_new_year_2027_is_a_holiday_before_anyone_enters_the_year():
    """The issue's first finding: 元旦 2027 used to count as a working day."""
    calendar = WorkCalendar()
    assert calendar.add_working_days(date(2026, 12, 28), 7) == date(2027, 1, 7)
    # 春节 2027: 除夕 5 February, the three days after, and the Art.6 substitute days
    for day in range(5, 11):
        assert calendar.is_workday(date(2027, 2, day)) is False, day
    assert calendar.is_workday(date(2027, 2, 11)) is True


def test_one_corrected_day_never_covers_a_year():
    calendar = WorkCalendar({date(UNKNOWN_YEAR, 10, 8): False})
    assert calendar.is_workday(date(UNKNOWN_YEAR, 10, 8)) is False
    assert calendar.covered(UNKNOWN_YEAR) is False
    assert calendar.coverage_warning(UNKNOWN_YEAR) is not None


def test_an_imported_year_wins_over_the_package_and_an_override_over_both():
    schedule = YearSchedule(
        year=2026,
        source="测试",
        holidays=frozenset({date(2026, 3, 4)}),
        workdays=frozenset({date(2026, 3, 7)}),
    )
    calendar = WorkCalendar({date(2026, 3, 5): False}, [schedule])
    assert calendar.is_workday(date(2026, 3, 4)) is False  # the file's day off
    assert calendar.is_workday(date(2026, 3, 7)) is True  # the file's make-up Saturday
    assert calendar.is_workday(date(2026, 10, 1)) is True  # the file says nothing of 国庆
    assert calendar.is_workday(date(2026, 3, 5)) is False  # the admin's override
    assert calendar.schedule(2026) is schedule


# -- stored overrides and the operation log -------------------------------------------------


def _events(engine) -> list[HistoryEvent]:
    with engine.session_factory() as session:
        return operation_log(session, CALENDAR_CHANGED)


def _set(engine, clock, day: date, is_workday: bool, note: str = "国办发明电〔2025〕7号"):
    with engine.session_factory() as session:
        set_override(
            session,
            day=day,
            is_workday=is_workday,
            note=note,
            actor="admin",
            now=clock.now(),
            record=engine.record_operation,
        )
        session.commit()


def test_set_override_is_stored_used_and_logged(engine, clock):
    _set(engine, clock, date(2026, 10, 8), False, note="  本地加休  ")
    with engine.session_factory() as session:
        calendar = load_calendar(session)
        assert calendar.is_workday(date(2026, 10, 8)) is False
        assert calendar.next_workday(date(2026, 9, 30)) == date(2026, 10, 9)
        [view] = list_overrides(session, 2026)
    assert (view.day, view.is_workday, view.official_workday) == (date(2026, 10, 8), False, True)
    assert (view.note, view.updated_by) == ("本地加休", "admin")
    assert view.updated_at == clock.now()
    [event] = _events(engine)
    assert event.actor == "admin"
    assert event.data == {
        "action": "set",
        "day": "2026-10-08",
        "before": None,
        "after": {"is_workday": False, "note": "本地加休"},
    }


def test_set_override_again_changes_the_row_and_logs_before_and_after(engine, clock):
    _set(engine, clock, date(2026, 10, 8), False, note="a")
    _set(engine, clock, date(2026, 10, 8), True, note="b")
    with engine.session_factory() as session:
        rows = session.scalars(select(HolidayOverride)).all()
        assert [(r.day, r.is_workday, r.note) for r in rows] == [(date(2026, 10, 8), True, "b")]
    assert _events(engine)[-1].data["before"] == {"is_workday": False, "note": "a"}


def test_remove_override_restores_the_official_day_and_logs(engine, clock):
    _set(engine, clock, date(2026, 10, 8), False)
    with engine.session_factory() as session:
        remove_override(
            session,
            day=date(2026, 10, 8),
            actor="admin2",
            now=clock.now(),
            record=engine.record_operation,
        )
        session.commit()
    with engine.session_factory() as session:
        assert load_calendar(session).is_workday(date(2026, 10, 8)) is True
        assert list_overrides(session, 2026) == []
    removed = _events(engine)[-1]
    assert removed.actor == "admin2"
    assert removed.data["action"] == "remove" and removed.data["after"] is None


def test_remove_missing_override_is_refused_and_nothing_logged(engine, clock):
    with engine.session_factory() as session, pytest.raises(CalendarError, match="2026-05-06"):
        remove_override(
            session,
            day=date(2026, 5, 6),
            actor="a",
            now=clock.now(),
            record=engine.record_operation,
        )
    assert _events(engine) == []


def test_overlong_note_is_refused(engine, clock):
    with pytest.raises(CalendarError, match="200"):
        _set(engine, clock, date(2026, 5, 6), False, note="字" * 201)
    assert _events(engine) == []


def test_list_overrides_is_per_year_and_marks_unknown_years(engine, clock):
    _set(engine, clock, date(2026, 12, 31), False)
    _set(engine, clock, date(UNKNOWN_YEAR, 1, 2), True)
    _set(engine, clock, date(UNKNOWN_YEAR, 1, 1), False)
    with engine.session_factory() as session:
        assert [v.day for v in list_overrides(session, 2026)] == [date(2026, 12, 31)]
        views = list_overrides(session, UNKNOWN_YEAR)
        assert [v.day for v in views] == [date(UNKNOWN_YEAR, 1, 1), date(UNKNOWN_YEAR, 1, 2)]
        # beneath the overrides: 元旦 (statutory) and an ordinary Thursday
        assert [v.official_workday for v in views] == [False, True]
        assert year_coverage_warning(session, UNKNOWN_YEAR) is not None


def _step(session, clock) -> StepContext:
    return StepContext(
        session=session, instance_id=1, process_id="p", version_id=1, actor=SYSTEM, now=clock.now()
    )


def test_load_calendar_is_read_once_per_step(engine, clock):
    with engine.session_factory() as session, in_step(_step(session, clock)) as step:
        first = load_calendar(session)
        assert step.cache[CACHE_KEY] is first
        assert load_calendar(session) is first
        with engine.session_factory() as other:
            assert load_calendar(other) is not first  # another session is not the step's


def _day_off(engine, session, clock) -> None:
    """8 October 2026 (a working day after 国庆) made a day off."""
    set_override(
        session,
        day=date(2026, 10, 8),
        is_workday=False,
        note="",
        actor="admin",
        now=clock.now(),
        record=engine.record_operation,
    )


def test_a_change_inside_a_step_is_seen_by_the_next_load(engine, clock):
    with engine.session_factory() as session, in_step(_step(session, clock)):
        assert load_calendar(session).is_workday(date(2026, 10, 8)) is True
        _day_off(engine, session, clock)
        assert load_calendar(session).is_workday(date(2026, 10, 8)) is False


def test_a_page_keeps_the_calendar_while_its_revision_holds(engine, clock):
    """Outside a step the calendar read last is kept per database: a page reads the
    revision alone. A change committed by another session raises the revision, and the
    next load reads the calendar again; the session making a change sees it before it
    commits, and nothing it read is kept."""
    with engine.session_factory() as session:
        first = load_calendar(session)
    with engine.session_factory() as session:
        assert load_calendar(session) is first
    with engine.session_factory() as admin:
        _day_off(engine, admin, clock)
        assert load_calendar(admin).is_workday(date(2026, 10, 8)) is False
        with engine.session_factory() as reader:  # not committed yet
            assert load_calendar(reader) is first
        admin.commit()
    with engine.session_factory() as session:
        changed = load_calendar(session)
        assert changed is not first and changed.revision == first.revision + 1
        assert changed.is_workday(date(2026, 10, 8)) is False


def test_a_calendar_row_written_without_the_revision_is_still_seen_by_its_session(engine, clock):
    with engine.session_factory() as session:
        assert load_calendar(session).is_workday(date(2026, 10, 9)) is True
        session.add(
            HolidayOverride(
                day=date(2026, 10, 9), is_workday=False, note="", updated_by="admin",
                updated_at=clock.now(),
            )
        )  # fmt: skip
        session.flush()
        assert load_calendar(session).is_workday(date(2026, 10, 9)) is False


# -- the command line ----------------------------------------------------------------------


@pytest.fixture
def run_calendar(app, sa_engine):
    runner = app.test_cli_runner()
    yield lambda *args: runner.invoke(calendar_group, list(args))
    with app.app_context():
        db.session.remove()


def test_cli_set_list_remove(run_calendar, engine):
    done = run_calendar("set", "2026-10-08", "--holiday", "--note", "本地加休")
    assert done.exit_code == 0, done.output
    assert "已将 2026-10-08 设为休息日" in done.output
    with engine.session_factory() as session:
        assert load_calendar(session).is_workday(date(2026, 10, 8)) is False
    listed = run_calendar("list", "2026")
    assert listed.exit_code == 0, listed.output
    assert "2026-10-08  休息日（原为工作日）  本地加休" in listed.output
    assert "注意" not in listed.output
    assert [e.data["action"] for e in _events(engine)] == ["set"]
    assert _events(engine)[0].actor.startswith("cli:")

    removed = run_calendar("remove", "2026-10-08")
    assert removed.exit_code == 0, removed.output
    assert "没有管理员设置的调整" in run_calendar("list", "2026").output
    again = run_calendar("remove", "2026-10-08")
    assert again.exit_code == 1 and "错误：2026-10-08 没有管理员设置的调整" in again.output


def test_cli_list_warns_about_an_uncovered_year(run_calendar):
    listed = run_calendar("list", str(UNKNOWN_YEAR))
    assert listed.exit_code == 0
    assert f"注意：{UNKNOWN_YEAR} 年的放假和调休安排尚未导入" in listed.output


def test_the_statutory_rule_gives_thirteen_days_off_a_year_since_2025():
    """《全国年节及纪念日放假办法》(2024 revision) Art.2: 元旦 1, 春节 4 (除夕 included), 清明 1,
    劳动节 2, 端午 1, 中秋 1, 国庆 3 — plus Art.6 substitute days for those on a weekend."""
    for year in (2027, 2028, UNKNOWN_YEAR):
        days = statutory_holidays(year)
        own = [day for day, name in days.items() if "补假" not in name]
        assert len(own) == 13 - _shared(days), year
        for day, name in days.items():
            if "补假" in name:
                assert day.weekday() < 5, (year, day)


def _shared(days) -> int:
    """Days holding two holidays at once (e.g. 中秋 on 3 October 2028) count once."""
    return sum(name.count(";") for name in days.values())
