"""A sort rank per instance, copied onto its ready task rows: lists order by it first
(lower first), so one index on (lane, rank, deadline) serves "most urgent, then by
deadline". The engine only stores and copies the number; what it means is the caller's.

A region code per instance, copied the same way (``set_region``): a list of a few regions
reads one range of (lane, region, deadline) per region. The code is the caller's too.

And a received time per instance (``set_received``): a list newest received first walks
(lane, received) and stops at the page's end. When the matter was received is the caller's.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from .enums import TaskStatus
from .models import UNRANKED, Instance, TaskRecord

__all__ = ["UNRANKED", "set_received", "set_region", "set_sort_rank"]

_INSTANCES = Instance.__table__
_TASKS = TaskRecord.__table__


def set_sort_rank(session: Session, instance_id: int, rank: int) -> None:
    """Give the instance ``rank``, and its ready task rows with it; a task that becomes
    ready later takes the instance's rank. In the caller's transaction; the instance's row
    version is not changed (a step running on it is not made to conflict)."""
    _copy(session, session, instance_id, "sort_rank", rank)


def set_region(
    session: Session, instance_id: int, region: str | None, *, via: Connection | None = None
) -> None:
    """Give the instance ``region``, and its ready task rows with it, as ``set_sort_rank``
    does the rank. ``via``: the connection to write on when called inside a flush (a
    mapper event of the caller's row)."""
    _copy(session, via or session, instance_id, "region_code", region)


def set_received(
    session: Session, instance_id: int, at: datetime | None, *, via: Connection | None = None
) -> None:
    """Give the instance the received time ``at``, and its ready task rows with it, as
    ``set_region`` does the region."""
    _copy(session, via or session, instance_id, "received_at", at)


def _copy(
    session: Session, executor: Session | Connection, instance_id: int, key: str, value: Any
) -> None:
    instances, tasks = _INSTANCES.c, _TASKS.c
    differs = instances[key].is_distinct_from(value)
    executor.execute(
        update(_INSTANCES).where(instances.id == instance_id, differs).values({key: value})
    )
    executor.execute(
        update(_TASKS)
        .where(
            tasks.instance_id == instance_id,
            tasks.status == TaskStatus.READY.value,
            tasks[key].is_distinct_from(value),
        )
        .values({key: value})
    )
    held = session.identity_map.get(identity_key(Instance, instance_id))
    if held is not None:  # a step holding the row copies the value onto tasks it readies
        set_committed_value(held, key, value)
    for task in list(session.identity_map.values()):
        if isinstance(task, TaskRecord) and task.instance_id == instance_id:
            set_committed_value(task, key, value)
