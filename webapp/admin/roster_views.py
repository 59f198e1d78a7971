"""调解员名册: the mediators and helpers a center can call on; list with filters, add, edit,
deactivate. ``processes.roster`` checks every edit and writes the operation log; the
linked account is checked here (an active user), since accounts live in the webapp."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from engine.db import db
from processes.enums import RosterKind
from processes.models import RosterEntry
from processes.roster import RosterInvalid, entry_state, list_entries, save_entry

from ..accounts.service import account_problem
from ..engine_binding import current_engine
from ..security import ADMIN_ROLES, roles_required
from .forms import checked, optional
from .people_forms import roster_values
from .people_service import account_options, skill_options, unit_options
from .service import tree
from .views import bp

FILTERS = ("region", "kind", "skill", "unit")


@bp.get("/roster")
@roles_required(ADMIN_ROLES)
def roster():
    chosen = {name: optional(request.args, name) for name in FILTERS}
    include_inactive = checked(request.args, "inactive")
    entries = list_entries(
        db.session,
        region_code=chosen["region"],
        kind=chosen["kind"],
        skill=chosen["skill"],
        unit_code=chosen["unit"],
        include_inactive=include_inactive,
    )
    return render_template(
        "admin/roster.html",
        entries=entries,
        chosen=chosen,
        include_inactive=include_inactive,
        skill_names={option.code: option.name for option in skill_options(db.session)},
        **_choices(),
    )


@bp.route("/roster/new", methods=["GET", "POST"])
@roles_required(ADMIN_ROLES)
def new_roster_entry():
    if request.method == "GET":
        return _form_page(None, {"active": True, "skills": [], "kind": RosterKind.PEOPLES_MEDIATOR})
    return _save(None, roster_values(request.form))


@bp.route("/roster/<int:entry_id>/edit", methods=["GET", "POST"])
@roles_required(ADMIN_ROLES)
def edit_roster_entry(entry_id: int):
    entry = _entry_or_404(entry_id)
    if request.method == "GET":
        values = entry_state(entry)
        values["name"] = values.pop("person")
        return _form_page(entry, values)
    return _save(entry, roster_values(request.form))


def _save(entry: RosterEntry | None, values: dict[str, Any]):
    problem = account_problem(db.session, values["username"])
    try:
        if problem:
            raise RosterInvalid(problem, field="username")
        saved = save_entry(
            db.session,
            entry_id=entry.id if entry else None,
            values=values,
            actor=current_user.username,
            record=current_engine().record_operation,
        )
    except RosterInvalid as exc:
        db.session.rollback()
        entry = _entry_or_404(entry.id) if entry else None
        return _form_page(entry, values, errors=exc.errors)
    db.session.commit()
    flash(f"已保存名册人员 {saved.name}（{saved.kind}）。", "info")
    return redirect(url_for("admin.roster"))


def _entry_or_404(entry_id: int) -> RosterEntry:
    entry = db.session.get(RosterEntry, entry_id)
    if entry is None:
        abort(404)
    return entry


def _choices() -> dict[str, Any]:
    return {
        "kinds": [kind.value for kind in RosterKind],
        "regions": tree(db.session, "region"),
        "units": unit_options(db.session),
        "skills": skill_options(db.session),
    }


def _form_page(
    entry: RosterEntry | None,
    values: dict[str, Any],
    *,
    errors: dict[str, list[str]] | None = None,
):
    errors = errors or {}
    return render_template(
        "admin/roster_form.html",
        entry=entry,
        values=values,
        errors=errors,
        general_error=(errors.get("") or [None])[0],
        accounts=account_options(db.session),
        **_choices(),
    )
