"""Fire due timers: read due instances in batches, fire each in a transaction of its own.

On PostgreSQL each instance is claimed with ``FOR UPDATE SKIP LOCKED`` on its row:
schedulers on several machines take different instances and never fire one twice, and
the instance lock comes first, as in every other step, so two steps never deadlock.
SQLite has a single writer; there the instance's version counter makes a second firing
of the same timer fail harmlessly.

A firing that fails (a script over its budget, a broken expression, anything) rolls back
its step; then, in a transaction of its own, the timer row counts the attempt and waits
for its next try, each pause longer than the last (``RetryPolicy``). After the last
attempt it is parked as 故障 (``engine.timer_quarantine`` lists, retries and releases
parked timers). The claim takes only due timers that are not parked and whose next try
has come, in due order: a failing timer never holds up the others.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, or_, select

from . import projection
from .enums import EventType, InstanceStatus
from .errors import ConflictError, StepFailed
from .history import PendingEvent
from .instances import _commit, _load, _locked_instance
from .models import Instance, TimerRecord
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


def _due_instances(engine: Engine, skip: set[int], size: int) -> list[int]:
    """Up to ``size`` instances with a due timer, earliest first, none of ``skip``."""
    query = (
        _due(engine.clock.now())
        .with_only_columns(TimerRecord.instance_id)
        .group_by(TimerRecord.instance_id)
        .order_by(func.min(TimerRecord.due_at))
        .limit(size)
    )
    if skip:
        query = query.where(TimerRecord.instance_id.not_in(skip))
    with engine.session_factory() as session:
        return list(session.execute(query).scalars())


def _claim(engine: Engine, session, instance_id: int) -> int | None:
    """Lock the instance unless another scheduler (or a user's step) holds it, and return
    its earliest due timer's id; None when it is busy or has no due timer any more.

    One statement: ``FOR UPDATE OF instance SKIP LOCKED`` on PostgreSQL. SQLite has one
    writer and ignores the lock (there the version counter of ``_locked_instance``
    catches a second firing). No ORDER BY: the instance's few rows are found by its
    index, never by walking every due timer; the earliest is picked here.
    """
    rows = session.execute(
        _due(engine.clock.now())
        .with_only_columns(TimerRecord.due_at, TimerRecord.id)
        .join(Instance, Instance.id == TimerRecord.instance_id)
        .where(TimerRecord.instance_id == instance_id)
        .with_for_update(skip_locked=True, of=Instance)
    ).all()
    return min(rows)[1] if rows else None


def _fire_instance(engine: Engine, instance_id: int) -> tuple[int, bool] | None:
    """Fire the due timers of one instance in one transaction.

    Returns the instance id and whether a timer actually fired, or None when it was busy
    (locked by another scheduler) or has no due timer any more (fired meanwhile). "Due" is
    strictly before now, as SpiffWorkflow itself decides. A failure raises
    ``TimerFailed`` (or ``ConflictError`` when another writer came first).
    """
    with engine.unit_of_work() as uow:
        session = uow.session
        timer_id = _claim(engine, session, instance_id)
        if timer_id is None:
            return None
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


BATCH_SIZE = 200
"""Instances read per batch; each is then fired in a transaction of its own."""


def fire_due(
    engine: Engine,
    *,
    limit: int | None = None,
    on_progress: Callable[[], None] | None = None,
    stopping: Callable[[], bool] | None = None,
    workers: int = 1,
) -> int:
    """Fire due timers until none is left to claim (or ``limit`` instances advanced);
    ``on_progress()`` before every timer handled; ends early once ``stopping()`` says so.
    ``workers`` threads fire instances side by side (each in its own transaction).
    Returns how many instances advanced.

    Batches of due instances are read without locks and shuffled, so two schedulers
    draining the same backlog mostly take different instances; the claim in each
    instance's own transaction decides. An instance is fired once per round; one that
    was busy, failed or fired nothing is left for a later round too. Only those are
    excluded in SQL (a short list); fired ones have no due timer left, or one due again
    (a cycle catching up) that waits for the next round.
    """
    done: set[int] = set()
    passed: set[int] = set()

    def one(instance_id: int) -> tuple[int, bool] | None:
        if stopping is not None and stopping():
            return None
        if on_progress is not None:
            on_progress()
        return instance_id, _try_instance(engine, instance_id)

    pool = ThreadPoolExecutor(workers, "zongzhi-fire") if workers > 1 else None
    try:
        while limit is None or len(done) < limit:
            batch = [i for i in _due_instances(engine, passed, BATCH_SIZE) if i not in done]
            if not batch:
                break
            random.shuffle(batch)
            if limit is not None:
                batch = batch[: limit - len(done)]
            for result in pool.map(one, batch) if pool else map(one, batch):
                if result is None:
                    return len(done)
                instance_id, fired = result
                (done if fired else passed).add(instance_id)
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
    return len(done)


def _try_instance(engine: Engine, instance_id: int) -> bool:
    """Fire one instance's due timers; whether a timer fired. Failures are recorded."""
    try:
        found = _fire_instance(engine, instance_id)
    except ConflictError:
        return False  # another scheduler advanced the instance first
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
        return False
    return found is not None and found[1]
