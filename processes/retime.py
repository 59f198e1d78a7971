"""Re-time pending deadlines after the calendar changed (a year imported, a day corrected).

Every due time a diagram counted is a ``DeadlineRecord`` with its counting. After a
change, the records of running instances are counted again on the new calendar:

* a deadline still ahead that moves is moved everywhere it lives, one transaction per
  instance: the waiting timer inside the instance's state and the variables holding it
  (``Engine.retime``), the timer rows and the work list's due times, and every ``*_due_at``
  column of the case's records (the case's own due date, the mediation's, a summons'…);
* a deadline already passed is never undone (its timer fired, its slice handed up); when
  the new calendar would have put it later, the plan lists it as such;
* a provisional (暂定) deadline whose year is now covered stays where it is but loses
  the mark.

``plan`` is the dry run (``zongzhi calendar retime --dry-run``, and the preview of an
import before it is saved); ``retime_pending`` does it (after every change, and on each
scheduler round for whatever a busy moment left behind).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from datetime import time as day_time
from typing import Any

from sqlalchemy import Column, select, update
from sqlalchemy.orm import Session

from engine import Actor, ConflictError, Engine, InstanceStatus
from engine.db import db
from engine.models import Instance

from . import deadline_basis
from .calendar import WorkCalendar, load_calendar
from .deadlines import SHANGHAI, local
from .models import Case, DeadlineRecord

REASON = "工作日日历变更，按新日历重新计算期限"


@dataclass(frozen=True)
class Move:
    """One recorded deadline counted again: where it was, where it is now."""

    record_id: int
    instance_id: int
    label: str
    old: datetime
    new: datetime
    provisional: bool
    case_id: int | None = None
    case_code: str | None = None


@dataclass
class Plan:
    """What a calendar (change) does to the recorded deadlines of running instances."""

    moves: list[Move] = field(default_factory=list)
    """Deadlines still ahead whose due time changes."""
    passed: list[Move] = field(default_factory=list)
    """Deadlines already passed that the new calendar would count differently: not undone."""
    unchanged: list[Move] = field(default_factory=list)
    """Counted again to the same due time (their provisional mark may change)."""

    def by_instance(self) -> dict[int, list[Move]]:
        grouped: dict[int, list[Move]] = {}
        for move in self.moves:
            grouped.setdefault(move.instance_id, []).append(move)
        return grouped


def plan(
    session: Session,
    calendar: WorkCalendar,
    *,
    now: datetime,
    since: date | None = None,
    stale_only: bool = False,
) -> Plan:
    """Count the recorded deadlines of running instances again on ``calendar``.

    ``since``: the first day the change touches (a deadline before it cannot move).
    ``stale_only``: only records counted on an older revision than ``calendar``'s.
    """
    query = (
        select(DeadlineRecord, Case.id, Case.code)
        .join(Instance, Instance.id == DeadlineRecord.instance_id)
        .outerjoin(Case, Case.instance_id == DeadlineRecord.instance_id)
        .where(Instance.status == InstanceStatus.RUNNING)
        .order_by(DeadlineRecord.instance_id, DeadlineRecord.id)
    )
    if stale_only:
        query = query.where(DeadlineRecord.calendar_revision < calendar.revision)
    if since is not None:
        query = query.where(DeadlineRecord.due_at >= datetime.combine(since, day_time(), SHANGHAI))
    result, now = Plan(), local(now)
    for record, case_id, case_code in session.execute(query):
        move = Move(
            record_id=record.id,
            instance_id=record.instance_id,
            label=record.label,
            old=local(record.due_at),
            new=deadline_basis.evaluate(record.basis, calendar),
            provisional=deadline_basis.provisional(record.basis, calendar),
            case_id=case_id,
            case_code=case_code,
        )
        if move.new == move.old:
            result.unchanged.append(move)
        elif move.old <= now:
            result.passed.append(move)
        else:
            result.moves.append(move)
    return result


@dataclass
class Report:
    """What ``retime_pending`` did."""

    instances: int = 0
    moved: list[Move] = field(default_factory=list)
    passed: list[Move] = field(default_factory=list)
    remaining: int = 0
    """Instances left for a later round (time budget spent, or changed meanwhile)."""


def retime_pending(
    engine: Engine, *, actor: Actor, reason: str = REASON, budget_seconds: float | None = None
) -> Report:
    """Move every deadline counted on an older calendar revision; one transaction per
    instance. ``budget_seconds`` stops early (the rest stays stale for the next round)."""
    with engine.session_factory() as session:
        calendar = load_calendar(session)
        the_plan = plan(session, calendar, now=engine.clock.now(), stale_only=True)
        _settle(session, the_plan.unchanged + the_plan.passed, calendar.revision)
        session.commit()
    report = Report(passed=the_plan.passed)
    started = time.monotonic()
    grouped = the_plan.by_instance()
    for instance_id, moves in grouped.items():
        if budget_seconds is not None and time.monotonic() - started > budget_seconds:
            report.remaining = len(grouped) - report.instances
            break
        report.instances += 1
        if _retime_instance(engine, instance_id, moves, calendar.revision, actor, reason):
            report.moved.extend(moves)
        else:
            report.remaining += 1
    return report


def _retime_instance(
    engine: Engine, instance_id: int, moves: Sequence[Move], revision: int, actor, reason
) -> bool:
    changes = {move.old: move.new for move in moves}

    def move_records(session: Session) -> dict[str, Any]:
        fields = _move_due_columns(session, instance_id, changes)
        for move in moves:
            record = session.get(DeadlineRecord, move.record_id)
            record.due_at, record.provisional = move.new, move.provisional
            record.calendar_revision = revision
        return {
            "deadlines": [
                {"label": m.label, "from": m.old.isoformat(), "to": m.new.isoformat()}
                for m in moves
            ],
            "records": fields,
        }

    try:
        engine.retime(instance_id, changes, actor=actor, reason=reason, on_step=move_records)
    except ConflictError:
        if _still_running(engine, instance_id):
            return False  # changed meanwhile: the next round tries again
        with engine.session_factory() as session:  # ended meanwhile: nothing to move
            _settle(session, moves, revision)
            session.commit()
    return True


def _still_running(engine: Engine, instance_id: int) -> bool:
    with engine.session_factory() as session:
        row = session.get(Instance, instance_id)
        return row is not None and row.status == InstanceStatus.RUNNING


def _settle(session: Session, moves: Iterable[Move], revision: int) -> None:
    """Records counted again without moving: current revision, provisional mark refreshed."""
    for move in moves:
        session.execute(
            update(DeadlineRecord)
            .where(DeadlineRecord.id == move.record_id)
            .values(calendar_revision=revision, provisional=move.provisional)
        )


DUE_LABELS = {
    "dispute_case.due_at": "案件办理时限",
    "mediation.due_at": "调解期限",
    "mediation.confirmation_due_at": "司法确认申请期限",
    "mediation.petition_notice_due_at": "信访书面告知期限",
    "mediation.petition_conclude_due_at": "信访办结期限",
    "summons.due_at": "部门报到时限",
    "supervision_record.due_at": "督办时限",
    "risk_alert.assigned_due_at": "交办时限",
}
"""What people call each stored due time (the history names what moved)."""


def due_columns() -> list[tuple[type, Column]]:
    """Every ``*_due_at`` column of the domain's tables that belong to a case or an instance:
    where a diagram's deadline is kept outside the instance."""
    found = []
    for mapper in db.Model.registry.mappers:
        model = mapper.class_
        if not model.__module__.startswith("processes.") or model is DeadlineRecord:
            continue
        links = {column.key for column in mapper.columns} & {"case_id", "instance_id"}
        if not links:
            continue
        for column in mapper.columns:
            if column.key == "due_at" or column.key.endswith("_due_at"):
                found.append((model, column))
    return found


def _move_due_columns(
    session: Session, instance_id: int, changes: dict[datetime, datetime]
) -> list[str]:
    """Move the instance's and its case's stored due times; the names of what moved."""
    case_ids = select(Case.id).where(Case.instance_id == instance_id).scalar_subquery()
    moved = []
    for model, column in due_columns():
        mapper_columns = {c.key for c in model.__mapper__.columns}
        owner = (
            model.instance_id == instance_id
            if "instance_id" in mapper_columns
            else model.case_id.in_(case_ids)
        )
        for old, new in changes.items():
            count = session.execute(
                update(model).where(owner, column == old).values({column.key: new})
            ).rowcount
            if count:
                name = f"{model.__tablename__}.{column.key}"
                moved.append(DUE_LABELS.get(name, name))
    return sorted(set(moved))
