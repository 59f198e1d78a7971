"""Whom a ready task is offered to, the one rule the engine checks and lists by.

A task is offered to its assignee; without one, to the holders of its lane, and when the
diagram named candidates (``engine.assignment``) only to those among them who are a
candidate user or belong to a candidate unit. Who may act *for* someone else (a
supervisor in scope, a stand-in) is the application's to decide: it passes
``on_behalf=True`` and the engine records for whom the task was done.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, exists, or_, select
from sqlalchemy.orm import Session

from .models import TaskCandidate, TaskRecord
from .views import Actor, Candidates

ON_BEHALF_OF = "on_behalf_of"
"""The event data key naming the task's holder when someone acted for them (history of
the act, never process data)."""


def _candidate_match(actor: Actor) -> ColumnElement[bool]:
    clauses = [TaskCandidate.username == actor.user]
    if actor.units:
        clauses.append(TaskCandidate.unit_code.in_(sorted(actor.units)))
    return or_(*clauses)


def is_candidate(session: Session, task_id: str, actor: Actor) -> bool:
    """Whether the diagram named ``actor`` (or one of their units) a candidate of the task."""
    query = select(exists().where(TaskCandidate.task_id == task_id, _candidate_match(actor)))
    return bool(session.scalar(query))


def refusal(session: Session, record: TaskRecord, actor: Actor) -> str | None:
    """Why the ready task is not offered to ``actor`` (``None``: it is), in Chinese."""
    if record.assignee is not None:
        if record.assignee == actor.user:
            return None
        return f"任务「{record.name}」已交由 {record.assignee} 办理，您不能办理"
    if record.candidate_role is None or record.candidate_role not in actor.roles:
        lane = record.candidate_role or "（未设泳道）"
        return f"无权处理任务「{record.name}」：需要角色「{lane}」"
    if not record.open_to_lane and not is_candidate(session, record.id, actor):
        return f"任务「{record.name}」只交给流程指定的人员或单位办理，您不在其中"
    return None


def offered_clause(actor: Actor) -> ColumnElement[bool]:
    """The SQL form of the rule, for listing the tasks offered to ``actor``."""
    candidate = select(TaskCandidate.task_id).where(_candidate_match(actor))
    return or_(
        TaskRecord.assignee == actor.user,
        and_(
            TaskRecord.assignee.is_(None),
            TaskRecord.candidate_role.in_(sorted(actor.roles)),
            or_(TaskRecord.open_to_lane, TaskRecord.id.in_(candidate)),
        ),
    )


def candidates_of(session: Session, task_id: str) -> Candidates:
    """The candidate users and units of a ready task, as named (empty once it is done)."""
    rows = session.execute(
        select(TaskCandidate.username, TaskCandidate.unit_code)
        .where(TaskCandidate.task_id == task_id)
        .order_by(TaskCandidate.id)
    ).all()
    return Candidates(
        users=tuple(user for user, _unit in rows if user),
        units=tuple(unit for _user, unit in rows if unit),
    )


def holder(record: TaskRecord) -> str:
    """Whom the task is with: its assignee, else its first candidate unit, else its lane."""
    return record.assignee or record.candidate_unit or record.candidate_role or ""
