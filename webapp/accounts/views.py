"""Log in and out.

A login is throttled per client address and per login name (failures only, Flask-Limiter,
``ZONGZHI_LOGIN_RATE_LIMIT`` and ``ZONGZHI_LOGIN_ACCOUNT_LIMIT``), and a name that keeps
failing is locked (``lockout``). Logging out ends every session of the user
(``User.session_version``).
"""

from __future__ import annotations

import math
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.wrappers import Response
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user, logout_user
from sqlalchemy.orm import joinedload

from engine.db import db

from ..engine_binding import current_engine
from ..headers import insecure_login
from ..limits import limiter
from ..security import login_only, public
from ..validation import parse_int
from . import lockout
from .models import User
from .service import authenticate, record_lock_change

bp = Blueprint("auth", __name__)

ADDRESS_LIMIT = "20 per minute;200 per day"
ACCOUNT_LIMIT = "5 per minute"
WRONG = "用户名或密码错误。"
LOCKED = "登录失败次数过多，该账号已暂时锁定。请 {minutes} 分钟后再试，或联系系统管理员解除锁定。"
THROTTLED = "登录尝试过于频繁，请稍后再试。"


def load_user(session_id: str) -> User | None:
    """Flask-Login's user loader: the active user of a ``"<id>:<version>"`` session id
    whose version is still the user's (logging out or a new password moves it on)."""
    number_text, _, version_text = session_id.partition(":")
    number = parse_int(number_text, minimum=1)
    version = parse_int(version_text, minimum=0)
    if number is None or version is None:
        return None
    # with the roles in the same statement: a page reads the user before anything else
    user = db.session.get(User, number, options=[joinedload(User.role_rows)])
    if user is None or not user.active or (user.session_version or 0) != version:
        return None
    return user


def _address_limit() -> str:
    return current_app.config.get("ZONGZHI_LOGIN_RATE_LIMIT", ADDRESS_LIMIT)


def _account_limit() -> str:
    return current_app.config.get("ZONGZHI_LOGIN_ACCOUNT_LIMIT", ACCOUNT_LIMIT)


def _account_key() -> str:
    return "login-account:" + request.form.get("username", "").strip()[: lockout.NAME_LENGTH]


def _failed(_response: Response) -> bool:
    return bool(g.get("login_failed"))


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(_address_limit, methods=["POST"], deduct_when=_failed)
@limiter.limit(_account_limit, methods=["POST"], key_func=_account_key, deduct_when=_failed)
def login():
    next_url = safe_next(request.values.get("next"))
    if current_user.is_authenticated:
        return redirect(next_url or url_for("home.index"))
    if request.method == "GET":
        return _page(next_url=next_url, username="")
    username = request.form.get("username", "").strip()
    password = request.form.get("password", "")
    if not (username and password):
        return _page(next_url=next_url, username=username, error="请输入用户名和密码。")
    g.login_failed = True  # until the password proves right
    remaining = lockout.locked_seconds(username)
    if remaining:
        return _page(next_url=next_url, username=username, error=_locked(remaining)), 429
    user = authenticate(db.session, username=username, password=password)
    if user is None:
        return _refused(username, next_url)
    g.login_failed = False
    lockout.clear_failures(username)
    login_user(user)
    return redirect(next_url or url_for("home.index"))


def _refused(username: str, next_url: str | None):
    lock = lockout.record_failure(username)
    if lock is None:
        return _page(next_url=next_url, username=username, error=WRONG)
    record_lock_change(
        db.session,
        current_engine().record_operation,
        actor="system:login",
        action="lock",
        username=lock.username,
        details={
            "failures": lock.failures,
            "address": get_remote_address(),
            "locked_until": lock.until.isoformat(timespec="seconds"),
        },
    )
    db.session.commit()
    error = _locked(lockout.policy().lock_seconds)
    return _page(next_url=next_url, username=username, error=error), 429


def _locked(seconds: float) -> str:
    return LOCKED.format(minutes=max(1, math.ceil(seconds / 60)))


def _page(**context):
    return render_template("login.html", insecure=insecure_login(), **context)


@bp.errorhandler(429)
def too_many(_error):
    username = request.form.get("username", "").strip()
    return _page(
        next_url=safe_next(request.values.get("next")), username=username, error=THROTTLED
    ), 429


@bp.post("/logout")
@login_only
def logout():
    user = db.session.get(User, current_user.id)
    if user is not None:
        user.session_version = (user.session_version or 0) + 1
        db.session.commit()
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
