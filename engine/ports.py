"""What the engine's modules use of the engine: narrow collaborators, not the facade.

``engine.api.Engine`` provides every one of these; a module names the smallest that
covers what it uses, so it depends on that shape here instead of on ``api`` (which
imports the modules: importing it back would close a circle). Nothing here imports a
module that imports this one.
"""

from __future__ import annotations

from collections.abc import Callable, Container
from datetime import timedelta
from typing import Any, Protocol

from sqlalchemy.orm import Session

from .clock import Clock
from .formcache import FormCache
from .operators import OperatorRegistry
from .specs import SpecCache
from .uow import UnitOfWork
from .wfcache import WorkflowCache


class Sessions(Protocol):
    """Read-only work: a session per question."""

    session_factory: Callable[[], Session]


class Clocked(Protocol):
    """The engine's clock (a step's time, due times)."""

    clock: Clock


class Writer(Sessions, Clocked, Protocol):
    """One unit of work per change, at the engine's time."""

    def unit_of_work(self) -> UnitOfWork: ...


class Stepper(Writer, Protocol):
    """Restores workflows (specs, cached workflows, the sandbox) and steps them."""

    specs: SpecCache
    forms: FormCache
    workflows: WorkflowCache

    def script_engine(self) -> Any: ...


class RetryRule(Protocol):
    """How often a failing timer is tried, and the pause after each failed try."""

    max_attempts: int

    def pause(self, attempts: int) -> timedelta: ...


class TimerHost(Stepper, Protocol):
    """Fires timers: a stepper with a retry rule for failing ones."""

    timer_retry: RetryRule


class DecisionStore(Protocol):
    def get(self, file_id: int) -> Any: ...

    def put(self, file_id: int, decisions: Any) -> None: ...


class Decider(Sessions, Protocol):
    """Evaluates deployed decision tables in the sandbox."""

    decisions: DecisionStore

    def script_engine(self) -> Any: ...


class Checker(Protocol):
    """What validating a diagram set checks against: the lanes and the operators."""

    lane_names: Container[str] | None
    operators: OperatorRegistry


class Deployer(Writer, Checker, Protocol):
    """Validates a diagram set and stores it as a version."""


class Trials(Sessions, Clocked, Checker, Protocol):
    """Runs a designer's trial in its own sandbox (its set validated as a deploy's)."""

    def script_engine(self) -> Any: ...


class TimerFiring(Protocol):
    """What a scheduler drives."""

    def fire_due_timers(
        self, *, limit: int = 100, on_progress: Callable[[], None] | None = None
    ) -> int: ...
