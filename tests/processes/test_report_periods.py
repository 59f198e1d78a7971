"""Report periods: the days each covers, their titles, their UTC bounds in Beijing time,
the period before (环比), the one a year ago (同比) and the trend behind them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from itertools import pairwise

import pytest

from processes.reports.periods import Period, PeriodInvalid, PeriodKind

DAY, WEEK, MONTH, QUARTER, CUSTOM = PeriodKind
MONDAY = date(2026, 11, 23)  # ISO week 48 of 2026


@pytest.mark.parametrize(
    ("kind", "first", "last", "label", "key"),
    [
        (DAY, date(2026, 11, 23), date(2026, 11, 23), "2026年11月23日", "2026-11-23"),
        (
            WEEK,
            date(2026, 11, 23),
            date(2026, 11, 29),
            "2026年第48周（11月23日—11月29日）",
            "2026-W48",
        ),
        (MONTH, date(2026, 11, 1), date(2026, 11, 30), "2026年11月", "2026-11"),
        (QUARTER, date(2026, 10, 1), date(2026, 12, 31), "2026年第四季度", "2026-Q4"),
    ],
)
def test_each_kind_covers_its_days_and_is_titled(kind, first, last, label, key):
    for day in (first, last, MONDAY if first <= MONDAY <= last else first):
        period = Period.containing(kind, day)
        assert (period.first, period.last) == (first, last)
    assert period.label == label
    assert period.key == key
    assert Period.parse(kind, key) == period
    assert Period.from_dict(period.to_dict()) == period


def test_a_custom_period_is_any_span_of_days():
    period = Period.custom(date(2026, 11, 1), date(2026, 11, 15))
    assert period.label == "2026年11月01日—2026年11月15日"
    assert period.days == 15
    assert Period.parse(CUSTOM, period.key) == period
    assert period.to_dict() == {"kind": "按需", "first": "2026-11-01", "last": "2026-11-15"}
    with pytest.raises(PeriodInvalid, match="晚于"):
        Period.custom(date(2026, 11, 2), date(2026, 11, 1))
    with pytest.raises(PeriodInvalid):
        Period.containing(CUSTOM, MONDAY)


def test_bounds_are_beijing_midnights_in_utc():
    day = Period.containing(DAY, MONDAY)
    # 00:00 Beijing = 16:00 UTC the day before; the period is [start, end)
    assert day.start == datetime(2026, 11, 22, 16, 0, tzinfo=UTC)
    assert day.end == datetime(2026, 11, 23, 16, 0, tzinfo=UTC)
    month = Period.containing(MONTH, MONDAY)
    assert month.start == datetime(2026, 10, 31, 16, tzinfo=UTC)
    assert month.end == datetime(2026, 11, 30, 16, tzinfo=UTC)


@pytest.mark.parametrize(
    ("period", "previous", "year_ago"),
    [
        (
            Period.containing(DAY, date(2026, 3, 1)),
            (date(2026, 2, 28),) * 2,
            (date(2025, 3, 1),) * 2,
        ),
        # 29 February has no twin in a common year: the 28th stands in
        (
            Period.containing(DAY, date(2028, 2, 29)),
            (date(2028, 2, 28),) * 2,
            (date(2027, 2, 28),) * 2,
        ),
        (
            Period.containing(WEEK, date(2026, 1, 1)),  # ISO 2026-W01 starts 29 Dec 2025
            (date(2025, 12, 22), date(2025, 12, 28)),
            (date(2024, 12, 30), date(2025, 1, 5)),  # 2025-W01
        ),
        (
            Period.containing(WEEK, date(2026, 12, 30)),  # 2026-W53; 2025 has 52 weeks
            (date(2026, 12, 21), date(2026, 12, 27)),
            (date(2025, 12, 22), date(2025, 12, 28)),
        ),
        (
            Period.containing(MONTH, date(2026, 1, 15)),
            (date(2025, 12, 1), date(2025, 12, 31)),
            (date(2025, 1, 1), date(2025, 1, 31)),
        ),
        (
            Period.containing(MONTH, date(2024, 3, 3)),
            (date(2024, 2, 1), date(2024, 2, 29)),
            (date(2023, 3, 1), date(2023, 3, 31)),
        ),
        (
            Period.containing(QUARTER, date(2026, 2, 1)),
            (date(2025, 10, 1), date(2025, 12, 31)),
            (date(2025, 1, 1), date(2025, 3, 31)),
        ),
        (
            Period.custom(date(2026, 11, 1), date(2026, 11, 15)),  # 15 days
            (date(2026, 10, 17), date(2026, 10, 31)),
            (date(2025, 11, 1), date(2025, 11, 15)),
        ),
    ],
    ids=["day", "leap-day", "week-1", "week-53", "january", "leap-march", "q1", "custom"],
)
def test_the_period_before_and_the_one_a_year_ago(period, previous, year_ago):
    assert (period.previous().first, period.previous().last) == previous
    assert (period.year_ago().first, period.year_ago().last) == year_ago
    assert period.previous().kind == period.year_ago().kind == period.kind


@pytest.mark.parametrize(("kind", "length"), [(DAY, 30), (WEEK, 12), (MONTH, 12), (QUARTER, 8)])
def test_a_trend_is_the_periods_up_to_this_one_oldest_first(kind, length):
    period = Period.containing(kind, MONDAY)
    trend = period.trend()
    assert len(trend) == length
    assert trend[-1] == period
    for earlier, later in pairwise(trend):
        assert earlier.end == later.start, "no gap, no overlap"
    if kind is MONTH:
        assert trend[0] == Period.containing(MONTH, date(2025, 12, 1))


def test_whole_months_and_fixed_kinds_that_do_not_line_up():
    assert Period.containing(QUARTER, MONDAY).months() == [
        date(2026, 10, 1),
        date(2026, 11, 1),
        date(2026, 12, 1),
    ]
    assert Period.custom(date(2026, 1, 1), date(2026, 2, 28)).months() == [
        date(2026, 1, 1),
        date(2026, 2, 1),
    ]
    assert Period.containing(WEEK, MONDAY).months() is None
    assert Period.custom(date(2026, 1, 1), date(2026, 2, 27)).months() is None
    with pytest.raises(PeriodInvalid, match="不是一个完整的月总结周期"):
        Period.from_dict({"kind": "月总结", "first": "2026-11-02", "last": "2026-11-30"})
    with pytest.raises(PeriodInvalid):
        Period.parse(MONTH, "2026-13")
