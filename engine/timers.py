"""Fire due timers: claim one due timer row at a time and advance its instance.

On PostgreSQL the claim is ``FOR UPDATE SKIP LOCKED``: schedulers on several machines
take different rows and never fire one twice. SQLite has a single writer; there the
instance's version counter makes a second firing of the same timer fail harmlessly.

A firing that fails (a script over its budget, a broken expression, anything) rolls back
its step; then, in a transaction of its own, the timer row counts the attempt and waits
for its next try, each pause longer than the last (``RetryPolicy``). After the last
attempt it is parked as 故障 (``engine.timer_quarantine`` lists, retries and releases
parked timers). The claim takes only due timers that are not parked and whose next try
has come, in due order: a failing timer never holds up the others.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import or_, select

from . import projection
from .enums import EventType, InstanceStatus
from .errors import ConflictError, StepFailed
from .history import PendingEvent
from .instances import _commit, _load, _locked_instance
from .models import TimerRecord
from .persist import run_step
from .views import SCHEDULER

if TYPE_CHECKING:
    from .ports import TimerHost as Engine

log = logging.getLogger(__name__)

INTERNAL_ERROR = "定时器触发时发生系统内部错误，详情见调度进程日志"


@dataclass(frozen=True)
class RetryPolicy:
    """How often a failing timer is tried before it is parked, and the pauses between."""

    max_attempts: int = 5
    first_pause: timedelta = timedelta(minutes=1)
    longest_pause: timedelta = timedelta(hours=1)

    def pause(self, attempts: int) -> timedelta:
        """The pause after the ``attempts``-th failed try: 1, 2, 4, 8 ... minutes."""
        return min(self.first_pause * (2 ** max(attempts - 1, 0)), self.longest_pause)


class TimerFailed(Exception):
    """Firing one timer failed; its step was rolled back."""

    def __init__(self, timer_id: int, instance_id: int, message: str):
        super().__init__(message)
        self.timer_id = timer_id
        self.instance_id = instance_id
        self.message = message


def _due(now: datetime):
    """Due timers that may be tried now: not parked, their next try (if any) come."""
    return (
        select(TimerRecord)
        .where(TimerRecord.due_at < now)
        .where(TimerRecord.parked_at.is_(None))
        .where(or_(TimerRecord.next_try_at.is_(None), TimerRecord.next_try_at <= now))
    )


def _fire_one(engine: Engine, skip: set[int]) -> tuple[int, bool] | None:
    """Fire the earliest due, unclaimed timer of an instance not in ``skip``.

    Returns the instance id and whether a timer actually fired, or None if none is due.
    "Due" is strictly before now, as SpiffWorkflow itself decides. A failure raises
    ``TimerFailed`` (or ``ConflictError`` when another writer came first).
    """
    with engine.unit_of_work() as uow:
        session = uow.session
        query = (
            _due(engine.clock.now())
            .order_by(TimerRecord.due_at, TimerRecord.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        if skip:
            query = query.where(TimerRecord.instance_id.not_in(skip))
        timer = session.execute(query).scalar()
        if timer is None:
            return None
        timer_id, instance_id = timer.id, timer.instance_id
        try:
            row = _locked_instance(engine, session, instance_id)
            if row.status != InstanceStatus.RUNNING:
                return instance_id, False
            workflow = _load(engine, session, row)
            outcome = run_step(
                engine, uow, row, workflow, lambda wf: wf.refresh_timers(), actor=SCHEDULER
            )
            _commit(uow)
        except ConflictError:
            raise
        except StepFailed as error:
            raise TimerFailed(timer_id, instance_id, error.message) from error
        except Exception as error:
            log.exception("timer %s of instance %s failed unexpectedly", timer_id, instance_id)
            raise TimerFailed(timer_id, instance_id, INTERNAL_ERROR) from error
        return instance_id, any(projection.is_timer(c.task) for c in outcome.changes)


def record_failure(engine: Engine, failed: TimerFailed, policy: RetryPolicy) -> bool:
    """Count a failed attempt on the timer's row; park it after the last one.

    Returns True when the timer was parked. The row may be gone meanwhile (its instance
    moved on): then there is nothing to count.
    """
    with engine.unit_of_work() as uow:
        timer = uow.session.execute(
            select(TimerRecord).where(TimerRecord.id == failed.timer_id).with_for_update()
        ).scalar()
        if timer is None:
            return False
        now = engine.clock.now()
        timer.attempts += 1
        timer.last_error = failed.message
        parked = timer.attempts >= policy.max_attempts
        if parked:
            timer.parked_at, timer.next_try_at = now, None
            uow.record(
                PendingEvent(
                    event_type=EventType.TIMER_PARKED,
                    at=now,
                    actor=SCHEDULER.user,
                    instance_id=timer.instance_id,
                    data={
                        "timer": timer.name,
                        "element": timer.spec_id,
                        "attempts": timer.attempts,
                        "error": failed.message,
                    },
                )
            )
        else:
            timer.next_try_at = now + policy.pause(timer.attempts)
        uow.commit()
        return parked


def fire_due(engine: Engine, *, limit: int, on_progress: Callable[[], None] | None = None) -> int:
    """Fire due timers until none is due or ``limit`` instances advanced; ``on_progress()``
    after every timer handled."""
    fired, seen = 0, set()
    for _attempt in range(limit * 3):
        if on_progress is not None:
            on_progress()
        try:
            found = _fire_one(engine, seen)
        except ConflictError:
            continue  # another scheduler advanced the instance first
        except TimerFailed as failed:
            # The step is rolled back; the row counts the attempt and waits (or parks),
            # so the next due timer is claimed at once and this one never blocks it.
            parked = record_failure(engine, failed, engine.timer_retry)
            log.error(
                "timer %s of instance %s failed%s: %s",
                failed.timer_id,
                failed.instance_id,
                " and is parked" if parked else "",
                failed.message,
            )
            seen.add(failed.instance_id)
            continue
        if found is None:
            break
        instance_id, advanced = found
        seen.add(instance_id)
        fired += advanced
        if fired >= limit:
            break
    return fired
