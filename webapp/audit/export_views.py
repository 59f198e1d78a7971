"""Exports of a history search, CSV and XLSX (``exports`` says what they hold and why).

An export reads; what it writes is its own operation-log entry (who exported which search,
whether with personal data), committed before the file is made.
"""

from __future__ import annotations

from urllib.parse import quote

from flask import Response, request, send_file, stream_with_context
from flask_login import current_user

from engine.db import db
from engine.history_search import HistoryQuery

from ..engine_binding import current_engine
from ..scope import region_scope
from ..security import AUDIT_ROLES, PERSONAL_DATA_ROLES, has_any_role, roles_required
from . import exports
from .blueprint import bp
from .filters import AuditFilters, resolve
from .labels import HISTORY_EXPORTED
from .search_views import render_index
from .writers import csv_chunks, xlsx_file

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _export_query(kind: str) -> tuple[AuditFilters, HistoryQuery | None, bool]:
    filters = AuditFilters.from_args(request.args).first_page()
    resolved = resolve(db.session, filters, region_scope(db.session, current_user))
    full = has_any_role(PERSONAL_DATA_ROLES)
    if resolved.query is not None:
        current_engine().record_operation(
            db.session,
            event_type=HISTORY_EXPORTED,
            actor=current_user.username,
            data={"format": kind, "filters": filters.described(), "full": full},
        )
        db.session.commit()
    return filters, resolved.query, full


def _readme(filters: AuditFilters, full: bool, cap: int) -> list[str]:
    return exports.readme(
        exported_at=current_engine().clock.now(),
        user=f"{current_user.display_name}（{current_user.username}）",
        filters=filters.described(),
        full=full,
        cap=cap,
    )


def _disposition(suffix: str) -> str:
    name = f"执行历史-{current_engine().clock.now():%Y%m%d-%H%M%S}.{suffix}"
    return f"attachment; filename=history.{suffix}; filename*=UTF-8''{quote(name)}"


@bp.get("/export.csv")
@roles_required(AUDIT_ROLES)
def export_csv():
    filters, query, full = _export_query("csv")
    if query is None:
        return render_index(filters, status=404)
    cap = exports.CAPS["csv"]
    rows = exports.export_rows(db.session, query, full=full, cap=cap)
    body = stream_with_context(csv_chunks(_readme(filters, full, cap), rows))
    response = Response(body, content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = _disposition("csv")
    return response


@bp.get("/export.xlsx")
@roles_required(AUDIT_ROLES)
def export_xlsx():
    filters, query, full = _export_query("xlsx")
    if query is None:
        return render_index(filters, status=404)
    cap = exports.CAPS["xlsx"]
    rows = exports.export_rows(db.session, query, full=full, cap=cap)
    response = send_file(xlsx_file(_readme(filters, full, cap), rows), mimetype=XLSX)
    response.headers["Content-Disposition"] = _disposition("xlsx")
    return response
