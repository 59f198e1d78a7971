"""The run budget of designer code: steps, wall-clock seconds and memory.

Every script, condition, timer expression, DMN cell and instructions template runs
inside ``metered(budget)``. The code is compiled so that every loop iteration, function
call and comprehension element calls ``Meter.tick`` (``engine.script_ticks``), and every
operation that can grow a value asks ``Meter.charge`` first (``engine.script_guards``):

* **steps**: ticks per evaluation (``ZONGZHI_SCRIPT_STEP_LIMIT``);
* **seconds**: a wall-clock deadline per evaluation, never later than the deadline of the
  engine step it runs in (``step_scope``), checked in the ticks (``ZONGZHI_SCRIPT_SECONDS``);
* **memory**: no single value may be estimated above the limit before it is built, and
  the process may not grow by more than the limit during one evaluation (from its first
  memory sample on; most expressions never take one), sampled from
  the resident set size at charges and every few thousand ticks (``ZONGZHI_SCRIPT_MEMORY_MB``).

Exceeding one raises ``BudgetExceeded``. The meter stays tripped: every later tick raises
again, so a script's ``except`` cannot swallow it, and ``metered`` re-raises it when the
code returns anyway. The engine step that ran the code records the first trip
(``step_failure``) to name the element and the budget in its error, then rolls back.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from .errors import EngineError

DEFAULT_STEPS = 1_000_000
DEFAULT_SECONDS = 5.0
DEFAULT_MEMORY_MB = 256
MAX_INT_BITS = 100_000
"""Integers stay below about 30,000 decimal digits: big-number arithmetic is then fast."""
MAX_MODPOW_COST = 10_000_000
"""``pow(a, b, m)``: exponent bits × modulus bits."""

_TIME_EVERY = 64  # ticks between two deadline checks
_RSS_EVERY = 4096  # ticks between two memory samples
_RSS_AFTER_BYTES = 4 << 20  # charged bytes that trigger a memory sample
_BIG_CHARGE = 1 << 20  # a single charge this large samples at once
_UNREAD = object()  # a meter's starting resident set, before its first sample

Kind = Literal["steps", "seconds", "memory", "number"]


@dataclass(frozen=True)
class Budget:
    """The limits of one evaluation of designer code (configurable per site)."""

    steps: int = DEFAULT_STEPS
    seconds: float = DEFAULT_SECONDS
    memory_mb: int = DEFAULT_MEMORY_MB

    @property
    def memory_bytes(self) -> int:
        return self.memory_mb << 20


class BudgetExceeded(EngineError):
    """Designer code went past one of its limits; ``describe()`` says which, in Chinese."""

    def __init__(self, kind: Kind, limit: float):
        self.kind = kind
        self.limit = limit
        super().__init__(self.describe())

    def describe(self) -> str:
        if self.kind == "steps":
            return f"超出运行步数上限 {int(self.limit):,} 步"
        if self.kind == "seconds":
            return f"超出运行时间上限 {self.limit:g} 秒"
        if self.kind == "memory":
            return f"超出内存上限 {int(self.limit):,} MB"
        return f"超出数值大小上限（约 {int(self.limit):,} 位十进制数）"


def _rss_bytes() -> int | None:
    """The process's resident set size (Linux); None where it cannot be read."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        return None


_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


class Meter:
    """Counts one evaluation's steps and checks its deadline and memory."""

    __slots__ = ("budget", "deadline", "pending", "start_rss", "steps", "tripped")

    def __init__(self, budget: Budget, deadline: float):
        self.budget = budget
        self.deadline = deadline
        self.steps = 0
        self.pending = 0
        self.start_rss: int | object | None = _UNREAD
        self.tripped: BudgetExceeded | None = None

    def trip(self, kind: Kind, limit: float) -> BudgetExceeded:
        if self.tripped is None:
            self.tripped = BudgetExceeded(kind, limit)
            holder = _step_failures.get(None)
            if holder is not None and not holder:
                holder.append(self.tripped)
        return self.tripped

    def tick(self) -> bool:
        """One loop iteration, call or element; True, so it fits in a condition."""
        if self.tripped is not None:
            raise self.tripped
        self.steps += 1
        if self.steps > self.budget.steps:
            raise self.trip("steps", self.budget.steps)
        if not self.steps % _TIME_EVERY and time.monotonic() > self.deadline:
            raise self.trip("seconds", self.budget.seconds)
        if not self.steps % _RSS_EVERY:
            self._sample(0)
        return True

    def charge(self, nbytes: int) -> None:
        """About to build a value of about ``nbytes``: refuse it if it cannot fit."""
        if self.tripped is not None:
            raise self.tripped
        if nbytes > self.budget.memory_bytes:
            raise self.trip("memory", self.budget.memory_mb)
        self.pending += nbytes
        if nbytes >= _BIG_CHARGE or self.pending >= _RSS_AFTER_BYTES:
            self._sample(nbytes)

    def check_bits(self, bits: int) -> None:
        """About to build an integer of about ``bits`` bits."""
        if bits > MAX_INT_BITS:
            raise self.trip("number", MAX_INT_BITS * 0.30103)

    def _sample(self, extra: int) -> None:
        """Compare the resident set with the one of the first sample (read only once code
        has charged or ticked enough to matter: most expressions never pay the read)."""
        self.pending = 0
        if self.start_rss is _UNREAD:
            self.start_rss = _rss_bytes()  # ``charge`` refused a value over the limit alone
            return
        if self.start_rss is None:
            return
        rss = _rss_bytes()
        if rss is not None and rss - self.start_rss + extra > self.budget.memory_bytes:
            raise self.trip("memory", self.budget.memory_mb)


_meter: contextvars.ContextVar[Meter | None] = contextvars.ContextVar("budget_meter", default=None)
_step_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "budget_step_deadline", default=None
)
_step_failures: contextvars.ContextVar[list[BudgetExceeded] | None] = contextvars.ContextVar(
    "budget_step_failures", default=None
)


class Unmetered(RuntimeError):
    """Designer code ran outside ``metered`` (a bug of ours, never of the diagram)."""


def current_meter() -> Meter:
    meter = _meter.get()
    if meter is None:
        raise Unmetered("脚本只能在受限的运行环境中执行")
    return meter


@contextlib.contextmanager
def metered(budget: Budget) -> Iterator[Meter]:
    """Run designer code under ``budget``; re-raises a trip the code itself caught."""
    deadline = time.monotonic() + budget.seconds
    step_deadline = _step_deadline.get()
    if step_deadline is not None:
        deadline = min(deadline, step_deadline)
    meter = Meter(budget, deadline)
    token = _meter.set(meter)
    try:
        yield meter
    finally:
        _meter.reset(token)
    if meter.tripped is not None:
        raise meter.tripped


@contextlib.contextmanager
def step_scope(budget: Budget | None) -> Iterator[list[BudgetExceeded]]:
    """One engine step: its code shares one deadline; yields where the first trip lands."""
    failures: list[BudgetExceeded] = []
    failures_token = _step_failures.set(failures)
    deadline_token = None
    if budget is not None:
        deadline_token = _step_deadline.set(time.monotonic() + budget.seconds)
    try:
        yield failures
    finally:
        if deadline_token is not None:
            _step_deadline.reset(deadline_token)
        _step_failures.reset(failures_token)
