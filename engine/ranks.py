"""A sort rank per instance, copied onto its ready task rows: lists order by it first
(lower first), so one index on (lane, rank, deadline) serves "most urgent, then by
deadline". The engine only stores and copies the number; what it means is the caller's.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from .enums import TaskStatus
from .models import UNRANKED, Instance, TaskRecord

__all__ = ["UNRANKED", "set_sort_rank"]

_INSTANCES = Instance.__table__
_TASKS = TaskRecord.__table__


def set_sort_rank(session: Session, instance_id: int, rank: int) -> None:
    """Give the instance ``rank``, and its ready task rows with it; a task that becomes
    ready later takes the instance's rank. In the caller's transaction; the instance's row
    version is not changed (a step running on it is not made to conflict)."""
    session.execute(
        update(_INSTANCES)
        .where(_INSTANCES.c.id == instance_id, _INSTANCES.c.sort_rank != rank)
        .values(sort_rank=rank)
    )
    session.execute(
        update(_TASKS)
        .where(
            _TASKS.c.instance_id == instance_id,
            _TASKS.c.status == TaskStatus.READY.value,
            _TASKS.c.sort_rank != rank,
        )
        .values(sort_rank=rank)
    )
    held = session.identity_map.get(identity_key(Instance, instance_id))
    if held is not None:  # a step holding the row copies the rank onto tasks it readies
        set_committed_value(held, "sort_rank", rank)
    for task in list(session.identity_map.values()):
        if isinstance(task, TaskRecord) and task.instance_id == instance_id:
            set_committed_value(task, "sort_rank", rank)
