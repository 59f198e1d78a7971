"""The engine as the 综治 application uses it: the domain's actions and script helpers."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from engine import Budget, Clock, Engine, OperatorRegistry, RetryPolicy

from .actions import register_actions
from .helpers import SCRIPT_HELPERS
from .risk_raise import bind_decisions
from .roles import Role


def build_engine(
    session_factory: Callable[[], Session],
    *,
    clock: Clock | None = None,
    budget: Budget | None = None,
    timer_retry: RetryPolicy | None = None,
) -> Engine:
    """An engine whose diagrams may call every registered action and helper, and whose
    user tasks must sit in a lane named after a login role.

    Its sessions carry the engine's ``decide``, so actions inside a step can put an event
    to a deployed decision table (``processes.risk_raise``).
    """
    built: list[Engine] = []
    engine = Engine(
        bind_decisions(session_factory, lambda: built[0].decide),
        clock=clock,
        operators=register_actions(OperatorRegistry()),
        helpers=SCRIPT_HELPERS,
        lane_names=frozenset(role.value for role in Role),
        budget=budget,
        timer_retry=timer_retry,
    )
    built.append(engine)
    return engine
