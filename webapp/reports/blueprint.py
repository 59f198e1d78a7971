"""The reports blueprint (统计报表); its routes are in the sibling modules."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint

from processes.deadlines import local

from ..security import COURT_FIGURE_ROLES, has_any_role

bp = Blueprint("reports", __name__, url_prefix="/reports")


@bp.context_processor
def _helpers() -> dict[str, object]:
    return {"local_time": local_time, "may_enter_filings": has_any_role(COURT_FIGURE_ROLES)}


def local_time(moment: datetime | str | None, pattern: str = "%Y-%m-%d %H:%M") -> str:
    """A stored UTC moment (a datetime or an ISO 8601 text) in Beijing time."""
    if moment is None or moment == "":
        return ""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return local(moment).strftime(pattern)
