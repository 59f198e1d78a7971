"""Everything the case page shows, gathered in one query function for the view."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from engine import Engine
from processes.calendar import load_calendar
from processes.models import Case

from .detail import CaseDetail, case_detail
from .diagram import TrailText, trail_text
from .timeline import Timeline, case_timeline


@dataclass(frozen=True)
class CasePage:
    detail: CaseDetail
    timeline: Timeline
    trails: list[TrailText]
    """The steps per process as text (the diagram itself is fetched by the page's script)."""


def case_page(
    session: Session, engine: Engine, case: Case, *, revealed: bool, all_steps: bool
) -> CasePage:
    detail = case_detail(
        session,
        case,
        revealed=revealed,
        now=engine.clock.now(),
        calendar=load_calendar(session),
    )
    trails = engine.instance_trail(case.instance_id) if case.instance_id else []
    return CasePage(
        detail=detail,
        timeline=case_timeline(session, engine, case, all_steps=all_steps),
        trails=trail_text(trails),
    )
