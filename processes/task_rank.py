"""A case's colour as its tasks' sort rank (``engine.set_sort_rank``): 红 first, then 黄,
then 绿; tasks of processes without a case come last. 我的待办 sorted by risk then reads
one index (lane, rank, deadline) instead of joining every task to its case's colour."""

from __future__ import annotations

from sqlalchemy.orm import Session

from engine import UNRANKED, set_sort_rank

from .enums import RiskColour

TASK_RANK = {RiskColour.RED: 0, RiskColour.YELLOW: 1, RiskColour.GREEN: 2}


def rank_of(colour: str | None) -> int:
    """The sort rank of a case of ``colour``."""
    return TASK_RANK.get(colour, UNRANKED)  # type: ignore[call-overload]


def rank_tasks(session: Session, instance_id: int | None, colour: str | None) -> None:
    """The case's instance, and its ready tasks, take the colour's rank."""
    if instance_id is not None:
        set_sort_rank(session, instance_id, rank_of(colour))
