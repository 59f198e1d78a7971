"""Timers parked as 故障 (``engine.timers``), seen from the cases they belong to.

A timer that kept failing waits until an admin retries it after the diagram was fixed,
or cancels its instance; cancelling a case's instance marks the case 已撤销 as well.
Supervisors see the faulty timers of the cases in their scope on the 督办台.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import Actor, Engine, NotFound, TroubledTimer

from .enums import CaseStatus
from .models import Case


@dataclass(frozen=True)
class FaultyTimer:
    """A failing or parked timer with the case of its instance (if it has one)."""

    timer: TroubledTimer
    case_id: int | None
    case_code: str | None


def faulty_timers(
    engine: Engine,
    session: Session,
    *,
    parked_only: bool = False,
    region_codes: Collection[str] | None = None,
) -> list[FaultyTimer]:
    """Failing (or only parked) timers; with ``region_codes``, only those of cases there."""
    timers = engine.troubled_timers(parked_only=parked_only)
    if not timers:
        return []
    cases = {
        case.instance_id: case
        for case in session.execute(
            select(Case).where(Case.instance_id.in_({t.instance_id for t in timers}))
        ).scalars()
    }
    found = []
    for timer in timers:
        case = cases.get(timer.instance_id)
        if region_codes is not None and (case is None or case.region_code not in region_codes):
            continue
        found.append(FaultyTimer(timer, case.id if case else None, case.code if case else None))
    return found


def cancel_for_fault(
    engine: Engine, session: Session, *, timer_id: int, actor: Actor, reason: str
) -> FaultyTimer:
    """Cancel the instance of a faulty timer (its case becomes 已撤销). The caller commits
    ``session`` (the case's status); the instance is cancelled in the engine's own unit."""
    if not reason.strip():
        raise ValueError("取消流程必须填写原因")
    match = [f for f in faulty_timers(engine, session) if f.timer.timer_id == timer_id]
    if not match:
        raise NotFound(f"定时器 {timer_id} 不存在或没有故障")
    [faulty] = match
    engine.cancel(faulty.timer.instance_id, actor=actor, reason=reason)
    if faulty.case_id is not None:
        case = session.get(Case, faulty.case_id)
        if case is not None:
            case.status = CaseStatus.CANCELLED
    return faulty
