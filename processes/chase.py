"""督办催办 from the supervision board: one click records a phone or letter chase.

When the case's diagram is waiting for a 督办员 to chase (the ``chase`` task of
``bpmn/supervise.bpmn``) and the user may complete it, the click completes that task: the
diagram's own 督办提示单 gets the chase, its ``supervision_chased`` event lands on the
case's timeline and the 督办 step closes, so it does not linger in the work list.
Otherwise (a near-due case, or a user who is not the 督办员 lane) the chase is recorded
directly: a 督办提示单 issued and chased at once, with a ``case_chased`` operation-log
event filed under the case's instance.

Either way a chase is a ``SupervisionRecord`` with ``chased_at`` set: the board counts
those and shows the last.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import Actor, Engine, TaskStatus
from engine.models import TaskRecord

from .enums import ChaseMethod, SupervisionKind, SupervisionReason
from .models import Case, SupervisionRecord

CHASE_TASK = "chase"
"""The user task of ``bpmn/supervise.bpmn`` in which the 督办员 records a chase."""
CASE_CHASED = "case_chased"
"""Operation-log event of a chase recorded outside any task."""
NOTE_MAX = 500
REPEAT_WINDOW = timedelta(minutes=2)
"""The same user's same chase of the same case again within this is a double submit."""


class ChaseRefused(ValueError):
    """The chase was not recorded; the message says why, in Chinese."""


@dataclass(frozen=True)
class ChaseRequest:
    case_id: int
    method: ChaseMethod
    note: str
    target: str
    """Who was chased: the unit (and person) holding the case."""
    reason: SupervisionReason
    actor: Actor


@dataclass(frozen=True)
class Chased:
    case_id: int
    method: ChaseMethod
    via_task: bool
    """True when the chase completed the diagram's pending 督办催办 task."""
    repeated: bool = False
    """True when this was a double submit and nothing new was recorded."""


@dataclass(frozen=True)
class ChaseSummary:
    count: int
    last_at: datetime
    last_method: str
    last_by: str
    last_note: str


def default_note(method: ChaseMethod, target: str) -> str:
    return f"已{method}：{target}"


def chase_case(engine: Engine, session: Session, request: ChaseRequest) -> Chased:
    """Record ``request``'s chase; a direct record is written in ``session`` (not committed).

    Raises ``ChaseRefused`` for a note too long; the engine's errors when the diagram's
    task changed meanwhile (``ConflictError``).
    """
    note = request.note.strip()
    if len(note) > NOTE_MAX:
        raise ChaseRefused(f"催办情况不能超过 {NOTE_MAX} 字")
    case = session.get(Case, request.case_id)
    if case is None:
        raise ChaseRefused("案件不存在")
    if _repeated(session, request, now=engine.clock.now()):
        return Chased(case.id, request.method, via_task=False, repeated=True)
    task_id = pending_chase_task(session, case, request.actor)
    if task_id is not None:
        engine.complete(
            task_id,
            {"chase_method": str(request.method), "chase_note": _task_note(note, request)},
            actor=request.actor,
        )
        return Chased(case.id, request.method, via_task=True)
    record_chase(
        engine, session, case, request, note=note or default_note(request.method, request.target)
    )
    return Chased(case.id, request.method, via_task=False)


def pending_chase_task(session: Session, case: Case, actor: Actor) -> str | None:
    """The oldest ready 督办催办 task of ``case`` that ``actor`` may complete, if any."""
    if case.instance_id is None:
        return None
    query = (
        select(TaskRecord.id, TaskRecord.assignee, TaskRecord.candidate_role)
        .where(
            TaskRecord.instance_id == case.instance_id,
            TaskRecord.status == TaskStatus.READY,
            TaskRecord.spec_id == CHASE_TASK,
        )
        .order_by(TaskRecord.created_at, TaskRecord.id)
    )
    for task_id, assignee, role in session.execute(query):
        if assignee == actor.user or (assignee is None and role in actor.roles):
            return task_id
    return None


def record_chase(
    engine: Engine, session: Session, case: Case, request: ChaseRequest, *, note: str
) -> SupervisionRecord:
    """A 督办提示单 issued and chased at once, and its operation-log event."""
    now, user = engine.clock.now(), request.actor.user
    record = SupervisionRecord(
        case_id=case.id,
        kind=SupervisionKind.NOTICE,
        reason=request.reason,
        target=request.target,
        content=f"督办台催办：{request.target}",
        due_at=case.due_at,
        issued_at=now,
        issued_by=user,
        chase_method=request.method,
        chased_at=now,
        chased_by=user,
        chase_note=note,
    )
    session.add(record)
    session.flush()
    engine.record_operation(
        session,
        event_type=CASE_CHASED,
        actor=user,
        instance_id=case.instance_id,
        data={
            "case_id": case.id,
            "supervision_id": record.id,
            "method": str(request.method),
            "reason": str(request.reason),
            "target": request.target,
            "note": note,
        },
    )
    return record


def chase_summaries(session: Session, case_ids: Iterable[int]) -> dict[int, ChaseSummary]:
    """How often each case was chased and the last chase (when, how, by whom)."""
    ids = sorted(set(case_ids))
    if not ids:
        return {}
    rows = session.execute(
        select(
            SupervisionRecord.case_id,
            SupervisionRecord.chased_at,
            SupervisionRecord.chase_method,
            SupervisionRecord.chased_by,
            SupervisionRecord.chase_note,
        )
        .where(SupervisionRecord.case_id.in_(ids), SupervisionRecord.chased_at.is_not(None))
        .order_by(SupervisionRecord.chased_at, SupervisionRecord.id)
    )
    found: dict[int, ChaseSummary] = {}
    for case_id, at, method, by, note in rows:
        count = found[case_id].count + 1 if case_id in found else 1
        found[case_id] = ChaseSummary(count, at, method or "", by or "", note or "")
    return found


def _task_note(note: str, request: ChaseRequest) -> str:
    """The diagram's form wants at least two characters: a short note gets the default."""
    default = default_note(request.method, request.target)
    if not note:
        return default
    return note if len(note) >= 2 else f"{default}。{note}"


def _repeated(session: Session, request: ChaseRequest, *, now: datetime) -> bool:
    found = session.execute(
        select(SupervisionRecord.id)
        .where(
            SupervisionRecord.case_id == request.case_id,
            SupervisionRecord.chased_by == request.actor.user,
            SupervisionRecord.chase_method == request.method,
            SupervisionRecord.chased_at >= now - REPEAT_WINDOW,
        )
        .limit(1)
    ).scalar()
    return found is not None
