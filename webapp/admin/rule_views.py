"""时限规则: the deadline rules the diagrams name, tuned without a release.

``processes.deadlines.update_rule`` validates the whole rule and logs the change; a new
limit applies to deadlines set from then on, never to ones already running.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from engine.db import db
from processes.deadlines import RuleInvalid, UnknownDeadlineRule, rule_of, rule_state, update_rule
from processes.enums import DeadlineUnit, Extension

from ..engine_binding import current_engine
from ..security import ADMIN_ROLES, roles_required
from .forms import rule_values
from .service import deadline_rules
from .views import bp


@bp.get("/rules")
@roles_required(ADMIN_ROLES)
def rules():
    return render_template("admin/rules.html", rules=deadline_rules(db.session))


@bp.route("/rules/<key>", methods=["GET", "POST"])
@roles_required(ADMIN_ROLES)
def edit_rule(key: str):
    try:
        rule = rule_of(db.session, key)
    except UnknownDeadlineRule:
        abort(404)
    if request.method == "GET":
        return _form_page(key, rule_state(rule))
    values, errors = rule_values(request.form)
    if errors:
        return _form_page(key, values, errors=errors)
    engine = current_engine()
    try:
        update_rule(
            db.session,
            key,
            **values,
            actor=current_user.username,
            now=engine.clock.now(),
            record=engine.record_operation,
        )
    except RuleInvalid as exc:
        db.session.rollback()
        return _form_page(key, values, problem=str(exc))
    db.session.commit()
    flash(f"已保存时限规则 {key}（{values['name']}），此后新设的时限按新规则计算。", "info")
    return redirect(url_for("admin.rules"))


def _form_page(
    key: str,
    values: dict,
    *,
    errors: dict[str, list[str]] | None = None,
    problem: str | None = None,
):
    return render_template(
        "admin/rule_form.html",
        key=key,
        values=values,
        errors=errors or {},
        problem=problem,
        units=[u.value for u in DeadlineUnit],
        extensions=[e.value for e in Extension],
    )
