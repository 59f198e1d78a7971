"""Report snapshots: issued as the figures were, never changed afterwards; scheduled ones
issued for every ended period and report region, caught up after downtime, never twice
(even by two schedulers at once); on-demand ones as often as asked."""

from __future__ import annotations

import copy
import threading
from datetime import date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from processes.models import Region, ReportSnapshot
from processes.reports import snapshots
from processes.reports.periods import Period, PeriodKind
from processes.reports.report import build_report
from processes.reports.schedule import due_periods
from processes.reports.snapshots import content_hash, is_intact, issue_due, issue_snapshot
from tests.conftest import CST
from tests.processes.conftest import COUNTY, GRID, TOWNSHIP, VILLAGE, case_engine, regions  # noqa: F401
from tests.processes.snapshot_support import add_cases, snapshot_count, snapshot_keys

FEBRUARY = Period.containing(PeriodKind.MONTH, date(2026, 2, 1))
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=CST)  # the harness clock's Monday morning


def _received(content) -> int:
    return next(h["value"] for h in content["headline"] if h["key"] == "received")


@pytest.fixture
def factory(case_engine, regions):  # noqa: F811
    return case_engine.session_factory


def _issue(session, period=FEBRUARY, *, scheduled=True, region=COUNTY, by="定时任务"):
    return issue_snapshot(
        session,
        kind=period.kind,
        region_code=region,
        period=period,
        as_of=NOW,
        issued_by=by,
        scheduled=scheduled,
    )


def test_a_snapshot_stores_the_report_with_the_hash_of_its_canonical_json(factory):
    with factory() as session:
        add_cases(session, 3, at=datetime(2026, 2, 10, 10, tzinfo=CST))
        add_cases(session, 1, at=datetime(2026, 3, 1, 23, 59, tzinfo=CST))  # March 1 local
        row = _issue(session)
        session.commit()
        snapshot_id = row.id
    with factory() as session:
        stored = session.get(ReportSnapshot, snapshot_id)
        assert (stored.kind, stored.region_code) == ("月总结", COUNTY)
        assert (stored.first, stored.last) == (date(2026, 2, 1), date(2026, 2, 28))
        assert stored.issued_by == "定时任务" and stored.scheduled is True
        assert stored.content["period"]["label"] == "2026年2月"
        assert _received(stored.content) == 3
        assert stored.content_hash == content_hash(stored.content) and is_intact(stored)
        assert len(stored.content_hash) == 64


def test_content_changed_behind_the_applications_back_no_longer_matches_its_hash(factory):
    with factory() as session:
        add_cases(session, 2, at=datetime(2026, 2, 10, 10, tzinfo=CST))
        snapshot_id = _issue(session).id
        session.commit()
    with factory() as session:
        content = copy.deepcopy(session.get(ReportSnapshot, snapshot_id).content)
        content["headline"][0]["value"] = 200
        table = ReportSnapshot.__table__
        session.execute(table.update().where(table.c.id == snapshot_id).values(content=content))
        session.commit()
    with factory() as session:
        assert not is_intact(session.get(ReportSnapshot, snapshot_id))


def test_kind_and_period_must_agree_and_scheduled_reports_have_a_fixed_period(factory):
    with factory() as session:
        with pytest.raises(ValueError, match="不符"):
            issue_snapshot(
                session,
                kind=PeriodKind.WEEK,
                region_code=COUNTY,
                period=FEBRUARY,
                as_of=NOW,
                issued_by="x",
                scheduled=True,
            )
        with pytest.raises(ValueError, match="按需报表不能作为定时报表"):
            _issue(session, Period.custom(date(2026, 2, 1), date(2026, 2, 15)))


def test_figures_stay_as_issued_when_the_cases_change_later(factory):
    with factory() as session:
        cases = add_cases(session, 4, at=datetime(2026, 2, 10, 10, tzinfo=CST))
        row = _issue(session)
        session.commit()
        snapshot_id, issued, digest = row.id, copy.deepcopy(row.content), row.content_hash
    with factory() as session:  # later: more cases, one resolved, one cancelled
        add_cases(session, 5, at=datetime(2026, 2, 20, 10, tzinfo=CST))
        for case in cases[:2]:
            session.merge(case).status = "已撤销"
        session.commit()
    with factory() as session:
        stored = session.get(ReportSnapshot, snapshot_id)
        assert stored.content == issued and stored.content_hash == digest
        assert _received(stored.content) == 4
        fresh = build_report(session, region_code=COUNTY, period=FEBRUARY, as_of=NOW)
        assert _received(fresh) == 7  # the data did change: only the snapshot stands still
        stored.content = fresh
        with pytest.raises(ValueError, match="已签发，不能修改"):
            session.flush()


