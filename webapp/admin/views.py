"""Routes of the admin blueprint; every route states its roles (``webapp.security``).

The landing page is here; the users, reference data, units, roster, stations, deadline
rules and calendar pages are in their own modules, registered on the same blueprint.
"""

from __future__ import annotations

from flask import Blueprint, render_template

from engine.db import db
from processes.calendar import year_coverage_warning
from processes.deadlines import local

from ..engine_binding import current_engine
from ..security import ADMIN_ROLES, roles_required
from .service import counts

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/")
@roles_required(ADMIN_ROLES)
def index():
    year = local(current_engine().clock.now()).year
    warnings = [(y, w) for y in (year, year + 1) if (w := year_coverage_warning(db.session, y))]
    return render_template(
        "admin/index.html", counts=counts(db.session), warnings=warnings, year=year
    )
