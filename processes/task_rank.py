"""A case's colour as its tasks' sort rank (``engine.set_sort_rank``): 红 first, then 黄,
then 绿; tasks of processes without a case come last. 我的待办 sorted by risk then reads
one index (lane, rank, deadline) instead of joining every task to its case's colour.

Likewise a case's region as its tasks' region (``engine.set_region``) and its received time
as theirs (``engine.set_received``), kept by the case row's own writes (a mapper event), so a
township's list reads (lane, region, deadline) and a list newest first (lane, received)."""

from __future__ import annotations

from sqlalchemy import Connection, event, inspect
from sqlalchemy.orm import Session, object_session

from engine import UNRANKED, set_received, set_region, set_sort_rank

from .enums import RiskColour
from .models import Case

TASK_RANK = {RiskColour.RED: 0, RiskColour.YELLOW: 1, RiskColour.GREEN: 2}


def rank_of(colour: str | None) -> int:
    """The sort rank of a case of ``colour``."""
    return TASK_RANK.get(colour, UNRANKED)  # type: ignore[call-overload]


def rank_tasks(session: Session, instance_id: int | None, colour: str | None) -> None:
    """The case's instance, and its ready tasks, take the colour's rank."""
    if instance_id is not None:
        set_sort_rank(session, instance_id, rank_of(colour))


@event.listens_for(Case, "after_insert")
@event.listens_for(Case, "after_update")
def _region_follows_case(_mapper, connection: Connection, case: Case) -> None:
    """A case's region and received time, copied onto its instance and ready tasks
    (``engine.set_region``, ``engine.set_received``) when the case is written and whenever
    either changes, in the same flush: a township's work list reads its lanes' tasks by
    region, and every list newest received first reads its lanes' tasks in that order."""
    if case.instance_id is None:
        return
    attrs = inspect(case).attrs
    moved = attrs.instance_id.history.has_changes()
    session = object_session(case)
    if session is None:
        return
    if moved or attrs.region_code.history.has_changes():
        set_region(session, case.instance_id, case.region_code, via=connection)
    if moved or attrs.received_at.history.has_changes():
        set_received(session, case.instance_id, case.received_at, via=connection)