def test_a_scheduled_report_is_issued_once_but_on_demand_ones_any_number_of_times(factory):
    with factory() as session:
        add_cases(session, 2, at=datetime(2026, 2, 10, 10, tzinfo=CST))
        _issue(session)
        session.commit()
    with factory() as session, pytest.raises(IntegrityError):
        _issue(session)
    span = Period.custom(date(2026, 2, 1), date(2026, 2, 15))
    with factory() as session:
        for period in (FEBRUARY, FEBRUARY, span, span):
            _issue(session, period, scheduled=False, by="zhang")
        session.commit()
        assert snapshot_count(session, scheduled=False) == 4
        assert snapshot_count(session, scheduled=True) == 1
        custom = session.scalars(select(ReportSnapshot).filter_by(kind="按需")).all()
        assert {(r.first, r.last, r.issued_by) for r in custom} == {
            (date(2026, 2, 1), date(2026, 2, 15), "zhang")
        }


# -- the schedule ---------------------------------------------------------------------------


def test_nothing_is_due_before_the_first_case(factory):
    with factory() as session:
        assert due_periods(session, NOW) == []


def test_every_ended_period_since_the_first_case_is_due_for_every_report_region(factory):
    with factory() as session:
        session.add(Region(code="620702199", name="撤并镇", level="镇", parent_code=COUNTY))
        session.get(Region, "620702199").active = False
        add_cases(session, 1, at=datetime(2026, 2, 25, 10, tzinfo=CST))  # a Wednesday
        session.flush()
        due = due_periods(session, NOW)
    assert {d.region_code for d in due} == {COUNTY, TOWNSHIP, VILLAGE}  # no grid, no inactive
    by_kind = {}
    for item in due:
        by_kind.setdefault(item.kind, set()).add(item.period.key)
    assert by_kind == {
        PeriodKind.DAY: {f"2026-02-{d}" for d in range(25, 29)} | {"2026-03-01"},
        PeriodKind.WEEK: {"2026-W09"},  # 23 Feb – 1 Mar; the week of 2 March has not ended
        PeriodKind.MONTH: {"2026-02"},
    }
    ends = [item.period.last for item in due]
    assert ends == sorted(ends)  # oldest first


def test_a_scheduler_that_was_down_catches_up_within_the_window(case_engine, regions, clock):  # noqa: F811
    factory = case_engine.session_factory
    with factory() as session:
        add_cases(session, 2, at=datetime(2025, 6, 2, 10, tzinfo=CST))
        for code in (TOWNSHIP, VILLAGE):  # the county alone keeps the test quick
            session.get(Region, code).active = False
        session.commit()
    issued = issue_due(factory, NOW)
    regions_count = 1
    with factory() as session:
        keys = snapshot_keys(session)
    per_kind = {kind: sum(k[0] == kind for k in keys) // regions_count for kind, *_ in keys}
    assert per_kind == {"日汇总": 31, "周研判": 8, "月总结": 3, "季汇报": 2}
    assert issued == len(keys) == (31 + 8 + 3 + 2) * regions_count
    assert ("季汇报", COUNTY, "2025-07-01") in keys and ("季汇报", COUNTY, "2025-10-01") in keys
    assert ("日汇总", COUNTY, "2026-01-30") in keys and ("日汇总", COUNTY, "2026-01-29") not in keys
    assert issue_due(factory, NOW) == 0  # nothing twice

    # Down from Monday morning to Thursday: the three days missed are issued at restart.
    later = datetime(2026, 3, 5, 10, 0, tzinfo=CST)
    assert issue_due(factory, later) == 3 * regions_count
    # The next Monday just after midnight: four more days and the week that ended.
    monday = datetime(2026, 3, 9, 0, 0, 1, tzinfo=CST)
    assert issue_due(factory, monday) == 5 * regions_count
    with factory() as session:
        assert ("周研判", COUNTY, "2026-03-02") in snapshot_keys(session)
        issued_at = session.scalars(
            select(ReportSnapshot.issued_at).filter_by(kind="周研判", first=date(2026, 3, 2))
        ).all()
    assert set(issued_at) == {monday}


def test_a_scheduler_working_from_a_stale_list_skips_what_another_issued(factory, monkeypatch):
    with factory() as session:
        add_cases(session, 1, at=datetime(2026, 2, 28, 10, tzinfo=CST))
        session.commit()
        stale = due_periods(session, NOW)
    assert issue_due(factory, NOW) == len(stale)
    monkeypatch.setattr(snapshots, "due_periods", lambda session, now: stale)
    assert issue_due(factory, NOW) == 0
    with factory() as session:
        assert snapshot_count(session) == len(stale)


def test_two_schedulers_at_once_issue_each_report_once(factory):
    with factory() as session:
        add_cases(session, 3, at=datetime(2026, 2, 26, 10, tzinfo=CST))
        session.commit()
        expected = len(due_periods(session, NOW))
    barrier = threading.Barrier(2)
    results: list[int] = []

    def scheduler() -> None:
        barrier.wait()
        results.append(issue_due(factory, NOW))

    threads = [threading.Thread(target=scheduler) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    results.append(issue_due(factory, NOW))  # a round after: whatever a lock error left
    with factory() as session:
        keys = snapshot_keys(session)
    assert len(keys) == len(set(keys)) == expected
    assert sum(results) == expected
