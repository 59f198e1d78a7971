"""A bounded per-process cache of restored workflows, keyed by (instance, row version).

A process that just stepped an instance keeps the workflow it stepped, so its next step
on that instance does not deserialize the state again. Safe by construction:

- an entry is found only under the instance's current row version (any write by anyone
  bumps it, so a stale workflow is never found);
- ``take`` removes the entry: one step at a time owns a workflow object, and a step
  that fails (rolled back, its workflow half-advanced) simply never puts it back;
- ``put`` happens only after the step's transaction committed.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
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


class WorkflowCache:
    """Least recently used workflows, at most ``size`` of them (0: no caching)."""

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self.size = size
        self._items: OrderedDict[int, tuple[int, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def take(self, instance_id: int, row_version: int) -> Any | None:
        """The workflow of ``instance_id`` as of ``row_version``, removed from the cache;
        None when it is not held (or held for another version: then it is dropped)."""
        with self._lock:
            found = self._items.pop(instance_id, None)
            if found is not None and found[0] == row_version:
                self.hits += 1
                return found[1]
            self.misses += 1
            return None

    def put(self, instance_id: int, row_version: int, workflow: Any) -> None:
        if self.size <= 0:
            return
        with self._lock:
            self._items[instance_id] = (row_version, workflow)
            self._items.move_to_end(instance_id)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def offer(self, instance_id: int, row_version: int, workflow: Any) -> None:
        """Give back a workflow that was only read, unless the instance is held already
        (a newer step put its own)."""
        if self.size <= 0:
            return
        with self._lock:
            if instance_id in self._items:
                return
        self.put(instance_id, row_version, workflow)

    def discard(self, instance_id: int) -> None:
        with self._lock:
            self._items.pop(instance_id, None)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def stats(self) -> CacheStats:
        with self._lock:
            return CacheStats(self.hits, self.misses, len(self._items))
