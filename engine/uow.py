"""One database transaction per engine step: everything written, or nothing."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Any

from sqlalchemy.orm import Session

from . import history, writes
from .history import PendingEvent
from .models import Instance
from .wfcache import WorkflowCache

BeforeCommitHook = Callable[[Session], None]


class UnitOfWork:
    """Opens a session; ``commit()`` chains the recorded events and commits.

    Leaving the block without ``commit()`` (or with an exception) rolls everything back.
    ``before_commit`` hooks run after all writes are flushed and just before the commit:
    the place where tests inject a failure to prove nothing half-done is stored.
    """

    def __init__(
        self,
        session_factory: Callable[[], Session],
        before_commit: list[BeforeCommitHook],
        workflows: WorkflowCache | None = None,
    ):
        self._session_factory = session_factory
        self._before_commit = before_commit
        self._workflows = workflows
        self._kept: dict[int, tuple[Instance, Any, str]] = {}
        self.events: list[PendingEvent] = []
        self.session: Session

    def __enter__(self) -> UnitOfWork:
        self.session = self._session_factory()
        return self

    def record(self, event: PendingEvent) -> None:
        self.events.append(event)

    def keep(self, row: Instance, workflow: Any, state: str) -> None:
        """Offer ``workflow`` (serialized as ``state`` into ``row``) to the workflow cache
        once this unit of work commits; it is kept only if the row still holds exactly
        that state then (nothing rewrote it after the step)."""
        self._kept[row.id] = (row, workflow, state)

    def commit(self) -> None:
        if writes.defers(self.session):
            # The step's kept writes, the history head and the events: one statement;
            # then whatever the ORM still holds (written after: nothing depends on it).
            history.append_with_writes(self.session, self.events)
            self.session.flush()
        else:
            self.session.flush()
            history.append(self.session, self.events)
        for hook in self._before_commit:
            hook(self.session)
        self.session.flush()
        kept = [
            (row.id, row.row_version, workflow)
            for row, workflow, state in self._kept.values()
            if row.state is state
        ]
        self.session.commit()
        self.events, self._kept = [], {}
        if self._workflows is not None:
            for instance_id, row_version, workflow in kept:
                self._workflows.put(instance_id, row_version, workflow)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        writes.take(self.session)  # writes kept and never sent are dropped with the rest
        self.session.rollback()
        self.session.close()
