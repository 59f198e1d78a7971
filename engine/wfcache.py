"""A bounded per-process cache of restored workflows, keyed by (instance, row version).

A process that just stepped an instance keeps the workflow it stepped, so its next step
on that instance does not deserialize the state again. Safe by construction:

- an entry is found only under the instance's current row version (any write by anyone
  bumps it, so a stale workflow is never found);
- ``take`` removes the entry: one step at a time owns a workflow object, and a step
  that fails (rolled back, its workflow half-advanced) simply never puts it back;
- ``put`` happens only after the step's transaction committed;
- an entry found by a ready task's id (``take_task``, PostgreSQL) is not known to be
  current: the step run from it writes only if the instance row is still at the entry's
  version, and runs again from a fresh read otherwise.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

DEFAULT_SIZE = 64


@dataclass(frozen=True)
class CacheStats:
    hits: int
    misses: int
    size: int

    @property
    def hit_rate(self) -> float:
        looked = self.hits + self.misses
        return self.hits / looked if looked else 0.0


@dataclass(frozen=True)
class StepRows:
    """The rows a step on PostgreSQL wrote, as it wrote them: the next step on one of
    its ready tasks runs from them without reading (``engine.instances``), its write
    checking the instance row is still at the version they were written at."""

    instance: dict[str, Any]
    """The instance row's columns."""
    ready: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Task id -> the projection row of each human task the step left ready."""


@dataclass(frozen=True)
class Held:
    """A cached workflow: the instance's row version it is the state of, and the rows
    written with it (None: not known, e.g. on SQLite)."""

    row_version: int
    workflow: Any
    rows: StepRows | None = None


class WorkflowCache:
    """Least recently used workflows, at most ``size`` of them (0: no caching)."""

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self.size = size
        self._items: OrderedDict[int, Held] = OrderedDict()
        self._by_task: dict[str, int] = {}
        """Ready task id -> the instance whose held rows have it."""
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def take(self, instance_id: int, row_version: int) -> Held | None:
        """The workflow of ``instance_id`` as of ``row_version``, removed from the cache;
        None when it is not held (or held for another version: then it is dropped)."""
        with self._lock:
            found = self._pop(instance_id)
            if found is not None and found.row_version == row_version:
                self.hits += 1
                return found
            self.misses += 1
            return None

    def take_task(self, task_id: str) -> Held | None:
        """The workflow whose rows have ``task_id`` ready, removed from the cache; None
        (nothing counted) when no held rows have it."""
        with self._lock:
            instance_id = self._by_task.get(task_id)
            if instance_id is None:
                return None
            self.hits += 1
            return self._pop(instance_id)

    def put(self, instance_id: int, held: Held) -> None:
        if self.size <= 0:
            return
        with self._lock:
            self._pop(instance_id)
            self._items[instance_id] = held
            if held.rows is not None:
                self._by_task.update(dict.fromkeys(held.rows.ready, instance_id))
            while len(self._items) > self.size:
                self._pop(next(iter(self._items)))

    def offer(self, instance_id: int, held: Held) -> None:
        """Give back a workflow that was only read, unless the instance is held already
        (a newer step put its own)."""
        if self.size <= 0:
            return
        with self._lock:
            if instance_id in self._items:
                return
        self.put(instance_id, held)

    def written(self, instance_id: int, row_version: int) -> None:
        """This process wrote the instance row, now at ``row_version``, other than by a
        step it keeps: a workflow held for another version is dropped."""
        with self._lock:
            found = self._items.get(instance_id)
            if found is not None and found.row_version != row_version:
                self._pop(instance_id)

    def discard(self, instance_id: int) -> None:
        with self._lock:
            self._pop(instance_id)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._by_task.clear()

    def stats(self) -> CacheStats:
        with self._lock:
            return CacheStats(self.hits, self.misses, len(self._items))

    def _pop(self, instance_id: int) -> Held | None:
        found = self._items.pop(instance_id, None)
        if found is not None and found.rows is not None:
            for task_id in found.rows.ready:
                self._by_task.pop(task_id, None)
        return found
