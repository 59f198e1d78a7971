"""Interleaved rounds for ``bench/engine.py``: bare SpiffWorkflow, the commit floor and the
persisted step take turns, so a figure and the floor it is compared with share the load.

Per round, on one database:

- bare: SpiffWorkflow in memory (load_state, run, dump_state) does one callback round of
  a fresh case (handle, then callback 不满意) from the same saved state;
- floor: one durable commit of one row holding a fresh case's state (same size), twice;
- fresh: a new case (start and intake untimed), then its handle and callback steps,
  each one ``Engine.complete`` (warm: as the workflow cache falls; cold: the instance
  evicted from the cache before each step, so it is restored from the stored state);
- aged: a case that went round the callback loop ``AGED_ROUNDS`` times (prepared before
  the rounds, one per round), its next handle and callback steps, cold then warm.

``step_vs_floor`` = fresh warm step / (bare step + commit); ``aged_vs_fresh`` = aged cold
step / fresh cold step (medians). Both sides of ``aged_vs_fresh`` are measured alike: the
same two steps (handle, callback 不满意), in the same round, each with the instance evicted
from the workflow cache just before it, so each restores its stored state (the aged one
pruned to the size of a fresh one); the warm/warm ratio is printed beside it.

Round trips (one fresh warm step, one floor commit) are counted once after the rounds:
a ping when the pool sends one, BEGIN, each statement, COMMIT. They explain most of what
separates a step from the floor on a loaded server: each is a wait on the database.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import statistics
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event, text

from engine import pipelining

AGED_ROUNDS = 50
ORDER = ("bare", "floor", "fresh_warm", "fresh_cold", "aged_cold", "aged_warm")


@dataclass
class Samples:
    """Seconds per step (or commit), by kind; the workflow cache's counts."""

    times: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in ORDER})
    cache_hits: int = 0
    cache_misses: int = 0
    trips: dict[str, int] = field(default_factory=dict)

    def median(self, kind: str) -> float:
        return statistics.median(self.times[kind])

    @property
    def floor(self) -> float:
        return self.median("bare") + self.median("floor")

    @property
    def step_vs_floor(self) -> float:
        return self.median("fresh_warm") / self.floor

    @property
    def aged_vs_fresh(self) -> float:
        return self.median("aged_cold") / self.median("fresh_cold")

    @property
    def hit_rate(self) -> float:
        looked = self.cache_hits + self.cache_misses
        return self.cache_hits / looked if looked else 0.0


@dataclass(frozen=True)
class Verbs:
    """What the rounds drive, handed over by ``bench/engine.py``."""

    start: Callable[[Mapping[str, Any]], Any]
    complete: Callable[[Any, str, Mapping[str, Any]], float]
    evict: Callable[[Any], None]
    bare_round: Callable[[], list[float]]
    forms: Mapping[str, Mapping[str, Any]]
    dissatisfied: Mapping[str, Any]


class Floor:
    """One durable commit of one row as big as a fresh case's state."""

    def __init__(self, sa_engine, body: str):
        self.sa_engine = sa_engine
        self.body = body
        self.count = 0
        with sa_engine.begin() as connection:
            connection.execute(text("CREATE TABLE bench_floor (id INTEGER PRIMARY KEY, body TEXT)"))
            connection.execute(text("INSERT INTO bench_floor VALUES (1, :b)"), {"b": body})

    def commit(self) -> float:
        self.count += 1
        body = f"{self.count:08d}{self.body[8:]}"  # a new value each time
        t0 = time.perf_counter()
        with self.sa_engine.begin() as connection:
            connection.execute(text("UPDATE bench_floor SET body = :b WHERE id = 1"), {"b": body})
        return time.perf_counter() - t0


def _case(verbs: Verbs, max_rounds: int) -> Any:
    handle = verbs.start({"max_callback_rounds": max_rounds})
    verbs.complete(handle, "intake", verbs.forms["intake"])
    return handle


def _loop(verbs: Verbs, handle: Any, *, cold: bool) -> list[float]:
    """One callback round (handle, then callback 不满意), each step timed."""
    found = []
    for spec_id, data in (("handle", verbs.forms["handle"]), ("callback", verbs.dissatisfied)):
        if cold:
            verbs.evict(handle)
        found.append(verbs.complete(handle, spec_id, data))
    return found


def aged_cases(verbs: Verbs, count: int) -> list[Any]:
    """``count`` cases, each having gone ``AGED_ROUNDS`` times round the callback loop."""
    cases = []
    for _ in range(count):
        handle = _case(verbs, AGED_ROUNDS + 10)
        for _ in range(AGED_ROUNDS):
            _loop(verbs, handle, cold=False)
        cases.append(handle)
    return cases


