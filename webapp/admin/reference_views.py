"""参考数据: regions, departments and dispute types through ``processes.reference``.

Rows are never deleted (cases point at them): an admin deactivates one. ``save_row``
checks consistency and writes the operation log; its refusals are shown on the form.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from engine.db import db
from processes.reference import KINDS, REGION_LEVELS, STATIONS, ReferenceInvalid, save_row

from ..engine_binding import current_engine
from ..security import ADMIN_ROLES, roles_required
from .forms import reference_values
from .service import create_row, get_row, parent_choices, tree
from .views import bp


@bp.get("/reference/<kind>")
@roles_required(ADMIN_ROLES)
def reference(kind: str):
    _kind_or_404(kind)
    return render_template(
        "admin/reference_list.html", kind=kind, label=KINDS[kind].label, rows=tree(db.session, kind)
    )


@bp.route("/reference/<kind>/new", methods=["GET", "POST"])
@roles_required(ADMIN_ROLES)
def new_reference(kind: str):
    _kind_or_404(kind)
    if request.method == "GET":
        return _form_page(kind, row=None, code="", values={"active": True})
    code = request.form.get("code", "").strip()
    values, errors = reference_values(kind, request.form)
    if errors:
        return _form_page(kind, row=None, code=code, values=values, errors=errors)
    try:
        create_row(db.session, kind, code=code, values=values, **_audit())
    except ReferenceInvalid as exc:
        db.session.rollback()
        return _form_page(kind, row=None, code=code, values=values, problem=str(exc))
    db.session.commit()
    flash(f"已新增{KINDS[kind].label} {code} {values['name']}。", "info")
    return redirect(url_for("admin.reference", kind=kind))


@bp.route("/reference/<kind>/<code>/edit", methods=["GET", "POST"])
@roles_required(ADMIN_ROLES)
def edit_reference(kind: str, code: str):
    _kind_or_404(kind)
    row = _row_or_404(kind, code)
    if request.method == "GET":
        values = {field: getattr(row, field) for field in KINDS[kind].fields}
        return _form_page(kind, row=row, code=code, values=values)
    values, errors = reference_values(kind, request.form)
    if errors:
        return _form_page(kind, row=row, code=code, values=values, errors=errors)
    try:
        save_row(db.session, kind, code=code, values=values, **_audit())
    except ReferenceInvalid as exc:
        db.session.rollback()
        row = _row_or_404(kind, code)
        return _form_page(kind, row=row, code=code, values=values, problem=str(exc))
    db.session.commit()
    flash(f"已保存{KINDS[kind].label} {code} 的修改。", "info")
    return redirect(url_for("admin.reference", kind=kind))


def _audit() -> dict[str, Any]:
    return {"actor": current_user.username, "record": current_engine().record_operation}


def _kind_or_404(kind: str) -> None:
    if kind not in KINDS:
        abort(404)


def _row_or_404(kind: str, code: str) -> Any:
    row = get_row(db.session, kind, code)
    if row is None:
        abort(404)
    return row


def _form_page(
    kind: str,
    *,
    row: Any,
    code: str,
    values: dict[str, Any],
    errors: dict[str, list[str]] | None = None,
    problem: str | None = None,
):
    return render_template(
        "admin/reference_form.html",
        kind=kind,
        label=KINDS[kind].label,
        fields=KINDS[kind].fields,
        row=row,
        code=code,
        values=values,
        errors=errors or {},
        problem=problem,
        parents=parent_choices(db.session, kind, exclude=code or None)
        if "parent_code" in KINDS[kind].fields
        else [],
        levels=REGION_LEVELS,
        stations=STATIONS,
    )
