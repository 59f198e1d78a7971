"""The issued reports a user may open: snapshots of regions in their scope, filtered by
kind, region and a day inside the period, newest first, a page at a time."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from processes.models import Region, ReportSnapshot
from processes.reports.periods import Period, PeriodKind

from ..scope import in_scope
from ..validation import page_number
from .choices import RegionOption, parse_day

PER_PAGE = 20
KIND_VALUES = tuple(kind.value for kind in PeriodKind)


@dataclass(frozen=True)
class SnapshotFilters:
    kind: str = ""
    region: str = ""
    day: date | None = None
    page: int = 1

    @classmethod
    def parse(cls, args: Mapping[str, str], options: list[RegionOption]) -> SnapshotFilters:
        """Known values kept, anything else dropped (a stale link lists every report)."""
        kind, region, page = args.get("kind", ""), args.get("region", ""), args.get("page", "")
        return cls(
            kind=kind if kind in KIND_VALUES else "",
            region=region if region in {option.code for option in options} else "",
            day=parse_day(args.get("date")),
            page=page_number(page),
        )

    def query_args(self, **changes: object) -> dict[str, object]:
        changed = replace(self, **changes)  # type: ignore[arg-type]
        values = {
            "kind": changed.kind,
            "region": changed.region,
            "date": changed.day.isoformat() if changed.day else "",
            "page": changed.page if changed.page > 1 else "",
        }
        return {key: value for key, value in values.items() if value}

    def active(self) -> bool:
        return bool(self.kind or self.region or self.day)


@dataclass(frozen=True)
class SnapshotRow:
    id: int
    kind: str
    region_name: str
    label: str
    issued_at: datetime
    issued_by: str
    scheduled: bool


@dataclass(frozen=True)
class SnapshotPage:
    rows: list[SnapshotRow]
    total: int
    page: int
    pages: int


def _filtered(query: Select, filters: SnapshotFilters, scope: frozenset[str] | None) -> Select:
    query = query.where(in_scope(ReportSnapshot.region_code, scope))
    if filters.kind:
        query = query.where(ReportSnapshot.kind == filters.kind)
    if filters.region:
        query = query.where(ReportSnapshot.region_code == filters.region)
    if filters.day:
        query = query.where(ReportSnapshot.first <= filters.day, ReportSnapshot.last >= filters.day)
    return query


def list_snapshots(
    session: Session, filters: SnapshotFilters, *, scope: frozenset[str] | None
) -> SnapshotPage:
    total = session.scalar(_filtered(select(func.count(ReportSnapshot.id)), filters, scope)) or 0
    pages = max(1, -(-total // PER_PAGE))
    page = min(filters.page, pages)
    query = (
        _filtered(
            select(
                ReportSnapshot.id,
                ReportSnapshot.kind,
                Region.name,
                ReportSnapshot.first,
                ReportSnapshot.last,
                ReportSnapshot.issued_at,
                ReportSnapshot.issued_by,
                ReportSnapshot.scheduled,
            ).join(Region, Region.code == ReportSnapshot.region_code),
            filters,
            scope,
        )
        .order_by(ReportSnapshot.issued_at.desc(), ReportSnapshot.id.desc())
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    )
    rows = [
        SnapshotRow(
            id=row.id,
            kind=row.kind,
            region_name=row.name,
            label=Period(PeriodKind(row.kind), row.first, row.last).label,
            issued_at=row.issued_at,
            issued_by=row.issued_by,
            scheduled=row.scheduled,
        )
        for row in session.execute(query)
    ]
    return SnapshotPage(rows=rows, total=total, page=page, pages=pages)
