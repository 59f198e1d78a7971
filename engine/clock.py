"""The engine's clock, injectable so tests move time instead of sleeping.

SpiffWorkflow reads ``datetime.now(timezone.utc)`` inside its timer module whenever it
arms or checks a timer. We replace that module's ``datetime`` name, once, with a
subclass whose ``now()`` asks the clock bound to the current context; outside an engine
step that is the system clock, so the library behaves exactly as before.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Protocol

import SpiffWorkflow.bpmn.specs.event_definitions.timer as _spiff_timer


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware."""
        ...


class SystemClock:
    """Wall-clock time in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock:
    """A clock that only moves when told to (tests, benchmarks, what-if runs)."""

    def __init__(self, start: datetime | None = None):
        self._now = start or datetime.now(UTC)
        if self._now.tzinfo is None:
            raise ValueError("ManualClock needs a timezone-aware start time")

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta | None = None, **kwargs: float) -> datetime:
        self._now += delta if delta is not None else timedelta(**kwargs)
        return self._now

    def set(self, when: datetime) -> None:
        self._now = when


_current: contextvars.ContextVar[Clock] = contextvars.ContextVar("engine_clock")
_SYSTEM = SystemClock()


def current_clock() -> Clock:
    return _current.get(_SYSTEM)


@contextlib.contextmanager
def using_clock(clock: Clock) -> Iterator[None]:
    """Make SpiffWorkflow's timers read ``clock`` for the duration of the block."""
    token = _current.set(clock)
    try:
        yield
    finally:
        _current.reset(token)


class _ClockedDatetime(datetime):
    @classmethod
    def now(cls, tz=None):  # type: ignore[override]
        now = current_clock().now()
        return now if tz is None else now.astimezone(tz)


_spiff_timer.datetime = _ClockedDatetime
