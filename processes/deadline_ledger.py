"""The deadlines diagrams computed, each with its counting (``DeadlineRecord``).

The script helpers (``processes.helpers``) record every day-counted due time they give a
running instance, in the step's own transaction. A due time handed back to a helper (the
start of the next slice, the deadline an extension extends) is looked up here, so the new
counting nests the old one. When the calendar changes, ``processes.retime`` counts the
records again and moves what changed: in the instance's timers and data, and on the case.

Trial runs (``engine.trial``) have no instance and record nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from engine.context import StepContext, step_or_none

from .calendar import WorkCalendar
from .deadline_basis import Basis, Operand, counts_days, provisional
from .deadlines import local
from .models import DeadlineRecord

LABEL_MAX = 160
RECORDED_KEY = "processes.deadline_ledger.recorded"
"""Where a step keeps what it recorded already (a counting is written once per step)."""


@dataclass(frozen=True)
class Known:
    """A due time found among the instance's records: how it was counted, and on which
    calendar revision."""

    basis: Basis
    revision: int


def _recording_step() -> StepContext | None:
    step = step_or_none()
    if step is None or step.instance_id <= 0:  # outside a step, or a trial run
        return None
    return step


def known(moment: datetime) -> Known | None:
    """How the running instance counted ``moment``, if one of its helpers did."""
    step = _recording_step()
    if step is None:
        return None
    row = step.session.execute(
        select(DeadlineRecord.basis, DeadlineRecord.calendar_revision)
        .where(DeadlineRecord.instance_id == step.instance_id, DeadlineRecord.due_at == moment)
        .order_by(DeadlineRecord.id.desc())
        .limit(1)
    ).first()
    return Known(row.basis, row.calendar_revision) if row is not None else None


def operand(moment: datetime) -> tuple[Operand, int | None]:
    """``moment`` as the start or base of a new counting: its own basis when the instance
    counted it (with that counting's revision), else the fixed moment."""
    found = known(moment)
    if found is None:
        return local(moment).isoformat(), None
    return found.basis, found.revision


def record(
    due: datetime,
    basis: Basis,
    *,
    label: str,
    calendar: WorkCalendar,
    inner_revision: int | None = None,
) -> None:
    """Keep ``due`` and its counting for the running instance (nothing outside a step, in a
    trial, or when the calendar plays no part in it).

    ``inner_revision``: the revision of a counting it nests; the record takes the older one,
    so a due time counted from a stale one is re-timed with it.
    """
    step = _recording_step()
    if step is None or not counts_days(basis):
        return
    revision = calendar.revision
    if inner_revision is not None:
        revision = min(revision, inner_revision)
    recorded = step.cache.setdefault(RECORDED_KEY, set())
    key = (due, json.dumps(basis, sort_keys=True, ensure_ascii=False))
    if key in recorded:  # the same counting twice in one step (a timer and its variable)
        return
    recorded.add(key)
    step.session.add(
        DeadlineRecord(
            instance_id=step.instance_id,
            due_at=due,
            basis=basis,
            label=label[:LABEL_MAX],
            provisional=provisional(basis, calendar),
            calendar_revision=revision,
            computed_at=step.now,
        )
    )
