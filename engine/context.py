"""The step in progress, for service operators and script helpers that need it.

An operator or helper runs inside an engine step, in the middle of one unit of work.
Those that write domain rows (a case, a supervision record) or read reference tables
(the holiday calendar) reach the step's session, instance and actor here, so their
writes commit or roll back with the step itself.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from .views import Actor


@dataclass
class StepContext:
    """What an operator may use: the session, the instance, the actor and the step's time."""

    session: Session
    instance_id: int
    process_id: str
    version_id: int
    actor: Actor
    now: datetime
    cache: dict[str, Any] = field(default_factory=dict)
    """Per-step memo for helpers (e.g. a calendar loaded once per step)."""
    task_process_id: str | None = None
    """The process (diagram) of the service task running now, if any: the events an
    operator records are that process's steps."""
    _record: Callable[[str, Mapping[str, Any]], None] | None = None

    def record(self, event_type: str, data: Mapping[str, Any]) -> None:
        """Append a domain event for this instance to the history, in this step's transaction."""
        if self._record is None:
            raise RuntimeError("history is not available in this step")
        self._record(event_type, data)


_current: contextvars.ContextVar[StepContext] = contextvars.ContextVar("engine_step")


class NoStepInProgress(RuntimeError):
    """An operator or helper that needs a step was called outside one."""


def current_step() -> StepContext:
    """The step in progress; raises ``NoStepInProgress`` outside one."""
    try:
        return _current.get()
    except LookupError:
        raise NoStepInProgress("只能在流程步骤执行期间调用") from None


def step_or_none() -> StepContext | None:
    return _current.get(None)


@contextlib.contextmanager
def in_step(context: StepContext) -> Iterator[StepContext]:
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)
