"""我的设置 › 代办人: a caseworker names a stand-in for the days they are away."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from engine.db import db
from processes.deadlines import local

from ..engine_binding import current_engine
from ..security import CASEWORKERS, roles_required
from . import stand_ins
from .models import User

bp = Blueprint("settings", __name__, url_prefix="/settings")


@bp.route("/stand-in", methods=["GET", "POST"])
@roles_required(CASEWORKERS)
def stand_in():
    user = db.session.get(User, current_user.id)
    roles = frozenset(user.roles) & CASEWORKERS
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        if request.form.get("action") == "clear":
            return _clear(user)
        try:
            return _set(user, roles)
        except stand_ins.StandInError as error:
            errors = {field: [message] for field, message in error.errors.items()}
            db.session.rollback()
    current = stand_ins.stand_in_of(db.session, user.username)
    covering = _covering(user.username)
    people = {row.username for row in covering} | ({current.stand_in} if current else set())
    page = render_template(
        "settings/stand_in.html",
        current=current,
        choices=stand_ins.choices(db.session, user, roles),
        covering=covering,
        names=_names(people),
        form=request.form,
        errors=errors,
        today=_today(),
    )
    return (page, 422) if errors else page


def _today() -> date:
    return local(current_engine().clock.now()).date()


def _day(name: str) -> date | None:
    try:
        return date.fromisoformat(request.form.get(name, ""))
    except ValueError:
        return None


def _set(user: User, roles: frozenset[str]):
    row = stand_ins.set_stand_in(
        db.session,
        user=user,
        roles=roles,
        stand_in=request.form.get("stand_in", ""),
        starts_on=_day("starts_on"),
        ends_on=_day("ends_on"),
        today=_today(),
        now=current_engine().clock.now(),
    )
    data = {
        "username": user.username,
        "stand_in": row.stand_in,
        "starts_on": row.starts_on.isoformat(),
        "ends_on": row.ends_on.isoformat(),
    }
    _log(stand_ins.STAND_IN_SET, data)
    when = f"{row.starts_on} 至 {row.ends_on}"
    who = f"{_names({row.stand_in}).get(row.stand_in, row.stand_in)}（{row.stand_in}）"
    flash(f"已设置代办人：{when} 由 {who} 代为办理交给您的任务。", "info")
    return redirect(url_for("settings.stand_in"))


def _clear(user: User):
    row = stand_ins.clear_stand_in(db.session, user=user)
    if row is not None:
        _log(stand_ins.STAND_IN_CLEARED, {"username": user.username, "stand_in": row.stand_in})
        flash("已取消代办人。", "info")
    return redirect(url_for("settings.stand_in"))


def _log(event_type: str, data: dict) -> None:
    current_engine().record_operation(
        db.session, event_type=event_type, actor=current_user.username, data=data
    )
    db.session.commit()


def _covering(username: str) -> list[stand_ins.StandIn]:
    """The settings naming ``username`` as stand-in that are not over yet."""
    query = select(stand_ins.StandIn).where(
        stand_ins.StandIn.stand_in == username, stand_ins.StandIn.ends_on >= _today()
    )
    return list(db.session.scalars(query.order_by(stand_ins.StandIn.starts_on)))


def _names(usernames: set[str]) -> dict[str, str]:
    query = select(User.username, User.display_name).where(User.username.in_(sorted(usernames)))
    return dict(db.session.execute(query).all())
