"""A trial's row as the verbs use it: found for its owner, its log appended, saved."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ..errors import ConflictError, NotFound, StepFailed
from ..persist import json_safe
from ..views import Actor
from .models import TrialRun
from .views import StepKind
from .waiting import current_data

if TYPE_CHECKING:
    from SpiffWorkflow.bpmn import BpmnWorkflow


def owned_trial(session: Session, trial_id: int, user: str, *, lock: bool = False) -> TrialRun:
    """The user's trial; another user's is as missing as a deleted one (``NotFound``)."""
    query = select(TrialRun).where(TrialRun.id == trial_id, TrialRun.created_by == user)
    if lock:
        query = query.with_for_update()
    row = session.execute(query).scalar()
    if row is None:
        raise NotFound(f"试运行 {trial_id} 不存在")
    return row


def append(row: TrialRun, step: dict[str, Any]) -> None:
    row.log = [*row.log, {**step, "number": len(row.log) + 1}]
    row.step_count = len(row.log)


def step_entry(
    kind: StepKind,
    subject: str,
    submitted: dict[str, Any],
    entries: list[dict[str, Any]],
    workflow: BpmnWorkflow,
    actor: Actor,
    at: datetime,
) -> dict[str, Any]:
    """A step's log entry: what was done, what the engine did, the data after it."""
    return {
        "kind": kind,
        "at": at.isoformat(),
        "actor": actor.user,
        "subject": subject,
        "submitted": json_safe(submitted),
        "entries": entries,
        "data": current_data(workflow),
        "error": None,
        "error_element": None,
    }


def failed_entry(
    row: TrialRun,
    kind: StepKind,
    subject: str,
    submitted: dict[str, Any],
    failed: StepFailed,
    actor: Actor,
    at: datetime,
) -> dict[str, Any]:
    """A failed attempt's log entry: nothing changed, so the data is what it was before."""
    before = row.log[-1]["data"] if row.log else json_safe(row.start_data)
    return {
        "kind": kind,
        "at": at.isoformat(),
        "actor": actor.user,
        "subject": subject,
        "submitted": json_safe(submitted),
        "entries": [],
        "data": before,
        "error": failed.message,
        "error_element": failed.element,
    }


def commit(session: Session) -> None:
    try:
        session.commit()
    except StaleDataError:
        raise ConflictError("这次试运行刚在别处被操作过，本次操作未保存，请刷新后重试") from None
