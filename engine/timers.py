"""Fire due timers: lease due timers in batches, fire each instance in a transaction of
its own.

A scheduler leases a batch of due timers in one statement (``UPDATE … WHERE id IN
(SELECT … ORDER BY due_at LIMIT n FOR UPDATE SKIP LOCKED)``): the lease is the timer's
``next_try_at`` set a little ahead (``LEASE``), so another scheduler's batch skips those
rows and schedulers draining one backlog take different timers instead of racing for the
same ones. The lease is only a hint of who does what: each instance is then claimed with
``FOR UPDATE OF instance SKIP LOCKED`` in its own transaction, so schedulers on several
machines never fire one twice, and the instance lock comes first, as in every other step,
so two steps never deadlock. SQLite has a single writer; there the instance's version
counter makes a second firing of the same timer fail harmlessly. A fired timer's row
goes with its step; the lease of a timer that did not fire (its instance busy, or the
scheduler stopping) is handed back at the end of the batch; a scheduler that dies with
a lease leaves its timers to the others once the lease runs out (``next_due`` wakes them
then).

A firing that fails (a script over its budget, a broken expression, anything) rolls back
its step; then, in a transaction of its own, the timer row counts the attempt and waits
for its next try, each pause longer than the last (``RetryPolicy``). After the last
attempt it is parked as 故障 (``engine.timer_quarantine`` lists, retries and releases
parked timers). The lease takes only due timers that are not parked and whose next try
has come, in due order: a failing timer never holds up the others.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import and_, bindparam, case, or_, select, update
from sqlalchemy.orm import Session

from . import projection
from .enums import EventType, InstanceStatus
from .errors import ConflictError, StepFailed
from .history import PendingEvent
from .instances import _commit, _load
from .models import Instance, TimerRecord
from .persist import run_step
from .prepared import prepared
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


LEASE = timedelta(seconds=30)
"""How long a leased timer is left to the scheduler that leased it. Far longer than a
batch takes; a scheduler that died holding a lease delays those timers this long."""
LEASE_PER_WORKER = 50
"""Timers leased per batch and firing thread."""

_TIMERS = TimerRecord.__table__
_NOW = bindparam("now")
_MAY_TRY = and_(
    _TIMERS.c.due_at < _NOW,
    _TIMERS.c.parked_at.is_(None),
    or_(_TIMERS.c.next_try_at.is_(None), _TIMERS.c.next_try_at <= _NOW),
)
"""Due timers that may be tried ``now``: not parked, not leased, their next try (if any)
come."""


def _lease_statement(skip: bool):
    leasable = select(_TIMERS.c.id).where(_MAY_TRY)
    if skip:
        leasable = leasable.where(_TIMERS.c.instance_id.not_in(bindparam("skip", expanding=True)))
    leasable = (
        leasable.order_by(_TIMERS.c.due_at)
        .limit(bindparam("size"))
        .with_for_update(skip_locked=True)
    )
    return (
        update(_TIMERS)
        .where(_TIMERS.c.id.in_(leasable.scalar_subquery()))
        .values(next_try_at=bindparam("until"))
        .returning(_TIMERS.c.instance_id, _TIMERS.c.due_at)
    )


_LEASE = {skip: _lease_statement(skip) for skip in (False, True)}
"""Lease up to ``size`` due timers, earliest first, none of the instances ``skip``, none
another transaction holds; their instances and due times (built once)."""

_RELEASE = (
    update(_TIMERS)
    .where(
        _TIMERS.c.id.in_(
            select(_TIMERS.c.id)
            .where(
                _TIMERS.c.instance_id.in_(bindparam("ids", expanding=True)),
                _TIMERS.c.next_try_at == bindparam("until"),
            )
            .with_for_update(skip_locked=True)
            .scalar_subquery()
        )
    )
    .values(
        next_try_at=case(
            (_TIMERS.c.attempts == 0, None),
            else_=bindparam("now", type_=_TIMERS.c.next_try_at.type),
        )
    )
)
"""Hand back the lease ``until`` of the instances ``ids``: a timer that never failed is
fresh again, a failing one's next try is now (it was due when leased). Rows another
transaction is writing right now (a user's step dropping them) are skipped, never waited
for: a lease left so runs out."""


@dataclass(frozen=True)
class Lease:
    """Timers leased until ``until``: their instances, earliest due first."""

    until: datetime
    instance_ids: list[int]


def lease(engine: Engine, *, size: int, skip: Collection[int] = ()) -> Lease | None:
    """Lease up to ``size`` due timers (none of the instances ``skip``) in a transaction
    of its own; None when no due timer is left to lease."""
    now = engine.clock.now()
    until = now + LEASE
    params = {"now": now, "until": until, "size": size, "skip": list(skip)}
    with engine.session_factory() as session:
        rows = session.execute(_LEASE[bool(skip)], params).all()
        session.commit()
    if not rows:
        return None
    earliest: dict[int, datetime] = {}
    for instance_id, due in rows:
        if instance_id not in earliest or due < earliest[instance_id]:
            earliest[instance_id] = due
    return Lease(until, sorted(earliest, key=earliest.__getitem__))


def release(engine: Engine, leased: Lease, instance_ids: Collection[int]) -> None:
    """Hand back the lease of ``instance_ids``' timers (those still under ``leased``)."""
    if not instance_ids:
        return
    params = {"ids": list(instance_ids), "until": leased.until, "now": engine.clock.now()}
    with engine.session_factory() as session:
        session.execute(_RELEASE, params)
        session.commit()


_CLAIM = (
    select(Instance, TimerRecord.due_at, TimerRecord.id)
    .join(TimerRecord, TimerRecord.instance_id == Instance.id)
    .where(
        Instance.id == bindparam("instance_id"),
        TimerRecord.due_at < _NOW,
        TimerRecord.parked_at.is_(None),
        or_(
            TimerRecord.next_try_at.is_(None),
            TimerRecord.next_try_at <= _NOW,
            TimerRecord.next_try_at == bindparam("until"),
        ),
    )
    .with_for_update(skip_locked=True, of=Instance)
    .execution_options(populate_existing=True)
)
"""The instance, locked unless someone else holds it, with its due timers that may be
tried now or are leased ``until`` (by this scheduler); built once."""


def _claim(
    engine: Engine, session: Session, instance_id: int, until: datetime | None
) -> tuple[Instance, int] | None:
    """Lock and read the instance unless another scheduler (or a user's step) holds it;
    with its earliest due timer's id. None when it is busy or has no due timer any more.

    One statement: ``FOR UPDATE OF instance SKIP LOCKED`` on PostgreSQL, the instance row
    read in it (as the step's own ``SELECT … FOR UPDATE`` would). SQLite has one writer
    and ignores the lock; there the version counter checked by the step's ``UPDATE``
    catches a second firing. No ORDER BY: the instance's few rows are found by its
    index, never by walking every due timer; the earliest is picked here. Prepared
    (``engine.prepared``): a drain runs it once per timer.
    """
    params = {"instance_id": instance_id, "now": engine.clock.now(), "until": until}
    with prepared(session):
        rows = session.execute(_CLAIM, params).all()
    if not rows:
        return None
    _, timer_id = min((due, timer_id) for _, due, timer_id in rows)
    return rows[0][0], timer_id


def _fire_instance(
    engine: Engine, instance_id: int, until: datetime | None = None
) -> tuple[int, bool] | None:
    """Fire the due timers of one instance in one transaction (its timers leased
    ``until``, or not leased).

    Returns the instance id and whether a timer actually fired, or None when it was busy
    (locked by another scheduler) or has no due timer any more (fired meanwhile). "Due" is
    strictly before now, as SpiffWorkflow itself decides. A failure raises
    ``TimerFailed`` (or ``ConflictError`` when another writer came first).
    """
    with engine.unit_of_work() as uow:
        claimed = _claim(engine, uow.session, instance_id, until)
        if claimed is None:
            return None
        row, timer_id = claimed
        try:
            if row.status != InstanceStatus.RUNNING:
                return instance_id, False
            workflow = _load(engine, uow.session, row)
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


def fire_due(
    engine: Engine,
    *,
    limit: int | None = None,
    on_progress: Callable[[], None] | None = None,
    stopping: Callable[[], bool] | None = None,
    workers: int = 1,
) -> int:
    """Fire due timers until none is left to lease (or ``limit`` instances advanced);
    ``on_progress()`` before every timer handled; ends early once ``stopping()`` says so.
    ``workers`` threads fire instances side by side (each in its own transaction).
    Returns how many instances advanced.

    Due timers are leased in batches, earliest first; each leased instance is fired in a
    transaction of its own. An instance is fired once per round; one that was busy,
    failed or fired nothing has its lease handed back and is left for a later round
    (excluded from this round's later batches: a short list). Fired ones have no due
    timer left, or one due again (a cycle catching up) that waits for the next round.
    """
    done: set[int] = set()
    passed: set[int] = set()
    size = LEASE_PER_WORKER * max(workers, 1)

    def one(instance_id: int, until: datetime) -> tuple[int, bool | None]:
        if stopping is not None and stopping():
            return instance_id, None
        if on_progress is not None:
            on_progress()
        return instance_id, _try_instance(engine, instance_id, until)

    pool = ThreadPoolExecutor(workers, "zongzhi-fire") if workers > 1 else None
    fire = pool.map if pool is not None else map
    batches, stopped = 0, False
    try:
        while not stopped and (limit is None or len(done) < limit):
            want = size if limit is None else min(size, limit - len(done))
            leased = lease(engine, size=want, skip=passed)
            if leased is None:
                break
            batches += 1
            ids = leased.instance_ids
            results: list[tuple[int, bool | None]] = []
            try:
                results.extend(fire(one, ids, [leased.until] * len(ids)))
            finally:
                # What did not fire (or was never tried) goes back at once.
                fired = {i for i, outcome in results if outcome}
                release(engine, leased, [i for i in ids if i not in fired])
            stopped = any(outcome is None for _, outcome in results)
            done.update(i for i, outcome in results if outcome)
            passed.update(i for i, outcome in results if outcome is False)
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        if batches:
            log.debug("%d batch(es): %d fired, %d passed", batches, len(done), len(passed))
    return len(done)


def _try_instance(engine: Engine, instance_id: int, until: datetime | None = None) -> bool:
    """Fire one instance's due timers (leased ``until``); whether a timer fired. Failures
    are recorded."""
    try:
        found = _fire_instance(engine, instance_id, until)
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
