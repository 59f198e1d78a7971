"""What the phone's forms offer: dispute types, the grids of the user's area, the kinds."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from processes.field.enums import ReportOutcome, ScreeningKind

from ..intake.service import region_choices, type_choices

GRID_LEVELS = frozenset({"网格", "村"})


def form_choices(session: Session, region_code: str | None) -> dict[str, Any]:
    top, _subtypes = type_choices(session)
    regions = region_choices(session, region_code)
    grids = [r for r in regions if r.label.endswith(("（网格）", "（村）"))] or regions
    return {
        "types": [{"code": t.code, "name": t.name} for t in top],
        "grids": [{"code": r.code, "name": r.label} for r in grids],
        "outcomes": [o.value for o in ReportOutcome],
        "kinds": [k.value for k in ScreeningKind],
        "risks": ["绿", "黄", "红"],
    }
