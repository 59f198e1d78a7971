"""排查台账: screening rounds of an area and a period, one row per area below it.

A county's ledger has a row per township, a township's per village, a village's per grid,
a grid's its own row. Each row counts rounds, households or places visited, findings,
findings reported and findings that became cases (the share the ledger shows), summed
over the grids below it. A finding counts as reported once, however many reports name it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import case, distinct, func, select
from sqlalchemy.orm import Session

from ..models import Region
from .models import FieldReport, ScreeningFinding, ScreeningRound


@dataclass
class LedgerRow:
    code: str
    name: str
    rounds: int = 0
    visited: int = 0
    findings: int = 0
    reported: int = 0
    cases: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)

    @property
    def case_share(self) -> float | None:
        """Findings that became cases, of all findings (``None`` without findings)."""
        return self.cases / self.findings if self.findings else None

    def add(self, other: LedgerRow) -> None:
        self.rounds += other.rounds
        self.visited += other.visited
        self.findings += other.findings
        self.reported += other.reported
        self.cases += other.cases
        for kind, count in other.by_kind.items():
            self.by_kind[kind] = self.by_kind.get(kind, 0) + count


@dataclass(frozen=True)
class Ledger:
    root: Region
    start: date
    end: date
    rows: list[LedgerRow]
    total: LedgerRow


def ledger(session: Session, *, root: str, start: date, end: date) -> Ledger:
    """The ledger of ``root`` for the days ``start``..``end`` (both included)."""
    regions = {r.code: r for r in session.execute(select(Region)).scalars()}
    heads = _heads(regions, root)
    rows = {code: LedgerRow(code, regions[code].name) for code in dict.fromkeys(heads.values())}
    for code, row in per_region(session, start, end).items():
        head = heads.get(code)
        if head is not None:
            rows[head].add(row)
    total = LedgerRow(root, regions[root].name)
    for row in rows.values():
        total.add(row)
    ordered = sorted(rows.values(), key=lambda row: row.code)
    return Ledger(regions[root], start, end, ordered, total)


def _heads(regions: dict[str, Region], root: str) -> dict[str, str]:
    """Each region under ``root`` mapped to the row it is counted in: the child of
    ``root`` above it (``root`` itself when it has no children)."""
    children = {code for code, r in regions.items() if r.parent_code == root}
    heads: dict[str, str] = {root: root} if not children else {}
    for code in regions:
        path = [code]
        while path[-1] is not None and path[-1] not in children and path[-1] != root:
            path.append(regions[path[-1]].parent_code if path[-1] in regions else None)
        if path[-1] in children:
            heads[code] = path[-1]
    return heads


def per_region(session: Session, start: date, end: date) -> dict[str, LedgerRow]:
    """Each region's own rounds (not those below it) in the days ``start``..``end``."""
    rows: dict[str, LedgerRow] = defaultdict(lambda: LedgerRow("", ""))
    in_period = (ScreeningRound.held_on >= start, ScreeningRound.held_on <= end)
    for code, kind, rounds, visited in session.execute(
        select(
            ScreeningRound.region_code,
            ScreeningRound.kind,
            func.count(),
            func.coalesce(func.sum(ScreeningRound.visited), 0),
        )
        .where(*in_period)
        .group_by(ScreeningRound.region_code, ScreeningRound.kind)
    ):
        rows[code].rounds += rounds
        rows[code].visited += int(visited)
        rows[code].by_kind[kind] = rounds
    findings = select(ScreeningRound.region_code, func.count()).join(
        ScreeningFinding, ScreeningFinding.round_id == ScreeningRound.id
    )
    for code, count in session.execute(
        findings.where(*in_period).group_by(ScreeningRound.region_code)
    ):
        rows[code].findings = count
    for code, reported, cases in session.execute(_reported().where(*in_period)):
        rows[code].reported = reported
        rows[code].cases = cases
    return rows


def _reported():
    became_case = case((FieldReport.case_id.is_not(None), FieldReport.finding_id))
    return (
        select(
            ScreeningRound.region_code,
            func.count(distinct(FieldReport.finding_id)),
            func.count(distinct(became_case)),
        )
        .join(ScreeningFinding, ScreeningFinding.round_id == ScreeningRound.id)
        .join(FieldReport, FieldReport.finding_id == ScreeningFinding.id)
        .group_by(ScreeningRound.region_code)
    )


def screenings_by_grid(
    session: Session, *, regions: frozenset[str] | None, first: date, last: date
) -> list[dict[str, object]]:
    """周研判's screening table: every grid in ``regions`` (``None``: all) with its rounds,
    visits, findings and findings that became cases; a grid that did not screen shows 0."""
    counted = per_region(session, first, last)
    grids = session.execute(
        select(Region.code, Region.name).where(Region.level == "网格").order_by(Region.code)
    ).all()
    return [
        {
            "code": code,
            "name": name,
            "rounds": counted[code].rounds if code in counted else 0,
            "visited": counted[code].visited if code in counted else 0,
            "findings": counted[code].findings if code in counted else 0,
            "cases": counted[code].cases if code in counted else 0,
        }
        for code, name in grids
        if regions is None or code in regions
    ]
