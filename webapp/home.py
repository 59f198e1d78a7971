"""The landing page after login: who you are and how much work waits for you."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from engine.db import db

from .security import CASEWORKERS, has_any_role, login_only
from .tasks.context import current_viewer
from .tasks.service import COUNT_CAP, count_offered

bp = Blueprint("home", __name__)


@bp.get("/")
@login_only
def index():
    count = count_offered(db.session, current_viewer()) if has_any_role(CASEWORKERS) else None
    return render_template("home.html", ready_count=count, count_cap=COUNT_CAP, user=current_user)
