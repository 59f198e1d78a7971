"""排查台账: screening rounds of an area, per grid, village, township or county."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, render_template, request
from flask_login import current_user
from sqlalchemy import select

from engine.db import db
from processes.field.ledger import ledger as build_ledger
from processes.models import Region
from processes.roles import Role

from ..intake.service import region_choices
from ..scope import may_see, region_scope
from ..security import REPORT_ROLES, roles_required
from ..tasks.context import today

bp = Blueprint("screening", __name__, url_prefix="/screening")
LEDGER_ROLES = REPORT_ROLES | {Role.GRID_WORKER, Role.VILLAGE_MEDIATION}
"""The grid's own workers, the village committee and those who read the area's figures."""


@bp.get("/ledger")
@roles_required(LEDGER_ROLES)
def ledger():
    root = request.args.get("region") or current_user.region_code or _top_region()
    if root is None or db.session.get(Region, root) is None:
        abort(404)
    if not may_see(region_scope(db.session, current_user), root):
        abort(404)
    start, end = _period(request.args.get("from"), request.args.get("to"))
    return render_template(
        "screening/ledger.html",
        ledger=build_ledger(db.session, root=root, start=start, end=end),
        regions=[r for r in region_choices(db.session, current_user.region_code) if r.depth < 3],
    )


def _top_region() -> str | None:
    return db.session.execute(
        select(Region.code).where(Region.parent_code.is_(None)).order_by(Region.code)
    ).scalar()


def _period(start: str | None, end: str | None) -> tuple[date, date]:
    """The days asked for; by default this month up to today."""
    now = today()
    return _day(start) or now.replace(day=1), _day(end) or now


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None
