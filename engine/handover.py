"""Who holds a ready task: claim it, hand it back, reassign it to a named person.

Each is one unit of work that locks the task's instance row, as a step does, so a change
of holder and a step on the same instance never interleave: the later one sees what the
earlier one left and fails with a clear conflict when that is no longer what it read.
The history records each change (``task_claimed``, ``task_unclaimed``,
``task_assigned``), with ``on_behalf_of`` naming the holder when someone acted for them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from . import offers
from .assignment import USERNAME_MAX, name_problem
from .enums import EventType, TaskStatus
from .errors import ConflictError, PermissionDenied
from .instances import _commit, _locked_instance, _ready_record, touch
from .models import TaskRecord
from .persist import event_for
from .views import Actor

if TYPE_CHECKING:
    from .ports import Writer as Engine


@dataclass(frozen=True)
class _Handover:
    """The new holder (``None``: back to the lane or candidates) and what to record."""

    assignee: str | None
    event: EventType
    data: dict[str, Any] = field(default_factory=dict)


Decide = Callable[[Session, TaskRecord], _Handover | None]
"""Given the ready task as it is under the instance lock: the change, or ``None`` (none)."""


def _hand_over(engine: Engine, task_id: str, actor: Actor, decide: Decide) -> None:
    with engine.unit_of_work() as uow:
        session = uow.session
        record = _ready_record(session, task_id)
        row = _locked_instance(engine, session, record.instance_id)
        session.refresh(record)
        if record.status != TaskStatus.READY:
            raise ConflictError(f"任务「{record.name}」刚被他人处理，无需再处理")
        change = decide(session, record)
        if change is None:
            return
        touch(row, engine.clock.now())  # the row's version marks the change of holder
        record.assignee = change.assignee
        uow.record(
            event_for(
                row,
                change.event,
                actor,
                at=engine.clock.now(),
                task_id=task_id,
                spec_id=record.spec_id,
                spec_name=record.name,
                lane=record.lane,
                data=change.data,
            )
        )
        _commit(uow)


def claim(engine: Engine, task_id: str, *, actor: Actor) -> None:
    """``actor`` takes a task offered to them; others holding the lane no longer see it."""

    def decide(session: Session, record: TaskRecord) -> _Handover | None:
        if record.assignee == actor.user:
            return None
        if record.assignee is not None:
            raise ConflictError(f"任务「{record.name}」刚被 {record.assignee} 认领")
        reason = offers.refusal(session, record, actor)
        if reason is not None:
            raise PermissionDenied(reason)
        return _Handover(actor.user, EventType.TASK_CLAIMED)

    _hand_over(engine, task_id, actor, decide)


def unclaim(engine: Engine, task_id: str, *, actor: Actor, on_behalf: bool = False) -> None:
    """Hand the task back: it goes back to its lane (and candidates, if named).

    Its holder may; with ``on_behalf`` someone the application lets act for the holder.
    """

    def decide(_session: Session, record: TaskRecord) -> _Handover:
        if record.assignee is None:
            raise ConflictError(f"任务「{record.name}」当前没有办理人，无需退回")
        if record.assignee == actor.user:
            return _Handover(None, EventType.TASK_UNCLAIMED)
        if not on_behalf:
            raise PermissionDenied(f"任务「{record.name}」不是由您认领的，不能退回")
        return _Handover(None, EventType.TASK_UNCLAIMED, {offers.ON_BEHALF_OF: record.assignee})

    _hand_over(engine, task_id, actor, decide)


def assign(
    engine: Engine,
    task_id: str,
    *,
    to_user: str,
    actor: Actor,
    reason: str,
    on_behalf: bool = False,
) -> None:
    """Reassign the task to the person ``to_user``, with a reason (``task_assigned``:
    from, to, reason). Its holder may pass it on; with ``on_behalf`` someone the
    application lets act for the holder (a supervisor in scope). Whether ``to_user`` may
    do the task (their roles, their area) is the application's to check."""
    reason = (reason or "").strip()
    to_user = (to_user or "").strip()
    if not reason:
        raise ValueError("改派任务必须填写原因")
    if (problem := name_problem(to_user, USERNAME_MAX)) is not None:
        raise ValueError(f"改派对象应为一个用户名：{problem}")

    def decide(_session: Session, record: TaskRecord) -> _Handover:
        if record.assignee == to_user:
            raise ConflictError(f"任务「{record.name}」已由 {to_user} 办理，无需改派")
        data: dict[str, Any] = {"from": offers.holder(record), "to": to_user, "reason": reason}
        if record.assignee != actor.user:
            if not on_behalf:
                raise PermissionDenied(f"只有办理人或督办人员可以改派任务「{record.name}」")
            data[offers.ON_BEHALF_OF] = offers.holder(record)
        return _Handover(to_user, EventType.TASK_ASSIGNED, data)

    _hand_over(engine, task_id, actor, decide)
