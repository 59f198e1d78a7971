"""Fire due timers: claim one due timer row at a time and advance its instance.

On PostgreSQL the claim is ``FOR UPDATE SKIP LOCKED``: schedulers on several machines
take different rows and never fire one twice. SQLite has a single writer; there the
instance's version counter makes a second firing of the same timer fail harmlessly.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from sqlalchemy import select

from . import projection
from .enums import InstanceStatus
from .errors import ConflictError, StepFailed
from .instances import _commit, _load, _locked_instance
from .models import TimerRecord
from .persist import run_step
from .views import SCHEDULER

if TYPE_CHECKING:
    from .api import Engine

log = logging.getLogger(__name__)


def _fire_one(engine: Engine, skip: set[int]) -> tuple[int, bool] | None:
    """Fire the earliest due, unclaimed timer of an instance not in ``skip``.

    Returns the instance id and whether a timer actually fired, or None if none is due.
    "Due" is strictly before now, as SpiffWorkflow itself decides.
    """
    with engine.unit_of_work() as uow:
        session = uow.session
        query = (
            select(TimerRecord)
            .where(TimerRecord.due_at < engine.clock.now())
            .order_by(TimerRecord.due_at, TimerRecord.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        if skip:
            query = query.where(TimerRecord.instance_id.not_in(skip))
        timer = session.execute(query).scalar()
        if timer is None:
            return None
        instance_id = timer.instance_id
        row = _locked_instance(engine, session, instance_id)
        if row.status != InstanceStatus.RUNNING:
            return instance_id, False
        try:
            workflow = _load(engine, session, row)
            outcome = run_step(
                engine, uow, row, workflow, lambda wf: wf.refresh_timers(), actor=SCHEDULER
            )
        except StepFailed as error:
            error.instance_id = instance_id
            raise
        _commit(uow)
        return instance_id, any(projection.is_timer(c.task) for c in outcome.changes)


def fire_due(engine: Engine, *, limit: int) -> int:
    """Fire due timers until none is due or ``limit`` instances advanced."""
    fired, seen = 0, set()
    for _attempt in range(limit * 3):
        try:
            found = _fire_one(engine, seen)
        except ConflictError:
            continue  # another scheduler advanced the instance first
        except StepFailed as error:
            # The instance stays as it was and its timer stays due: it is retried on the
            # next poll and logged each time, never dropped in silence.
            log.error("timer of instance %s failed: %s", error.instance_id, error)
            seen.add(error.instance_id)
            continue
        if found is None:
            break
        instance_id, advanced = found
        seen.add(instance_id)
        fired += advanced
        if fired >= limit:
            break
    return fired
