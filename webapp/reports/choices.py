"""What a report is about, as the pickers offer it: a region in the user's scope (市, 县, 镇
or 村: grids have no reports) and a period (a kind and a day inside it, or a custom range).

Values come from the URL or a form; anything unknown falls back to a default (the user's
own region, this month), except a region outside the user's scope, which is ``None`` so
the view answers 404 as for a region that does not exist.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from processes.models import Region
from processes.reports.periods import Period, PeriodKind
from processes.reports.regions import REPORT_LEVELS

KINDS: dict[str, PeriodKind] = {
    "day": PeriodKind.DAY,
    "week": PeriodKind.WEEK,
    "month": PeriodKind.MONTH,
    "quarter": PeriodKind.QUARTER,
}
"""The pickable period kinds by their URL key."""
KIND_LABELS: dict[str, str] = {
    key: f"{kind.value}（{short}）"
    for (key, kind), short in zip(KINDS.items(), "日周月季", strict=True)
}
"""The period picker's options, e.g. 月总结（月）."""
DEFAULT_KIND = "month"


@dataclass(frozen=True)
class RegionOption:
    code: str
    name: str
    level: str
    depth: int
    """How far below the top of the user's picker (for indenting the option)."""

    @property
    def label(self) -> str:
        return f"{'　' * self.depth}{self.name}（{self.level}）"


def region_options(session: Session, scope: frozenset[str] | None) -> list[RegionOption]:
    """The regions the user may report on, in tree order (each above its children)."""
    query = select(Region.code, Region.name, Region.level, Region.parent_code).where(
        Region.level.in_(REPORT_LEVELS)
    )
    rows = {
        code: (name, level, parent)
        for code, name, level, parent in session.execute(query)
        if scope is None or code in scope
    }
    children: dict[str | None, list[str]] = defaultdict(list)
    for code, (_, _, parent) in rows.items():
        children[parent if parent in rows else None].append(code)
    options: list[RegionOption] = []
    stack = [(code, 0) for code in sorted(children[None], reverse=True)]
    while stack:
        code, depth = stack.pop()
        name, level, _ = rows[code]
        options.append(RegionOption(code, name, level, depth))
        stack.extend((child, depth + 1) for child in sorted(children[code], reverse=True))
    return options


def pick_region(
    options: list[RegionOption], wanted: str | None, own: str | None
) -> RegionOption | None:
    """The region asked for (``None`` if it is not among ``options``), else the user's own
    region, else the top of the picker."""
    by_code = {option.code: option for option in options}
    if wanted:
        return by_code.get(wanted)
    if own in by_code:
        return by_code[own]
    return options[0] if options else None


def parse_day(text: str | None) -> date | None:
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        return None


@dataclass(frozen=True)
class PeriodChoice:
    """A period picked by kind and a day inside it."""

    kind_key: str
    day: date
    period: Period

    def args(self) -> dict[str, str]:
        return {"kind": self.kind_key, "date": self.day.isoformat()}


def pick_period(args: Mapping[str, str], today: date) -> PeriodChoice:
    """The period of ``kind`` containing ``date`` (defaults: a month, today; a day after
    today is taken as today: a period not begun has no figures)."""
    key = args.get("kind", "")
    key = key if key in KINDS else DEFAULT_KIND
    day = parse_day(args.get("date")) or today
    day = min(day, today)
    return PeriodChoice(key, day, Period.containing(KINDS[key], day))


def shifted(choice: PeriodChoice, *, forward: bool, today: date) -> PeriodChoice | None:
    """The period before (环比) or after ``choice``'s, or ``None`` after the current one."""
    period = choice.period
    if forward:
        day = date.fromordinal(period.last.toordinal() + 1)
        if day > today:
            return None
        return PeriodChoice(choice.kind_key, day, Period.containing(period.kind, day))
    previous = period.previous()
    return PeriodChoice(choice.kind_key, previous.first, previous)
