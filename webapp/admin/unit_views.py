"""单位: the bodies accounts belong to, listed under their regions; add, edit, deactivate.

A department's unit is created with the department (系统管理 › 部门) and takes its name
and status from it; here only its region and parent can change. ``processes.units``
checks every edit, names the field of a refusal and writes the operation log.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from engine.db import db
from processes.enums import UnitKind
from processes.models import Department, Unit
from processes.units import UnitInvalid, save_unit

from ..engine_binding import current_engine
from ..security import ADMIN_ROLES, roles_required
from .people_forms import unit_values
from .people_service import unit_groups, unit_options
from .service import tree
from .views import bp


@bp.get("/units")
@roles_required(ADMIN_ROLES)
def units():
    return render_template("admin/units.html", groups=unit_groups(db.session))


@bp.route("/units/new", methods=["GET", "POST"])
@roles_required(ADMIN_ROLES)
def new_unit():
    if request.method == "GET":
        return _form_page(None, code="", values={"active": True, "kind": ""})
    code = request.form.get("code", "").strip()
    values = unit_values(request.form, department_unit=False)
    try:
        save_unit(db.session, code=code, values=values, create=True, **_audit())
    except UnitInvalid as exc:
        db.session.rollback()
        return _form_page(None, code=code, values=values, errors=exc.errors)
    db.session.commit()
    flash(f"已新增单位 {code} {values['name']}。", "info")
    return redirect(url_for("admin.units"))


@bp.route("/units/<code>/edit", methods=["GET", "POST"])
@roles_required(ADMIN_ROLES)
def edit_unit(code: str):
    unit = _unit_or_404(code)
    department_unit = db.session.get(Department, code) is not None
    if request.method == "GET":
        return _form_page(unit, code=code, values=_values_of(unit))
    values = unit_values(request.form, department_unit=department_unit)
    try:
        save_unit(db.session, code=code, values=values, **_audit())
    except UnitInvalid as exc:
        db.session.rollback()
        unit = _unit_or_404(code)
        return _form_page(unit, code=code, values=_values_of(unit) | values, errors=exc.errors)
    db.session.commit()
    flash(f"已保存单位 {code}（{unit.name}）的修改。", "info")
    return redirect(url_for("admin.units"))


def _audit() -> dict[str, Any]:
    return {"actor": current_user.username, "record": current_engine().record_operation}


def _unit_or_404(code: str) -> Unit:
    unit = db.session.get(Unit, code)
    if unit is None:
        abort(404)
    return unit


def _values_of(unit: Unit) -> dict[str, Any]:
    return {
        "name": unit.name,
        "kind": unit.kind,
        "region_code": unit.region_code,
        "parent_code": unit.parent_code,
        "active": unit.active,
    }


def _form_page(
    unit: Unit | None,
    *,
    code: str,
    values: dict[str, Any],
    errors: dict[str, list[str]] | None = None,
):
    errors = errors or {}
    return render_template(
        "admin/unit_form.html",
        unit=unit,
        code=code,
        values=values,
        errors=errors,
        general_error=(errors.get("") or [None])[0],
        department_unit=unit is not None and db.session.get(Department, unit.code) is not None,
        kinds=[kind.value for kind in UnitKind],
        regions=tree(db.session, "region"),
        parents=[option for option in unit_options(db.session) if option.code != code],
    )
