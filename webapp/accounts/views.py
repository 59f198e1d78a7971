"""Log in and out."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from engine.db import db

from ..security import login_only, public
from ..validation import parse_int
from .models import User
from .service import authenticate

bp = Blueprint("auth", __name__)


def load_user(user_id: str) -> User | None:
    """Flask-Login's user loader: the active user with this id."""
    number = parse_int(user_id, minimum=1)
    if number is None:
        return None
    user = db.session.get(User, number)
    return user if user is not None and user.active else None


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    next_url = safe_next(request.values.get("next"))
    if current_user.is_authenticated:
        return redirect(next_url or url_for("home.index"))
    if request.method == "GET":
        return render_template("login.html", next_url=next_url, username="")
    username = request.form.get("username", "").strip()
    password = request.form.get("password", "")
    user = None
    if username and password:
        user = authenticate(db.session, username=username, password=password)
    if user is None:
        error = "请输入用户名和密码。" if not (username and password) else "用户名或密码错误。"
        return render_template("login.html", next_url=next_url, username=username, error=error)
    login_user(user)
    return redirect(next_url or url_for("home.index"))


@bp.post("/logout")
@login_only
def logout():
    logout_user()
    flash("您已安全退出。", "info")
    return redirect(url_for("auth.login"))


def safe_next(target: str | None) -> str | None:
    """``target`` if it is a path on this site (``/cases/1``), else ``None``."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or any(ch in target for ch in "\r\n\t\\"):
        return None
    return target
