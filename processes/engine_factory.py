"""The engine as the 综治 application uses it: the domain's actions and script helpers."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from engine import Budget, Clock, Engine, OperatorRegistry, RetryPolicy

from .actions import register_actions
from .helpers import SCRIPT_HELPERS
from .risk_raise import Decide, bind_decisions
from .roles import Role


def build_engine(
    session_factory: Callable[[], Session],
    step_sessions: Callable[[], Session] | None = None,
    *,
    clock: Clock | None = None,
    budget: Budget | None = None,
    timer_retry: RetryPolicy | None = None,
) -> Engine:
    """An engine whose diagrams may call every registered action and helper, and whose
    user tasks must sit in a lane named after a login role. ``step_sessions``: the
    sessions of its units of work, when they differ from the reading ones.

    Its sessions carry the engine's ``decide``, so actions inside a step can put an event
    to a deployed decision table (``processes.risk_raise``).
    """
    built: list[Engine] = []

    def decide() -> Decide:
        return built[0].decide

    engine = Engine(
        bind_decisions(session_factory, decide),
        step_sessions=bind_decisions(step_sessions, decide) if step_sessions else None,
        clock=clock,
        operators=register_actions(OperatorRegistry()),
        helpers=SCRIPT_HELPERS,
        lane_names=frozenset(role.value for role in Role),
        budget=budget,
        timer_retry=timer_retry,
    )
    built.append(engine)
    return engine
