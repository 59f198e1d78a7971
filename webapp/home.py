"""The landing page after login: who you are and how much work waits for you."""

from __future__ import annotations

from collections.abc import Iterable

from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from engine.db import db
from engine.enums import TaskStatus
from engine.models import TaskRecord

from .security import login_only

bp = Blueprint("home", __name__)


@bp.get("/")
@login_only
def index():
    count = ready_task_count(db.session, username=current_user.username, roles=current_user.roles)
    return render_template("home.html", ready_count=count)


def ready_task_count(session: Session, *, username: str, roles: Iterable[str]) -> int:
    """Ready tasks assigned to ``username``, or offered to one of ``roles`` and unclaimed."""
    offered = and_(TaskRecord.candidate_role.in_(list(roles)), TaskRecord.assignee.is_(None))
    query = (
        select(func.count())
        .select_from(TaskRecord)
        .where(TaskRecord.status == TaskStatus.READY)
        .where(or_(TaskRecord.assignee == username, offered))
    )
    return session.scalar(query) or 0
