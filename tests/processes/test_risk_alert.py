"""Rising-risk alerts: a county's weekly report puts each rising dispute type and township
to the designers' ``risk_rise`` table; every hit becomes a 研判风险预警 task of the county
center (``risk_alert.bpmn``), judged, and handed to a township or not."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from engine import Actor, FormInvalid, SourceFile
from engine.bundle import collect_set
from engine.models import HistoryEvent, Instance
from processes.models import Region, ReportSnapshot, RiskAlert
from processes.reports.alerts import raise_alerts, start_alert, start_pending, weekly_rises
from processes.reports.jobs import poll_reports
from processes.reports.periods import Period, PeriodKind
from tests.conftest import BPMN_DIR, CST, FORMS_DIR
from tests.processes.conftest import (  # noqa: F401
    COUNTY,
    GRID,
    TOWNSHIP,
    VILLAGE,
    case_engine,
    deploy,
    operation_log,
    regions,
)
from tests.processes.snapshot_support import (
    GRID_B,
    TOWNSHIP_B,
    VILLAGE_B,
    add_alert,
    add_cases,
    add_regions,
)

COUNTY_CENTER = "县综治中心"
WANG = Actor.of("wang", [COUNTY_CENTER])
LAST_WEEK, WEEK_BEFORE = (
    datetime(2026, 2, 25, 10, tzinfo=CST),
    datetime(2026, 2, 18, 10, tzinfo=CST),
)
W09 = Period.parse(PeriodKind.WEEK, "2026-W09")  # 23 Feb – 1 Mar, before the harness's Monday


@pytest.fixture
def county(case_engine, regions):  # noqa: F811
    """Two townships' cases over two weeks: 邻里 2 → 7 and 合同 4 → 7 in 大满镇, 房屋 4 → 6
    in 沙井镇 (3 more cancelled), so 大满镇 6 → 14 and 沙井镇 4 → 6."""
    with case_engine.session_factory() as session:
        add_regions(session)
        add_cases(session, 2, at=WEEK_BEFORE, dispute_type="02")
        add_cases(session, 4, at=WEEK_BEFORE, dispute_type="04")
        add_cases(session, 4, at=WEEK_BEFORE, dispute_type="03", region_code=GRID_B)
        add_cases(session, 7, at=LAST_WEEK, dispute_type="02")
        add_cases(session, 7, at=LAST_WEEK, dispute_type="04")
        add_cases(session, 6, at=LAST_WEEK, dispute_type="03", region_code=GRID_B)
        add_cases(session, 3, at=LAST_WEEK, dispute_type="03", region_code=GRID_B, status="已撤销")
        for code in (TOWNSHIP, VILLAGE, TOWNSHIP_B, VILLAGE_B):  # reports for the county only
            session.get(Region, code).active = False
        session.commit()
    return case_engine


def _alerts(engine) -> list[RiskAlert]:
    with engine.session_factory() as session:
        return list(session.scalars(select(RiskAlert).order_by(RiskAlert.id)))


def _facts(alerts) -> set[tuple]:
    return {(a.dimension, a.subject, a.current, a.previous, a.level) for a in alerts}


EXPECTED = {
    ("类型", "邻里纠纷", 7, 2, "红"),
    ("类型", "合同纠纷", 7, 4, "黄"),
    ("区域", "大满镇", 14, 6, "红"),
}


def test_rises_by_type_and_township_count_received_cases(county):
    with county.session_factory() as session:
        rises = weekly_rises(session, region_code=COUNTY, period=W09)
    found = {(r.dimension, r.subject_code, r.subject, r.current, r.previous) for r in rises}
    assert found == {
        ("类型", "02", "邻里纠纷", 7, 2),
        ("类型", "03", "房屋宅基地纠纷", 6, 4),  # the cancelled three do not count
        ("类型", "04", "合同纠纷", 7, 4),
        ("区域", TOWNSHIP, "大满镇", 14, 6),
        ("区域", TOWNSHIP_B, "沙井镇", 6, 4),
    }


def test_the_weekly_report_job_raises_alerts_onto_the_county_centers_work_list(county):
    deploy(county, "risk_alert.bpmn", "risk_rise.dmn")
    assert poll_reports(county) == 12 + 2 + 1  # days 18 Feb – 1 Mar, W08 and W09, February
    alerts = _alerts(county)
    assert _facts(alerts) == EXPECTED
    with county.session_factory() as session:
        weekly = session.scalar(select(ReportSnapshot).filter_by(kind="周研判", first=W09.first))
        issued = operation_log(session, "report_issued")
    assert {a.snapshot_id for a in alerts} == {weekly.id}  # W08 was caught up: no alerts
    assert len(issued) == 15 and weekly.content_hash in {e.data["content_hash"] for e in issued}
    waiting = county.ready_tasks(WANG)
    assert sorted(t.instance_id for t in waiting) == sorted(a.instance_id for a in alerts)
    assert {(t.name, t.lane, t.candidate_role) for t in waiting} == {
        ("研判风险预警", COUNTY_CENTER, COUNTY_CENTER)
    }
    for alert in alerts:
        assert county.instance(alert.instance_id, with_data=True).data == {"alert_id": alert.id}
    assert poll_reports(county) == 0 and len(_alerts(county)) == 3  # nothing twice


def test_alerts_recorded_while_the_process_was_missing_start_later(county):
    deploy(county, "risk_rise.dmn", "supervise.bpmn")  # a library without risk_alert
    poll_reports(county)
    assert _facts(_alerts(county)) == EXPECTED
    assert {a.instance_id for a in _alerts(county)} == {None}
    deploy(county, "risk_alert.bpmn", "risk_rise.dmn")
    assert poll_reports(county) == 0
    assert None not in {a.instance_id for a in _alerts(county)}
    assert len(county.ready_tasks(WANG)) == 3


def test_without_the_decision_table_reports_are_still_issued(county):
    deploy(county, "risk_alert.bpmn")
    assert poll_reports(county) == 15
    assert _alerts(county) == []


def test_an_alert_is_started_once(county):
    deploy(county, "risk_alert.bpmn", "risk_rise.dmn")
    alert_id, instance_id = add_alert(county)
    assert instance_id is not None
    assert start_alert(county, alert_id) is None  # a second scheduler's try
    assert start_pending(county) == 0
    with county.session_factory() as session:
        assert session.query(Instance).filter_by(process_id="risk_alert").count() == 1


def test_only_the_last_ended_week_of_a_county_raises_alerts(county):
    deploy(county, "risk_alert.bpmn", "risk_rise.dmn")
    now = datetime(2026, 3, 2, 9, tzinfo=CST)
    with county.session_factory() as session:
        session.get(Region, TOWNSHIP).active = True
        rows = {}
        for region, week in ((COUNTY, W09), (TOWNSHIP, W09), (COUNTY, W09.previous())):
            rows[(region, week.key)] = ReportSnapshot(
                kind="周研判",
                region_code=region,
                first=week.first,
                last=week.last,
                issued_at=now,
                issued_by="定时任务",
                scheduled=True,
                content={},
                content_hash="-",
            )
        session.add_all(rows.values())
        session.flush()
        raised = {
            key: len(raise_alerts(session, row, decide=county.decide, now=now))
            for key, row in rows.items()
        }
    assert raised == {(COUNTY, "2026-W09"): 3, (TOWNSHIP, "2026-W09"): 0, (COUNTY, "2026-W08"): 0}


# -- the decision table ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "previous", "outcome"),
    [
        (10, 5, "红"),  # twice as many, 5 more
        (9, 5, "黄"),  # 80% more, 4 more
        (5, 0, "红"),  # from none to 5
        (3, 0, "黄"),  # from none to 3: growth is infinite
        (2, 0, None),  # too few
        (11, 8, None),  # 3 more but 37.5%
        (30, 20, "黄"),  # 50% exactly, 10 more, not yet twice
    ],
)
def test_the_shipped_rule(case_engine, current, previous, outcome):  # noqa: F811
    deploy(case_engine, "risk_alert.bpmn", "risk_rise.dmn")
    change = current - previous
    growth = change / previous if previous else float("inf")
    data = {"current": current, "previous": previous, "change": change, "growth": growth}
    result = case_engine.decide("risk_rise", data)
    assert result["alert"] is (outcome is not None)
    assert (result["level"] or None) == outcome


def test_designers_tune_the_rule_without_a_release(case_engine):  # noqa: F811
    deploy(case_engine, "risk_alert.bpmn", "risk_rise.dmn")
    data = {"current": 9, "previous": 5, "change": 4, "growth": 0.8}
    assert case_engine.decide("risk_rise", data)["level"] == "黄"
    files, _ = collect_set([BPMN_DIR / "risk_alert.bpmn", BPMN_DIR / "risk_rise.dmn"], [FORMS_DIR])
    edited = [
        SourceFile(f.name, f.kind, f.content.replace(b"&gt;= 3<", b"&gt;= 6<"))
        if f.name == "risk_rise.dmn"
        else f
        for f in files
    ]
    case_engine.deploy_set(edited, actor="designer", note="黄色预警至少增加 6 件")
    assert case_engine.decide("risk_rise", data)["alert"] is False


# -- the county center's judgement ----------------------------------------------------------------


@pytest.fixture
def alert_engine(case_engine, regions):  # noqa: F811
    deploy(case_engine, "risk_alert.bpmn", "risk_rise.dmn")
    return case_engine


def _judge(engine, instance_id: int, data: dict) -> None:
    [task] = [t for t in engine.ready_tasks(WANG) if t.instance_id == instance_id]
    assert task.spec_id == "judge"
    engine.complete(task.id, data, actor=WANG)


def _alert(engine, alert_id: int) -> RiskAlert:
    with engine.session_factory() as session:
        return session.get(RiskAlert, alert_id)


JUDGEMENT = {"judgement": "近期邻里漏水纠纷集中", "measures": "组织排查老旧小区管道"}


def test_judged_and_handed_to_a_township_with_a_working_day_deadline(alert_engine):
    alert_id, instance_id = add_alert(alert_engine)
    _judge(
        alert_engine,
        instance_id,
        {**JUDGEMENT, "assign_township": True, "assign_to": "大满镇", "assign_days": 3},
    )
    alert = _alert(alert_engine, alert_id)
    assert (alert.judgement, alert.measures) == (JUDGEMENT["judgement"], JUDGEMENT["measures"])
    assert alert.handled_by == "wang" and alert.handled_at == alert_engine.clock.now()
    assert alert.assigned_to == "大满镇"
    assert alert.assigned_due_at == datetime(2026, 3, 5, 23, 59, 59, tzinfo=CST)  # Thursday
    instance = alert_engine.instance(instance_id)
    assert instance.status == "completed"
    with alert_engine.session_factory() as session:
        events = session.scalars(
            select(HistoryEvent.event_type).filter_by(instance_id=instance_id)
        ).all()
    assert "risk_alert_judged" in events and "risk_alert_assigned" in events


def test_a_township_alert_is_handed_to_that_township_by_default(alert_engine):
    alert_id, instance_id = add_alert(alert_engine)
    with alert_engine.session_factory() as session:
        row = session.get(RiskAlert, alert_id)
        row.dimension, row.subject_code, row.subject = "区域", TOWNSHIP, "大满镇"
        session.commit()
    _judge(alert_engine, instance_id, {**JUDGEMENT, "assign_township": True, "assign_days": 5})
    assert _alert(alert_engine, alert_id).assigned_to == "大满镇"


def test_judged_without_handing_it_to_a_township(alert_engine):
    alert_id, instance_id = add_alert(alert_engine)
    _judge(alert_engine, instance_id, {**JUDGEMENT, "assign_township": False})
    alert = _alert(alert_engine, alert_id)
    assert alert.judgement == JUDGEMENT["judgement"] and alert.handled_by == "wang"
    assert alert.assigned_to is None and alert.assigned_at is None
    assert alert_engine.instance(instance_id).status == "completed"


def test_handing_to_a_township_needs_a_deadline(alert_engine):
    _alert_id, instance_id = add_alert(alert_engine)
    with pytest.raises(FormInvalid) as invalid:
        _judge(alert_engine, instance_id, {**JUDGEMENT, "assign_township": True})
    assert "assign_days" in str(invalid.value.errors)
    assert alert_engine.instance(instance_id).status == "running"


def test_only_the_county_center_sees_the_alert(alert_engine):
    _alert_id, instance_id = add_alert(alert_engine)
    for role in ("镇综治中心", "督办员", "网格员"):
        actor = Actor.of("x", [role])
        assert [t for t in alert_engine.ready_tasks(actor) if t.instance_id == instance_id] == []
