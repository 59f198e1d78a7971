"""部门进驻与值班表: which department is stationed at which center (常驻/轮驻/随叫随驻), and
a week's rota per station, set in one form (no script needed).

``processes.stations`` checks every edit and writes the operation log; the people named
(a default liaison, a rota day) are checked here to be active accounts of the station's
department, since accounts live in the webapp.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from engine.db import db
from processes.deadlines import local
from processes.enums import StationMode
from processes.stations import (
    StationInvalid,
    StationView,
    list_stations,
    rota,
    save_station,
    set_duty,
    station_view,
    week_of,
)

from ..accounts.service import account_problem, department_people
from ..engine_binding import current_engine
from ..security import ADMIN_ROLES, roles_required
from .forms import text
from .people_forms import rota_values, station_values
from .people_service import center_options, liaison_groups, rota_days
from .service import departments
from .views import bp


@bp.get("/stations")
@roles_required(ADMIN_ROLES)
def stations():
    return render_template("admin/stations.html", stations=list_stations(db.session))


@bp.route("/stations/new", methods=["GET", "POST"])
@roles_required(ADMIN_ROLES)
def new_station():
    if request.method == "GET":
        return _form_page(None, {"mode": StationMode.RESIDENT, "active": True})
    values = station_values(request.form)
    chosen = {"department_code": text(request.form, "department_code") or None}
    chosen["unit_code"] = text(request.form, "unit_code") or None
    try:
        _check_person(values["liaison"], chosen["department_code"], field="liaison")
        station = save_station(db.session, station_id=None, values=values, **chosen, **_audit())
    except StationInvalid as exc:
        db.session.rollback()
        return _form_page(None, values | chosen, errors=exc.errors)
    db.session.commit()
    flash(f"已新增驻点：{station_view(db.session, station.id).label}。", "info")
    return redirect(url_for("admin.stations"))


@bp.route("/stations/<int:station_id>/edit", methods=["GET", "POST"])
@roles_required(ADMIN_ROLES)
def edit_station(station_id: int):
    view = _station_or_404(station_id)
    if request.method == "GET":
        return _form_page(view, {"mode": view.mode, "liaison": view.liaison, "active": view.active})
    values = station_values(request.form)
    try:
        _check_person(values["liaison"], view.department_code, field="liaison")
        save_station(db.session, station_id=station_id, values=values, **_audit())
    except StationInvalid as exc:
        db.session.rollback()
        return _form_page(view, values, errors=exc.errors)
    db.session.commit()
    flash(f"已保存驻点：{_station_or_404(station_id).label}。", "info")
    return redirect(url_for("admin.stations"))


@bp.route("/stations/<int:station_id>/rota", methods=["GET", "POST"])
@roles_required(ADMIN_ROLES)
def station_rota(station_id: int):
    view = _station_or_404(station_id)
    week = week_of(_week_start())
    if request.method == "GET":
        return _rota_page(view, week)
    chosen = rota_values(request.form, week)
    errors = {
        f"day-{day}": [problem]
        for day, username in chosen.items()
        if (problem := account_problem(db.session, username, department_code=view.department_code))
    }
    if errors or not view.has_rota:
        problem = None if view.has_rota else f"{view.mode}的部门不排班：被召集时由部门派人"
        return _rota_page(view, week, typed=chosen, errors=errors, problem=problem)
    changed = sum(
        set_duty(db.session, station_id=station_id, day=day, username=username, **_audit())
        for day, username in chosen.items()
    )
    db.session.commit()
    flash(f"已保存 {week[0]:%m-%d} 至 {week[-1]:%m-%d} 的值班表（{changed} 天有变动）。", "info")
    return redirect(url_for("admin.station_rota", station_id=station_id, week=week[0].isoformat()))


def _check_person(username: str | None, department_code: str | None, *, field: str) -> None:
    problem = account_problem(db.session, username, department_code=department_code)
    if problem:
        raise StationInvalid(problem, field=field)


def _week_start() -> date:
    """The ``week`` asked for (any day of it), else this week."""
    raw = request.values.get("week", "")
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return local(current_engine().clock.now()).date()


def _audit() -> dict[str, Any]:
    return {"actor": current_user.username, "record": current_engine().record_operation}


def _station_or_404(station_id: int) -> StationView:
    view = station_view(db.session, station_id)
    if view is None:
        abort(404)
    return view


def _form_page(
    view: StationView | None, values: dict[str, Any], *, errors: dict[str, list[str]] | None = None
):
    errors = errors or {}
    return render_template(
        "admin/station_form.html",
        station=view,
        values=values,
        errors=errors,
        general_error=(errors.get("") or errors.get("station") or [None])[0],
        modes=[mode.value for mode in StationMode],
        departments=departments(db.session),
        centers=center_options(db.session),
        people=department_people(db.session, view.department_code) if view else [],
        liaison_groups=[] if view else liaison_groups(db.session),
    )


def _rota_page(
    view: StationView,
    week: list[date],
    *,
    typed: dict[date, str | None] | None = None,
    errors: dict[str, list[str]] | None = None,
    problem: str | None = None,
):
    stored = rota(db.session, station_id=view.id, first=week[0], last=week[-1])
    return render_template(
        "admin/station_rota.html",
        station=view,
        days=rota_days(db.session, week),
        on_duty=stored | (typed or {}),
        people=department_people(db.session, view.department_code),
        previous_week=(week[0] - timedelta(days=7)).isoformat(),
        next_week=(week[0] + timedelta(days=7)).isoformat(),
        this_week=local(current_engine().clock.now()).date(),
        errors=errors or {},
        problem=problem,
    )
