"""Whom a task is with, and to whom a supervisor may reassign it (改派): the accounts
holding the task's lane whose area includes the case."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from engine import TaskView
from processes.models import Case, Department

from ..accounts.models import User, UserRole
from ..engine_binding import current_engine
from ..scope import ancestors
from .detail import display_name

REASON_MAX = 500


@dataclass(frozen=True)
class Holder:
    """Whom a ready task is with, in words: its assignee, else the candidates named."""

    assignee: str
    """The assignee's name and username, or ""."""
    users: tuple[str, ...]
    units: tuple[str, ...]
    """Candidate units by name where known (a department), else by code."""


@dataclass(frozen=True)
class Choice:
    username: str
    label: str


def holder_of(session: Session, task: TaskView) -> Holder:
    candidates = current_engine().candidates(task.id)
    return Holder(
        assignee=display_name(session, task.assignee),
        users=tuple(display_name(session, user) for user in candidates.users),
        units=unit_names(session, candidates.units),
    )


def unit_names(session: Session, codes: tuple[str, ...]) -> tuple[str, ...]:
    """Unit codes as people read them (every department is a unit of the same code)."""
    if not codes:
        return ()
    query = select(Department.code, Department.name).where(Department.code.in_(codes))
    names = dict(session.execute(query).all())
    return tuple(names.get(code, code) for code in codes)


def choices(session: Session, task: TaskView, case: Case | None) -> list[Choice]:
    """Active accounts holding the task's lane whose area includes the case's, its
    current assignee left out, by username."""
    if case is None or not task.candidate_role:
        return []
    holders = select(UserRole.user_id).where(UserRole.role == task.candidate_role)
    above = ancestors(session, case.region_code)
    users = session.scalars(
        select(User)
        .where(
            User.id.in_(holders),
            User.active,
            or_(User.region_code.is_(None), User.region_code.in_(sorted(above))),
        )
        .order_by(User.username)
    )
    return [
        Choice(user.username, f"{user.display_name}（{user.username}）")
        for user in users
        if user.username != task.assignee
    ]


def problem(
    session: Session, task: TaskView, case: Case | None, *, to_user: str, reason: str
) -> str | None:
    """Why a reassignment cannot be made as asked (None: it can)."""
    if not reason:
        return "请填写改派原因"
    if len(reason) > REASON_MAX:
        return f"改派原因不超过 {REASON_MAX} 个字"
    if to_user not in {choice.username for choice in choices(session, task, case)}:
        return f"请从列表中选择办理人（须持有「{task.candidate_role}」角色、辖区包含本案）"
    return None
