"""Timers that failed (``engine.timers``): list them, and release a parked one after a fix.

A parked (故障) timer waits until an admin retries it (its attempts start again) or
cancels its instance (``Engine.cancel``). Both are logged with the actor.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select

from .enums import EventType
from .errors import NotFound
from .history import PendingEvent
from .models import Instance, TimerRecord
from .views import Actor

if TYPE_CHECKING:
    from .ports import Writer as Engine


@dataclass(frozen=True)
class TroubledTimer:
    """A timer whose firing failed at least once; ``parked`` when it no longer retries."""

    timer_id: int
    instance_id: int
    process_id: str
    element: str
    name: str
    due_at: datetime
    attempts: int
    next_try_at: datetime | None
    parked_at: datetime | None
    last_error: str | None

    @property
    def parked(self) -> bool:
        return self.parked_at is not None


def troubled(
    engine: Engine, *, parked_only: bool = False, instance_ids: Collection[int] | None = None
) -> list[TroubledTimer]:
    """Failing and parked timers, parked first, then by due time."""
    query = (
        select(TimerRecord, Instance.process_id)
        .join(Instance, Instance.id == TimerRecord.instance_id)
        .where(TimerRecord.attempts > 0)
        .order_by(TimerRecord.parked_at.is_(None), TimerRecord.due_at, TimerRecord.id)
    )
    if parked_only:
        query = query.where(TimerRecord.parked_at.is_not(None))
    if instance_ids is not None:
        query = query.where(TimerRecord.instance_id.in_(list(instance_ids)))
    with engine.session_factory() as session:
        return [
            TroubledTimer(
                timer_id=timer.id,
                instance_id=timer.instance_id,
                process_id=process_id,
                element=timer.spec_id,
                name=timer.name,
                due_at=timer.due_at,
                attempts=timer.attempts,
                next_try_at=timer.next_try_at,
                parked_at=timer.parked_at,
                last_error=timer.last_error,
            )
            for timer, process_id in session.execute(query)
        ]


def retry(engine: Engine, timer_id: int, *, actor: Actor, reason: str = "") -> TroubledTimer:
    """Give a failing or parked timer a fresh start: it fires on the next poll."""
    with engine.unit_of_work() as uow:
        timer = uow.session.execute(
            select(TimerRecord).where(TimerRecord.id == timer_id).with_for_update()
        ).scalar()
        if timer is None or not timer.attempts:
            raise NotFound(f"定时器 {timer_id} 不存在或没有故障")
        process_id = uow.session.execute(
            select(Instance.process_id).where(Instance.id == timer.instance_id)
        ).scalar_one()
        before = TroubledTimer(
            timer.id,
            timer.instance_id,
            process_id,
            timer.spec_id,
            timer.name,
            timer.due_at,
            timer.attempts,
            timer.next_try_at,
            timer.parked_at,
            timer.last_error,
        )
        uow.record(
            PendingEvent(
                event_type=EventType.TIMER_RETRIED,
                at=engine.clock.now(),
                actor=actor.user,
                instance_id=timer.instance_id,
                data={
                    "timer": timer.name,
                    "element": timer.spec_id,
                    "error": timer.last_error,
                    "reason": reason,
                },
            )
        )
        timer.attempts, timer.next_try_at, timer.parked_at, timer.last_error = 0, None, None, None
        uow.commit()
        return before
