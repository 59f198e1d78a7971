"""One database transaction per engine step: everything written, or nothing."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, object_session

from . import history, writes
from .history import PendingEvent
from .models import Instance, TaskRecord
from .prepared import prepared
from .wfcache import Held, StepRows, WorkflowCache

BeforeCommitHook = Callable[[Session], None]


class UnitOfWork:
    """Opens a session; ``commit()`` chains the recorded events and commits.

    Leaving the block without ``commit()`` (or with an exception) rolls everything back.
    At ``commit()``, ``settle`` finishes what the steps left for the end (the values
    they queued for their instances, ``engine.variables``); then the ``before_commit``
    hooks run, with everything but the history written (SQLite) or kept for the last
    statement (PostgreSQL): the place where tests inject a failure to prove nothing
    half-done is stored.
    """

    def __init__(
        self,
        session_factory: Callable[[], Session],
        before_commit: list[BeforeCommitHook],
        workflows: WorkflowCache | None = None,
        settle: Callable[[UnitOfWork], None] | None = None,
    ):
        self._session_factory = session_factory
        self._before_commit = before_commit
        self._workflows = workflows
        self._settle = settle
        self._kept: dict[int, tuple[Instance, Any, str, dict[str, dict[str, Any]]]] = {}
        self.events: list[PendingEvent] = []
        self.session: Session

    def __enter__(self) -> UnitOfWork:
        self.session = self._session_factory()
        return self

    def record(self, event: PendingEvent) -> None:
        self.events.append(event)

    def keep(
        self, row: Instance, workflow: Any, state: str, ready: dict[str, dict[str, Any]]
    ) -> None:
        """Offer ``workflow`` (serialized as ``state`` into ``row``) to the workflow cache
        once this unit of work commits; it is kept only if the row still holds exactly
        that state then (nothing rewrote it after the step). On PostgreSQL the rows go
        with it (the instance's as committed, ``ready``: the task rows the step wrote
        for the tasks it readied): the next step on one of those tasks reads nothing."""
        self._kept[row.id] = (row, workflow, state, ready)

    def commit(self) -> None:
        if self._settle is not None:
            self._settle(self)
        self.session.flush()  # what the ORM holds (after the kept writes, on PostgreSQL)
        for hook in self._before_commit:
            hook(self.session)
        self.session.flush()
        defers = writes.defers(self.session)
        kept = [
            (
                row.id,
                Held(
                    row.row_version, workflow, _rows(self.session, row, ready) if defers else None
                ),
            )
            for row, workflow, state, ready in self._kept.values()
            if row.state is state
        ]
        if defers:
            # The kept writes, the history head and the events: one statement, and the
            # COMMIT with it (``engine.pipelining``), both prepared (``engine.prepared``).
            with prepared(self.session):
                history.append_with_writes(self.session, self.events, commits=True)
        else:
            history.append(self.session, self.events)
        self.session.commit()
        self.events, self._kept = [], {}
        if self._workflows is not None:
            for instance_id, held in kept:
                self._workflows.put(instance_id, held)
            _forget_written(self._workflows, self.session, {i for i, _ in kept})

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        writes.take(self.session)  # writes kept and never sent are dropped with the rest
        self.session.rollback()
        self.session.close()


def _forget_written(workflows: WorkflowCache, session: Session, kept: set[int]) -> None:
    """Instance rows this unit of work wrote other than by a kept step (a claim, a
    hand-back, a cancel): the cache's workflow and rows of an older version are dropped."""
    for held in session.identity_map.values():
        if isinstance(held, Instance) and held.id not in kept:
            version = inspect(held).dict.get("row_version")
            if version is not None:
                workflows.written(held.id, version)


_CHANGED_TASKS = "zongzhi.changed_tasks"


@event.listens_for(TaskRecord, "after_update")
def _task_changed(_mapper: Any, _connection: Any, record: TaskRecord) -> None:
    """An ORM update of a task row: its session notes the task (``_rows``)."""
    session = object_session(record)
    if session is not None:
        session.info.setdefault(_CHANGED_TASKS, set()).add(record.id)


def _rows(session: Session, row: Instance, ready: dict[str, dict[str, Any]]) -> StepRows | None:
    """The instance row's columns as this unit of work writes them, and the ready task
    rows the step wrote; None when the session no longer holds every column of the row,
    or changed one of those task rows after the step (e.g. a migration's refresh of
    ready rows): the next step then reads them."""
    state = inspect(row)
    keys = [attr.key for attr in state.mapper.column_attrs]
    if state.expired_attributes or not all(key in state.dict for key in keys):
        return None
    if not session.info.get(_CHANGED_TASKS, set()).isdisjoint(ready):
        return None
    return StepRows({key: state.dict[key] for key in keys}, ready)
