"""审计 › 执行历史: the search form and its results, newest first, paged by key.

Personal data is masked (auditors are not among the roles that may see it).
"""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user

from engine.db import db
from engine.history_search import PAGE_SIZE, search

from ..engine_binding import current_engine
from ..scope import region_scope
from ..security import AUDIT_ROLES, roles_required
from .blueprint import bp
from .choices import form_choices
from .exports import CAPS
from .filters import AuditFilters, resolve
from .integrity import Verdict
from .rows import present


def render_index(
    filters: AuditFilters,
    *,
    verdict: Verdict | None = None,
    progress: object | None = None,
    status: int = 200,
):
    """The search page (also after a verify of the whole chain: its ``verdict``, or the
    ``progress`` of a walk that stopped for time)."""
    session = db.session
    resolved = resolve(session, filters, region_scope(session, current_user))
    page = rows = None
    if resolved.query is not None:
        page = search(session, resolved.query, before=filters.before, after=filters.after)
        rows = present(session, page.rows, current_engine().forms)
    html = render_template(
        "audit/index.html",
        filters=filters,
        page=page,
        rows=rows,
        problem=resolved.problem,
        choices=form_choices(session),
        verdict=verdict,
        progress=progress,
        page_size=PAGE_SIZE,
        export_caps=CAPS,
    )
    return html, status


@bp.get("")
@roles_required(AUDIT_ROLES)
def index():
    return render_index(AuditFilters.from_args(request.args))