def run_rounds(verbs: Verbs, floor: Floor, aged: list[Any], warmup: int) -> Samples:
    """One round per aged case; the first ``warmup`` rounds are not kept."""
    samples = Samples()
    for number, old in enumerate(aged):
        taken: dict[str, list[float]] = {
            "bare": verbs.bare_round(),
            "floor": [floor.commit(), floor.commit()],
            "fresh_warm": _loop(verbs, _case(verbs, 3), cold=False),
            "fresh_cold": _loop(verbs, _case(verbs, 3), cold=True),
            "aged_cold": _loop(verbs, old, cold=True),
            "aged_warm": _loop(verbs, old, cold=False),
        }
        if number >= warmup:
            for kind, values in taken.items():
                samples.times[kind] += values
    return samples


class RoundTrips:
    """Counts the database round trips made inside the block on ``sa_engines``: pings
    (the pool's on every checkout, or ``webapp.pool_ping``'s when a connection may be
    dead), BEGIN (not when it went with the first statement, ``engine.pipelining``),
    statements and COMMIT."""

    def __init__(self, *sa_engines):
        self.sa_engines = list(dict.fromkeys(sa_engines))
        self.count = 0

    def _statement(self, *_args) -> None:
        self.count += 1

    def _counted(self, ping: Callable[[Any], bool]) -> Callable[[Any], bool]:
        def counted_ping(dbapi_connection) -> bool:
            self.count += 1
            return ping(dbapi_connection)

        return counted_ping

    def __enter__(self) -> RoundTrips:
        for sa_engine in self.sa_engines:
            for name in ("before_cursor_execute", "begin", "commit"):
                event.listen(sa_engine, name, self._statement)
            sa_engine.dialect.do_ping = self._counted(sa_engine.dialect.do_ping)
        self._along = pipelining.spared()
        return self

    def __exit__(self, *_exc) -> None:
        for sa_engine in self.sa_engines:
            for name in ("before_cursor_execute", "begin", "commit"):
                event.remove(sa_engine, name, self._statement)
            del sa_engine.dialect.do_ping  # the class's own again
        self.count -= pipelining.spared() - self._along


def count_trips(
    floor: Floor, step: Callable[[], None], sa_engines: Sequence[Any] = ()
) -> dict[str, int]:
    """Round trips of one step (``step``: the ``complete`` call alone, its task found
    beforehand; on the floor's engine and ``sa_engines``) and of one floor commit."""
    with RoundTrips(floor.sa_engine, *sa_engines) as counted:
        step()
    with RoundTrips(floor.sa_engine) as commit:
        floor.commit()
    return {"step": counted.count, "floor": commit.count}


def profile_step(step: Callable[[], None], top: int = 30) -> str:
    """cProfile of one step: ``step`` is the ``complete`` call alone (finding its task is
    not profiled)."""
    profiler = cProfile.Profile()
    profiler.enable()
    step()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(top)
    out.write("\n--- by own time ---\n")
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()


def _ms(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[max(0, -(-95 * len(ordered) // 100) - 1)]
    return f"{statistics.median(values) * 1e3:.2f} / {p95 * 1e3:.2f}"


LABELS = {
    "bare": "bare SpiffWorkflow step (load, run, dump)",
    "floor": "commit floor (one row of a state's size)",
    "fresh_warm": "persisted step, fresh case, cache warm",
    "fresh_cold": "persisted step, fresh case, cache cold",
    "aged_cold": f"persisted step, {AGED_ROUNDS}-round case, cache cold",
    "aged_warm": f"persisted step, {AGED_ROUNDS}-round case, cache warm",
}


def report(results: Mapping[str, Samples]) -> str:
    """The rounds' table and ratios, one column per database."""
    names = list(results)
    lines = [f"{'ms median / p95':<48}" + "".join(f"{n:>20}" for n in names)]
    for kind in ORDER:
        cells = "".join(f"{_ms(results[n].times[kind]):>20}" for n in names)
        lines.append(f"{LABELS[kind]:<48}{cells}")
    rows = [
        ("floor = bare + commit, ms", lambda s: f"{s.floor * 1e3:.2f}"),
        ("step_vs_floor (fresh warm / floor)", lambda s: f"{s.step_vs_floor:.2f}"),
        (
            "fresh cold / floor",
            lambda s: f"{s.median('fresh_cold') / s.floor:.2f}",
        ),
        ("aged_vs_fresh (cold / cold)", lambda s: f"{s.aged_vs_fresh:.2f}"),
        (
            "aged_vs_fresh (warm / warm)",
            lambda s: f"{s.median('aged_warm') / s.median('fresh_warm'):.2f}",
        ),
        ("samples per kind", lambda s: str(len(s.times["fresh_warm"]))),
        (
            "round trips: fresh step / floor commit",
            lambda s: f"{s.trips.get('step', '?')} / {s.trips.get('floor', '?')}",
        ),
        (
            "workflow cache hit rate (whole run)",
            lambda s: f"  {s.hit_rate:.1%} ({s.cache_hits}/{s.cache_hits + s.cache_misses})",
        ),
    ]
    for label, cell in rows:
        lines.append(f"{label:<48}" + "".join(f"{cell(results[n]):>20}" for n in names))
    return "\n".join(lines)
