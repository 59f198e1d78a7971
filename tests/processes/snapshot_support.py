"""Seeding for the report snapshot and risk alert tests: cases written straight into the
case table (reports read only that), and a second township beside the harness's one."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from processes.models import Case, Region, ReportSnapshot
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
