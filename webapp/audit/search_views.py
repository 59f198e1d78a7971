"""审计 › 执行历史: the search form, its results newest first, paged by key; exports of a search.

Auditors read; the only things written are operation-log entries of what they did (an
export, a verify). Personal data is masked unless the user's roles may see it.
"""

from __future__ import annotations

from urllib.parse import quote

from flask import Response, render_template, request, send_file, stream_with_context
from flask_login import current_user

from engine.db import db
from engine.history_search import PAGE_SIZE, HistoryQuery, search

from ..engine_binding import current_engine
from ..scope import region_scope
from ..security import AUDIT_ROLES, PERSONAL_DATA_ROLES, has_any_role, roles_required
from .blueprint import bp
from .choices import form_choices
from .exports import export_rows, readme
from .filters import AuditFilters, resolve
from .integrity import Verdict
from .labels import HISTORY_EXPORTED
from .rows import present
from .writers import csv_chunks, xlsx_file


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
    )
    return html, status


@bp.get("")
@roles_required(AUDIT_ROLES)
def index():
    return render_index(AuditFilters.from_args(request.args))


def _export_query() -> tuple[AuditFilters, HistoryQuery | None, bool]:
    filters = AuditFilters.from_args(request.args).first_page()
    resolved = resolve(db.session, filters, region_scope(db.session, current_user))
    full = has_any_role(PERSONAL_DATA_ROLES)
    if resolved.query is not None:
        current_engine().record_operation(
            db.session,
            event_type=HISTORY_EXPORTED,
            actor=current_user.username,
            data={
                "format": request.path.rsplit(".", 1)[-1],
                "filters": filters.described(),
                "full": full,
            },
        )
        db.session.commit()
    return filters, resolved.query, full


def _readme(filters: AuditFilters, full: bool) -> list[str]:
    return readme(
        exported_at=current_engine().clock.now(),
        user=f"{current_user.display_name}（{current_user.username}）",
        filters=filters.described(),
        full=full,
    )


def _filename(suffix: str) -> str:
    name = f"执行历史-{current_engine().clock.now():%Y%m%d-%H%M%S}.{suffix}"
    return f"attachment; filename=history.{suffix}; filename*=UTF-8''{quote(name)}"


@bp.get("/export.csv")
@roles_required(AUDIT_ROLES)
def export_csv():
    filters, query, full = _export_query()
    if query is None:
        return render_index(filters, status=404)
    rows = export_rows(db.session, query, full=full)
    body = stream_with_context(csv_chunks(_readme(filters, full), rows))
    response = Response(body, mimetype="text/csv", content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = _filename("csv")
    return response


@bp.get("/export.xlsx")
@roles_required(AUDIT_ROLES)
def export_xlsx():
    filters, query, full = _export_query()
    if query is None:
        return render_index(filters, status=404)
    file = xlsx_file(_readme(filters, full), export_rows(db.session, query, full=full))
    response = send_file(
        file,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        as_attachment=True,
        download_name="history.xlsx",
    )
    response.headers["Content-Disposition"] = _filename("xlsx")
    return response
