"""Each metric on the hand-made data set of ``report_data``, its answer worked out by hand.

October 2026 for 甘州区 (the county and everything below it) unless a test says otherwise.
Which seeded cases count is written beside each figure; ``report_data`` has the cases and
the 2026 calendar around the National Day holiday.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy.orm import Session

from engine import Actor
from engine.bundle import collect_set
from engine.trial import complete_trial_task, start_trial, trial_view
from processes.models import HolidayOverride
from processes.reports import metrics
from processes.reports.periods import Period, PeriodKind
from processes.reports.regions import descendants
from processes.reports.report import build_report
from processes.trial_samples import trial_start_data
from tests.conftest import BPMN_DIR, FORMS_DIR
from tests.processes.report_data import AS_OF, COUNTY, DAMAN, bj, seed

OCTOBER = Period.containing(PeriodKind.MONTH, date(2026, 10, 1))
SEPTEMBER, OCTOBER_2025 = OCTOBER.previous(), OCTOBER.year_ago()


@pytest.fixture
def session(sa_engine):
    with Session(sa_engine) as session:
        seed(session)
        session.commit()
        yield session


@pytest.fixture
def county(session) -> frozenset[str]:
    return descendants(session, COUNTY)


def _figure(session, name, regions, period=OCTOBER):
    return getattr(metrics, name)(session, regions=regions, period=period)


def test_received_counts_local_days_and_leaves_out_cancelled_and_other_areas(session, county):
    # K2 K3 K4 K5 K6 K7 K8 K9 K10 K16, and K11 (23:30 on 31 Oct, Beijing) = 11;
    # not K1/K15 (September), K12 (00:10 on 1 Nov), K13 (已撤销), K14 (临泽县)
    assert _figure(session, "received", county) == 11
    # September: K1 (30 Sep), K15 (21 Sep), P1, P2 = 4; October 2025: Y1, Y2 = 2
    assert _figure(session, "received", county, SEPTEMBER) == 4
    assert _figure(session, "received", county, OCTOBER_2025) == 2
    # every region: K14 of 临泽县 too
    assert _figure(session, "received", None) == 12


def test_resolved_concluded_and_the_concluded_resolution_rate(session, county):
    # resolved in October: K1 (9 Oct), K2, K3, K4, K7, K15 (received in September) = 6
    assert _figure(session, "resolved", county) == 6
    # concluded: those 6 + never resolved and closed in October as 已退回 (K5, K6) or
    # 已引导 (K10) = 9; K13 (已撤销) is not concluded
    assert _figure(session, "concluded", county) == 9
    # 办结化解率 = 化解数 / 办结数
    assert metrics.FIGURES["resolution_rate"].label == "办结化解率"
    assert _figure(session, "resolution_rate", county) == {"n": 6, "d": 9, "value": 6 / 9}
    # September: P1, P2 resolved and concluded: 2 / 2
    assert _figure(session, "resolution_rate", county, SEPTEMBER)["value"] == 1.0
    # October 2025: Y1 resolved; Y1 + Y2 (已引导) concluded: 1 / 2
    assert _figure(session, "resolution_rate", county, OCTOBER_2025)["value"] == 0.5


def _published(session, name, regions, as_of, period=OCTOBER):
    return getattr(metrics, name)(session, regions=regions, period=period, as_of=as_of)


def test_the_published_resolution_rate_is_over_the_cases_received(session, county):
    # 化解率: received in October (11, see above), resolved by the report: K2, K3, K4
    # (30 Oct), K7 = 4; not K1/K15 (received in September, resolved in October)
    assert metrics.FIGURES["received_resolution_rate"].label == "化解率"
    rate = _published(session, "received_resolution_rate", county, AS_OF)
    assert rate == {"n": 4, "d": 11, "value": 4 / 11}
    # counted on 25 October, K4 was not resolved yet
    assert _published(session, "received_resolution_rate", county, bj(2026, 10, 25))["n"] == 3
    # September's receipts (K1, K15, P1, P2) are all resolved by now; by 1 October only
    # P1 and P2 were
    september = _published(session, "received_resolution_rate", county, AS_OF, SEPTEMBER)
    assert september == {"n": 4, "d": 4, "value": 1.0}
    first = _published(session, "received_resolution_rate", county, OCTOBER.start, SEPTEMBER)
    assert first["n"] == 2


def test_concluded_mediation_success_counts_concluded_hand_offs_with_an_outcome(session, county):
    # 结案调解成功率: concluded in October with a mediation: K4 达成协议, K5 调解不成, K6
    # (returned at once: no outcome, left out), K7 达成协议, K15 达成协议 -> 3 agreed of 4
    assert metrics.FIGURES["mediation_success_rate"].label == "结案调解成功率"
    assert _figure(session, "mediation_success_rate", county) == {"n": 3, "d": 4, "value": 0.75}
    assert _figure(session, "mediation_success_rate", county, SEPTEMBER)["value"] is None


def test_the_published_mediation_success_rate_is_over_the_hand_offs_received(session, county):
    # 调解成功率: 三调 received in October: K4 (诉调, agreed 30 Oct), K5 (调解不成), K6
    # (returned at once), K7 (警调, agreed 22 Oct) -> 2 / 4; K15 was received in September
    name = "received_mediation_success_rate"
    assert metrics.FIGURES[name].label == "调解成功率"
    assert _published(session, name, county, AS_OF) == {"n": 2, "d": 4, "value": 0.5}
    # on 25 October only K7 had agreed
    assert _published(session, name, county, bj(2026, 10, 25))["n"] == 1
    # September: K15 (访调) agreed on 13 October
    assert _published(session, name, county, AS_OF, SEPTEMBER) == {"n": 1, "d": 1, "value": 1.0}


def test_a_compared_period_gets_as_long_after_its_end_as_the_report(session, county):
    # the October report as of Mon 2 Nov 10:00 is 34 hours after October; September is
    # counted up to 2 Oct 10:00, October 2025 up to 2 Nov 2025 10:00
    assert metrics.cutoff(OCTOBER, report=OCTOBER, as_of=AS_OF) == AS_OF
    assert metrics.cutoff(SEPTEMBER, report=OCTOBER, as_of=AS_OF) == bj(2026, 10, 2, 10)
    assert metrics.cutoff(OCTOBER_2025, report=OCTOBER, as_of=AS_OF) == bj(2025, 11, 2, 10)
    # a report of a month still running counts the months before it up to their ends
    mid = bj(2026, 10, 20)
    assert metrics.cutoff(OCTOBER, report=OCTOBER, as_of=mid) == mid
    assert metrics.cutoff(SEPTEMBER, report=OCTOBER, as_of=mid) == OCTOBER.start


def test_satisfaction_counts_every_callback_in_the_period(session, county):
    # October callbacks in 甘州区: K1 满意, K3 基本满意, K2 不满意 (round 1), K2 满意
    # (round 2) -> (1 + 1 + 1) / 4; K14's 不满意 is 临泽县's
    assert _figure(session, "satisfaction_rate", county) == {"n": 3, "d": 4, "value": 0.75}
    # the whole city: K14 too -> 3 / 5
    assert _figure(session, "satisfaction_rate", None)["value"] == 3 / 5
    # September: P1 满意, P2 不满意 -> 1 / 2
    assert _figure(session, "satisfaction_rate", county, SEPTEMBER)["value"] == 0.5


def test_average_handling_time_in_working_days_across_the_holidays(session, county):
    # Working days after the day received, up to and including the day resolved:
    # K1  Wed 30 Sep -> Fri 9 Oct: 1-7 Oct 国庆 off; Thu 8, Fri 9            =  2
    # K2  Mon 12 Oct 23:30 -> Wed 14 Oct 00:30 (local days; in UTC Mon->Tue): 13, 14 =  2
    # K3  Thu 8 Oct -> Mon 12 Oct: Fri 9, Sat 10 (make-up day), Mon 12          =  3
    # K4  Fri 9 Oct -> Fri 30 Oct: Sat 10, 12-16, 19-23, 26-30 = 1 + 5 + 5 + 5 = 16
    # K7  Tue 20 Oct -> Thu 22 Oct: 21, 22                                       =  2
    # K15 Mon 21 Sep -> Tue 13 Oct: 22-24 (25-27 中秋 off), 28-30, Oct 8-10, 12, 13
    #     = 3 + 3 + 3 + 2                                                        = 11
    # (2 + 2 + 3 + 16 + 2 + 11) / 6 = 36 / 6
    assert _figure(session, "avg_handling_days", county) == 6.0
    # September: P1 Thu 10 -> Fri 11 = 1; P2 Mon 14 -> Fri 18 = 4 -> 5 / 2
    assert _figure(session, "avg_handling_days", county, SEPTEMBER) == 2.5
    # nothing resolved: no average
    june = Period.containing(PeriodKind.MONTH, date(2026, 6, 1))
    assert _figure(session, "avg_handling_days", county, june) is None


def test_the_holiday_day_report_and_an_admin_override(session, county):
    # Friday 9 October: only K1 was resolved that day, received Wed 30 Sep: 8, 9 Oct = 2
    ninth = Period.containing(PeriodKind.DAY, date(2026, 10, 9))
    assert _figure(session, "avg_handling_days", county, ninth) == 2.0
    # a local notice makes 9 October a day off: 8 Oct alone = 1
    session.add(
        HolidayOverride(
            day=date(2026, 10, 9), is_workday=False, note="本地通知", updated_by="admin",
            updated_at=bj(2026, 10, 1),
        )
    )  # fmt: skip
    session.flush()
    assert _figure(session, "avg_handling_days", county, ninth) == 1.0


def test_overdue_rate_and_overdue_open_cases(session, county):
    # concluded in October (9, see above) flagged overdue: K4, K15 -> 2 / 9
    assert _figure(session, "overdue_rate", county) == {"n": 2, "d": 9, "value": 2 / 9}
    # open as of Mon 2 Nov 10:00: K8 (flagged), K16 (due Fri 30 Oct, not flagged yet);
    # not K9 (due 20 Nov), K11/K12 (no deadline)
    assert metrics.overdue_open(session, regions=county, as_of=AS_OF) == 2
    # before K16's deadline passed, only K8
    assert metrics.overdue_open(session, regions=county, as_of=bj(2026, 10, 30, 12)) == 1
    # 大满镇 holds both (K8 at the township, K16 in 新华村)
    assert metrics.overdue_open(session, regions=descendants(session, DAMAN), as_of=AS_OF) == 2


def test_township_share_of_resolutions(session, county):
    # resolved in October (6) at 网格员/村调委会/镇综治中心/镇党委政府: K1 村调委会,
    # K2 网格员, K3 镇综治中心 = 3; K4, K7 调解员 and K15 县综治中心 are not -> 3 / 6
    assert _figure(session, "township_share", county) == {"n": 3, "d": 6, "value": 0.5}


def test_diversion_rate_needs_whole_months_with_court_figures(session, county):
    # 诉调 received in October: K4, K5, K6 = 3; the court entered 40 for October
    assert _figure(session, "diversion_rate", county) == {"n": 3, "d": 40, "value": 3 / 40}
    # September: none received / 20 entered = 0
    assert _figure(session, "diversion_rate", county, SEPTEMBER)["value"] == 0.0
    # October 2025: no figure entered; a week is not whole months
    assert _figure(session, "diversion_rate", county, OCTOBER_2025)["value"] is None
    week = Period.containing(PeriodKind.WEEK, date(2026, 10, 15))  # Mon 12 - Sun 18: K5, K6
    assert _figure(session, "diversion_rate", county, week) == {"n": 2, "d": 0, "value": None}
    # the third quarter has no July or August figure
    q3 = Period.containing(PeriodKind.QUARTER, date(2026, 9, 1))
    assert _figure(session, "diversion_rate", county, q3)["value"] is None
    # a township has no court figure of its own
    assert _figure(session, "diversion_rate", descendants(session, DAMAN))["value"] is None


FIGURES = ("received", "resolved", "concluded", "satisfaction_rate", "mediation_success_rate")
PUBLISHED = ("received_resolution_rate", "received_mediation_success_rate")
DESIGNER = Actor.of("designer.wang", ["流程设计员"])


def test_a_trial_run_leaves_every_figure_unchanged(session, county, case_engine, clock):
    """A designer's trial of case_main, resolved on the spot and called back 满意 on
    20 October, is a sandbox: no case, callback or mediation row, so no figure moves."""
    clock.set(bj(2026, 10, 20, 9))
    before_report = build_report(session, region_code=COUNTY, period=OCTOBER, as_of=AS_OF)
    before = {name: _figure(session, name, None) for name in FIGURES}
    published = {name: _published(session, name, None, AS_OF) for name in PUBLISHED}

    files, problems = collect_set([BPMN_DIR], [FORMS_DIR])
    assert problems == []
    trial_id = start_trial(
        case_engine, files, actor=DESIGNER, data=trial_start_data("case_main"),
        source="测试", process_id="case_main",
    )  # fmt: skip
    steps = [
        ("assess", {"matter_nature": "简单诉求", "cross_department": False, "risk_colour": "黄"}),
        ("on_spot", {"on_spot_note": "当场说明政策"}),
        ("call_back", {"evaluation": "满意"}),
    ]
    for element, data in steps:
        [task] = [t for t in trial_view(case_engine, trial_id, user=DESIGNER.user).tasks
                  if t.element == element]  # fmt: skip
        complete_trial_task(case_engine, trial_id, task.id, data, actor=DESIGNER)
    view = trial_view(case_engine, trial_id, user=DESIGNER.user)
    assert any(e.element == "record" for e in view.steps[-1].entries), "the callback was tried"

    session.expire_all()
    assert {name: _figure(session, name, None) for name in FIGURES} == before
    assert {name: _published(session, name, None, AS_OF) for name in PUBLISHED} == published
    after = build_report(session, region_code=COUNTY, period=OCTOBER, as_of=AS_OF)
    assert after == before_report


def test_a_datetime_period_bound_is_utc(session, county):
    # K11 at 23:30 Beijing on 31 Oct is 15:30 UTC: in October's [start, end)
    assert OCTOBER.end == datetime.fromisoformat("2026-10-31T16:00:00+00:00")
    last_day = Period.containing(PeriodKind.DAY, date(2026, 10, 31))
    assert _figure(session, "received", county, last_day) == 1
