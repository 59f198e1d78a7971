"""Seeding for the report snapshot and risk alert tests: cases written straight into the
case table (reports read only that), and a second township beside the harness's one."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from processes.models import Case, Region, ReportSnapshot, RiskAlert
from processes.reports.alerts import start_alert
from processes.reports.periods import Period, PeriodKind
from processes.reports.snapshots import issue_snapshot
from tests.processes.conftest import COUNTY, GRID

TOWNSHIP_B, VILLAGE_B, GRID_B = "620702102", "620702102201", "62070210220101"
MORE_REGIONS = [
    (TOWNSHIP_B, "沙井镇", "镇", COUNTY),
    (VILLAGE_B, "沙井村", "村", TOWNSHIP_B),
    (GRID_B, "沙井村第一网格", "网格", VILLAGE_B),
]


def add_regions(session, rows=MORE_REGIONS) -> None:
    session.add_all(
        Region(code=c, name=n, level=lv, parent_code=p, active=True) for c, n, lv, p in rows
    )
    session.flush()


def add_cases(
    session,
    count: int,
    *,
    at: datetime,
    region_code: str = GRID,
    dispute_type: str = "02",
    **fields,
) -> list[Case]:
    """``count`` cases received at ``at`` (no process: reports read the case table only)."""
    rows = [
        Case(
            channel=fields.pop("channel", "窗口"),
            dispute_type=dispute_type,
            summary="测试纠纷",
            region_code=region_code,
            risk_colour=fields.pop("risk_colour", "黄"),
            received_at=at,
            received_by="clerk",
            **fields,
        )
        for _ in range(count)
    ]
    session.add_all(rows)
    session.flush()
    return rows


def snapshot_keys(session) -> list[tuple[str, str, str]]:
    """(kind, region, first day) of every scheduled snapshot, sorted."""
    rows = session.execute(
        select(ReportSnapshot.kind, ReportSnapshot.region_code, ReportSnapshot.first).where(
            ReportSnapshot.scheduled.is_(True)
        )
    )
    return sorted((kind, region, first.isoformat()) for kind, region, first in rows)


def snapshot_count(session, **filters) -> int:
    query = select(func.count()).select_from(ReportSnapshot).filter_by(**filters)
    return session.scalar(query)


def add_alert(engine, *, region_code: str = COUNTY, subject: str = "邻里纠纷") -> tuple[int, int]:
    """A county weekly report of the week before the harness's Monday, one red alert
    raised from it and its ``risk_alert`` process started: (alert id, instance id).

    ``risk_alert.bpmn`` must be deployed."""
    week = Period.parse(PeriodKind.WEEK, "2026-W09")
    with engine.session_factory() as session:
        snapshot = issue_snapshot(
            session,
            kind=week.kind,
            region_code=region_code,
            period=week,
            as_of=engine.clock.now(),
            issued_by="定时任务",
            scheduled=True,
        )
        alert = RiskAlert(
            region_code=region_code,
            snapshot_id=snapshot.id,
            dimension="类型",
            subject_code="02",
            subject=subject,
            current=9,
            previous=3,
            level="红",
            raised_at=engine.clock.now(),
        )
        session.add(alert)
        session.commit()
        alert_id = alert.id
    return alert_id, start_alert(engine, alert_id)
