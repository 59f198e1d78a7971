"""用户管理: list, create, edit (roles, region, department, unit, active) and reset a password.

Users are never deleted, only deactivated. Each change is a ``user_changed`` entry in the
operation log, with the user before and after, written in the same transaction.
"""

from __future__ import annotations

import dataclasses

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user

from engine.db import db

from ..accounts import lockout
from ..accounts.models import User
from ..accounts.service import (
    AccountError,
    create_user,
    record_lock_change,
    record_user_change,
    reset_password,
    update_user,
    user_state,
)
from ..engine_binding import current_engine
from ..security import ADMIN_ROLES, roles_required
from .forms import UserForm
from .people_service import unit_options
from .roles import role_choices
from .service import departments, tree, user_rows
from .views import bp


@bp.get("/users")
@roles_required(ADMIN_ROLES)
def users():
    rows = user_rows(db.session)
    locked = lockout.locked_names([row.username for row in rows])
    rows = [dataclasses.replace(row, locked=row.username in locked) for row in rows]
    return render_template("admin/users.html", rows=rows)


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required(ADMIN_ROLES)
def new_user():
    if request.method == "GET":
        return _form_page(UserForm(), user=None)
    form = UserForm.read(request.form, with_active=False)
    try:
        user = create_user(
            db.session,
            username=form.username,
            display_name=form.display_name,
            password=request.form.get("password", ""),
            roles=form.roles,
            region_code=form.region_code,
            department_code=form.department_code,
            unit_code=form.unit_code,
        )
        _log(user, action="create", before=None)
    except AccountError as exc:
        db.session.rollback()
        return _form_page(form, user=None, errors=exc.errors)
    db.session.commit()
    flash(f"已创建用户 {user.username}（{user.display_name}）。", "info")
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@roles_required(ADMIN_ROLES)
def edit_user(user_id: int):
    user = _user_or_404(user_id)
    if request.method == "GET":
        return _form_page(UserForm.of(user), user=user)
    form = UserForm.read(request.form, with_active=True)
    form.username = user.username
    before = user_state(user)
    try:
        update_user(
            db.session,
            username=user.username,
            profile=form.profile(),
            acting_username=current_user.username,
        )
        _log(user, action="update", before=before)
    except AccountError as exc:
        db.session.rollback()
        return _form_page(form, user=_user_or_404(user_id), errors=exc.errors)
    db.session.commit()
    flash(f"已保存用户 {user.username} 的修改。", "info")
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/password")
@roles_required(ADMIN_ROLES)
def user_password(user_id: int):
    user = _user_or_404(user_id)
    before = user_state(user)
    try:
        reset_password(
            db.session, username=user.username, password=request.form.get("password", "")
        )
        _log(user, action="reset_password", before=before)
    except AccountError as exc:
        db.session.rollback()
        user = _user_or_404(user_id)
        return _form_page(UserForm.of(user), user=user, errors=exc.errors)
    db.session.commit()
    if user.id == current_user.id:
        login_user(user)  # a new password ends every session, but not the one setting it
    flash(f"已重设 {user.username} 的密码，请当面或通过安全渠道告知本人。", "info")
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.post("/users/<int:user_id>/unlock")
@roles_required(ADMIN_ROLES)
def unlock_user(user_id: int):
    user = _user_or_404(user_id)
    if lockout.unlock(user.username):
        record_lock_change(
            db.session,
            current_engine().record_operation,
            actor=current_user.username,
            action="unlock",
            username=user.username,
        )
        db.session.commit()
        flash(f"已解除 {user.username}（{user.display_name}）的登录锁定。", "info")
    else:
        flash(f"{user.username} 未被锁定。", "info")
    return redirect(url_for("admin.users"))


def _log(user: User, *, action: str, before: dict | None) -> None:
    if action == "update" and before == user_state(user):
        return  # saved without a change: nothing to log
    record_user_change(
        db.session,
        current_engine().record_operation,
        actor=current_user.username,
        action=action,
        user=user,
        before=before,
    )


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


def _form_page(form: UserForm, *, user: User | None, errors: dict[str, str] | None = None):
    errors = errors or {}
    return render_template(
        "admin/user_form.html",
        form=form,
        user=user,
        errors={name: [message] for name, message in errors.items()},
        general_error=errors.get(""),
        roles=role_choices(),
        regions=tree(db.session, "region"),
        departments=departments(db.session),
        units=unit_options(db.session),
        is_self=user is not None and user.id == current_user.id,
    )
