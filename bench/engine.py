"""Benchmark the persisted engine against bare in-memory SpiffWorkflow on ``plain_case``.

Run from the project root::

    python bench/engine.py [--quick] [--postgres URL]

Measures, for the diagram ``bpmn/plain_case.bpmn``:

1. the persisted ``Engine`` on a fresh, Alembic-migrated SQLite file and on a fresh
   PostgreSQL database (created on the server given by ``--postgres`` or
   ``ZONGZHI_BENCH_DATABASE_URL``, dropped at exit; skipped when unreachable): instances
   per second of the happy path (start + 4 completions, one transaction each) and the
   per-step latency of ``Engine.complete``;
2. bare SpiffWorkflow in memory with the same sandboxed script engine and the same
   serializer: every step is ``load_state`` -> set data, ``task.run()``,
   ``do_engine_steps()`` -> ``dump_state``, i.e. the engine's path minus the database;
3. an old case that went round the dissatisfied-callback loop 50 times: the latency of
   its handle and callback steps, and its serialized state size.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.metadata
import logging
import math
import os
import platform
import secrets
import signal
import sqlite3
import statistics
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol
from uuid import UUID

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, this file's folder comes first on sys.path and would shadow the
# project's ``engine`` package with this very module; put the project root there instead.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from SpiffWorkflow import TaskState  # noqa: E402
from sqlalchemy import select  # noqa: E402
from sqlalchemy.engine import URL, make_url  # noqa: E402

from bench.engine_rounds import (  # noqa: E402
    Floor,
    Samples,
    Verbs,
    aged_cases,
    count_trips,
    profile_step,
    report,
    run_rounds,
)
from engine import Actor, Engine, InstanceStatus, ManualClock, TaskStatus  # noqa: E402
from engine.db import db  # noqa: E402
from engine.models import Instance  # noqa: E402
from engine.projection import is_human  # noqa: E402
from engine.sandbox import make_script_engine  # noqa: E402
from engine.specs import (  # noqa: E402
    ParsedProcess,
    dump_state,
    load_state,
    new_parser,
    new_workflow,
    spec_from_json,
    spec_to_json,
)
from webapp import create_app  # noqa: E402
from webapp.engine_binding import session_factories  # noqa: E402

PROCESS_ID = "plain_case"
DIAGRAM = ROOT / "bpmn" / "plain_case.bpmn"
FORMS_DIR = ROOT / "forms"
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
CLOCK_START = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)

FORM_DATA: dict[str, dict[str, Any]] = {
    "intake": {
        "summary": "张某与邻居李某因宅基地边界发生争执，要求确认界址。",
        "dispute_type": "房屋宅基地",
        "handle_limit_days": 5,
    },
    "handle": {"result": "调解成功", "handling_notes": "现场勘查后双方同意按原界址砌墙。"},
    "callback": {"evaluation": "满意"},
    "close": {"closing_summary": "调解成功，回访满意，予以结案。"},
}
DISSATISFIED = {"evaluation": "不满意"}
HAPPY_STEPS = ("intake", "handle", "callback", "close")


@dataclass(frozen=True)
class Counts:
    happy_warmup: int
    happy_db: int
    happy_bare: int
    loops: int
    old_warmup: int
    old_reps: int
    rounds: int = 8
    rounds_warmup: int = 1

    @property
    def max_rounds(self) -> int:
        """``max_callback_rounds`` for the old case: at least 60, and enough to keep looping."""
        return max(60, self.loops + self.old_reps + 1)


QUICK = Counts(
    happy_warmup=3, happy_db=20, happy_bare=100, loops=50, old_warmup=2, old_reps=6, rounds=16
)
FULL = Counts(
    happy_warmup=10,
    happy_db=300,
    happy_bare=1000,
    loops=50,
    old_warmup=3,
    old_reps=30,
    rounds=40,
    rounds_warmup=3,
)


# -- statistics ---------------------------------------------------------------------------


def p95(values: list[float]) -> float:
    """The 95th percentile by the nearest-rank method."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def ms(values: list[float]) -> tuple[float, float]:
    """Median and p95 of durations in seconds, as milliseconds."""
    return statistics.median(values) * 1e3, p95(values) * 1e3


@dataclass
class HappyResult:
    instance_seconds: list[float] = field(default_factory=list)
    start: list[float] = field(default_factory=list)
    steps: dict[str, list[float]] = field(default_factory=lambda: {s: [] for s in HAPPY_STEPS})

    @property
    def per_second(self) -> float:
        return len(self.instance_seconds) / sum(self.instance_seconds)

    def all_completes(self) -> list[float]:
        return [t for samples in self.steps.values() for t in samples]


@dataclass
class OldResult:
    handle: list[float] = field(default_factory=list)
    callback: list[float] = field(default_factory=list)
    size_kb: dict[int, float] = field(default_factory=dict)  # loops -> state size

    def both(self) -> list[float]:
        return self.handle + self.callback


# -- drivers: the same verbs on the persisted engine and on bare SpiffWorkflow -------------


class Driver(Protocol):
    """Start instances and complete their ready human task by element id, timing each."""

    def start(self, data: Mapping[str, Any]) -> tuple[Any, float]: ...

    def complete(self, handle: Any, spec_id: str, data: Mapping[str, Any]) -> float: ...

    def state_kb(self, handle: Any) -> float: ...

    def is_completed(self, handle: Any) -> bool: ...


class PersistedDriver:
    """``Engine.start`` / ``Engine.complete``; finding the next task id is not timed."""

    def __init__(self, engine: Engine):
        self.engine = engine

    def start(self, data: Mapping[str, Any]) -> tuple[int, float]:
        t0 = time.perf_counter()
        instance_id = self.engine.start(PROCESS_ID, actor=Actor.of("bench"), data=data)
        return instance_id, time.perf_counter() - t0

    def complete(self, handle: int, spec_id: str, data: Mapping[str, Any]) -> float:
        ready = [
            view
            for view in self.engine.tasks_of(handle)
            if view.status == TaskStatus.READY and view.spec_id == spec_id
        ]
        if len(ready) != 1:
            raise RuntimeError(f"expected one ready {spec_id!r} task, found {len(ready)}")
        task = ready[0]
        actor = Actor.of("bench", [task.candidate_role] if task.candidate_role else [])
        t0 = time.perf_counter()
        self.engine.complete(task.id, data, actor=actor)
        return time.perf_counter() - t0

    def state_kb(self, handle: int) -> float:
        with self.engine.session_factory() as session:
            state = session.execute(
                select(Instance.state).where(Instance.id == handle)
            ).scalar_one()
        return len(state.encode()) / 1024

    def is_completed(self, handle: int) -> bool:
        return self.engine.instance(handle).status == InstanceStatus.COMPLETED


@dataclass(frozen=True)
class Phases:
    load: float  # load_state
    run: float  # set data, task.run(), do_engine_steps()
    dump: float  # dump_state

    @property
    def total(self) -> float:
        return self.load + self.run + self.dump


@dataclass
class BareInstance:
    state: str
    ready: dict[str, UUID]  # element id -> task id of each ready human task
    completed: bool


def _ready_human(workflow) -> dict[str, UUID]:
    return {
        task.task_spec.bpmn_id: task.id
        for task in workflow.get_tasks(state=TaskState.READY)
        if is_human(task)
    }


class BareDriver:
    """SpiffWorkflow in memory: each step deserializes, runs and serializes the state."""

    def __init__(self, parsed: ParsedProcess):
        self.parsed = parsed

    def start(self, data: Mapping[str, Any]) -> tuple[BareInstance, float]:
        t0 = time.perf_counter()
        workflow = new_workflow(self.parsed, make_script_engine())
        workflow.task_tree.data.update(data)
        workflow.do_engine_steps()
        state = dump_state(workflow)
        elapsed = time.perf_counter() - t0
        return BareInstance(state, _ready_human(workflow), workflow.is_completed()), elapsed

    def step(self, handle: BareInstance, spec_id: str, data: Mapping[str, Any]) -> Phases:
        """One step, timed by phase: deserialize, run, serialize."""
        task_id = handle.ready[spec_id]
        t0 = time.perf_counter()
        workflow = load_state(handle.state, self.parsed, make_script_engine())
        t1 = time.perf_counter()
        task = workflow.get_task_from_id(task_id)
        task.data.update(data)
        task.run()
        workflow.do_engine_steps()
        t2 = time.perf_counter()
        state = dump_state(workflow)
        t3 = time.perf_counter()
        handle.state, handle.ready = state, _ready_human(workflow)
        handle.completed = workflow.is_completed()
        return Phases(load=t1 - t0, run=t2 - t1, dump=t3 - t2)

    def complete(self, handle: BareInstance, spec_id: str, data: Mapping[str, Any]) -> float:
        return self.step(handle, spec_id, data).total

    def state_kb(self, handle: BareInstance) -> float:
        return len(handle.state.encode()) / 1024

    def is_completed(self, handle: BareInstance) -> bool:
        return handle.completed


# -- scenarios ----------------------------------------------------------------------------


def run_happy(driver: Driver, warmup: int, measured: int) -> HappyResult:
    """Full happy-path instances; the instance time is start + 4 completions."""
    result = HappyResult()
    for i in range(warmup + measured):
        handle, start = driver.start({})
        steps = {
            spec_id: driver.complete(handle, spec_id, FORM_DATA[spec_id]) for spec_id in HAPPY_STEPS
        }
        if not driver.is_completed(handle):
            raise RuntimeError("the happy path did not complete the instance")
        if i < warmup:
            continue
        result.start.append(start)
        result.instance_seconds.append(start + sum(steps.values()))
        for spec_id, elapsed in steps.items():
            result.steps[spec_id].append(elapsed)
    return result


def _loop(driver: Driver, handle: Any) -> tuple[float, float]:
    """One round of the dissatisfied-callback loop: complete handle, then callback 不满意."""
    handle_time = driver.complete(handle, "handle", FORM_DATA["handle"])
    callback_time = driver.complete(handle, "callback", DISSATISFIED)
    return handle_time, callback_time


def run_old_case(
    driver: Driver, counts: Counts, keep: Callable[[Any], Any] | None = None
) -> tuple[OldResult, Any]:
    """Drive one instance ``counts.loops`` loops (the last ``old_warmup`` of them are the
    warm-up), then time ``old_reps`` further loops; the instance waits at ``handle`` after
    each loop. Returns what ``keep`` made of the instance at ``counts.loops`` loops."""
    result = OldResult()
    handle, _ = driver.start({"max_callback_rounds": counts.max_rounds})
    driver.complete(handle, "intake", FORM_DATA["intake"])
    result.size_kb[0] = driver.state_kb(handle)
    for _ in range(counts.loops):
        _loop(driver, handle)  # the last ``old_warmup`` loops double as the warm-up
    result.size_kb[counts.loops] = driver.state_kb(handle)
    kept = keep(handle) if keep else None
    for _ in range(counts.old_reps):
        handle_time, callback_time = _loop(driver, handle)
        result.handle.append(handle_time)
        result.callback.append(callback_time)
    result.size_kb[counts.loops + counts.old_reps] = driver.state_kb(handle)
    return result, kept


def _copy(instance: BareInstance) -> BareInstance:
    return BareInstance(instance.state, dict(instance.ready), instance.completed)


FixedResult = dict[str, list[Phases]]  # "handle" / "callback" -> phases of each rep


def rerun_fixed_state(
    driver: BareDriver, saved: BareInstance, warmup: int, reps: int
) -> FixedResult:
    """Bare only: from one saved state, ``reps`` times run handle then callback 不满意."""
    result: FixedResult = {"handle": [], "callback": []}
    for i in range(warmup + reps):
        instance = _copy(saved)
        handle = driver.step(instance, "handle", FORM_DATA["handle"])
        callback = driver.step(instance, "callback", DISSATISFIED)
        if i >= warmup:
            result["handle"].append(handle)
            result["callback"].append(callback)
    return result


# -- databases ----------------------------------------------------------------------------


@contextlib.contextmanager
def persisted_engine(url: str) -> Iterator[Engine]:
    """An engine on a freshly migrated database with ``plain_case`` deployed."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "TESTING": True})
    with app.app_context():
        logging.disable(logging.INFO)  # Alembic's env.py re-enables INFO via fileConfig
        try:
            upgrade()
        finally:
            logging.disable(logging.NOTSET)
        reads, steps = session_factories()  # as the application's (units of work apart)
    try:
        engine = Engine(reads, step_sessions=steps, clock=ManualClock(CLOCK_START))
        engine.deploy([DIAGRAM], actor="bench", note="benchmark", forms_dirs=[FORMS_DIR])
        yield engine
    finally:
        with app.app_context():
            for sa_engine in db.engines.values():
                sa_engine.dispose()


def _admin_connection(url: URL) -> psycopg.Connection:
    return psycopg.connect(
        host=url.host or "127.0.0.1",
        port=url.port or 5432,
        user=url.username,
        password=url.password,
        dbname=url.database,
        autocommit=True,
        connect_timeout=5,
    )


@contextlib.contextmanager
def postgres_database(base: str) -> Iterator[tuple[str, str] | None]:
    """A fresh database ``zongzhi_bench_<random>`` (URL, server version), dropped at exit;
    ``None`` when the server cannot be reached."""
    url = make_url(base)
    name = f"zongzhi_bench_{secrets.token_hex(4)}"
    try:
        with _admin_connection(url) as admin:
            version = admin.execute("SHOW server_version").fetchone()[0]
            admin.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as error:
        print(f"NOTE: PostgreSQL at {url.render_as_string()} unreachable, skipped: {error}")
        yield None
        return
    try:
        yield url.set(database=name).render_as_string(hide_password=False), version
    finally:
        with _admin_connection(url) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# -- report -------------------------------------------------------------------------------


def _width(text: str) -> int:
    """Terminal columns of ``text`` (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(_width(r[i]) for r in [headers, *rows]) for i in range(len(headers))]

    def line(cells: list[str]) -> str:
        first = cells[0] + " " * (widths[0] - _width(cells[0]))
        rest = [" " * (w - _width(c)) + c for c, w in zip(cells[1:], widths[1:], strict=True)]
        return "  ".join([first, *rest]).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(headers), rule, *(line(r) for r in rows)])


def _pair(values: list[float] | None) -> str:
    if not values:
        return "-"
    median, high = ms(values)
    return f"{median:.2f} / {high:.2f}"


def _ratio_pair(values: list[float] | None, bare: list[float]) -> str:
    if not values:
        return "-"
    (median, high), (bare_median, bare_high) = ms(values), ms(bare)
    return f"{median / bare_median:.1f}x / {high / bare_high:.1f}x"


def _columns(results: Mapping[str, Any]) -> list[str]:
    return ["metric", *results, *(f"{name}/bare" for name in results if name != "bare")]


def _latency_row(
    label: str, results: Mapping[str, Any], pick: Callable[[Any], list[float]]
) -> list[str]:
    bare = pick(results["bare"])
    cells = [_pair(pick(r) if r else None) for r in results.values()]
    ratios = [
        _ratio_pair(pick(r) if r else None, bare) for name, r in results.items() if name != "bare"
    ]
    return [label, *cells, *ratios]


def happy_table(results: Mapping[str, HappyResult | None]) -> str:
    bare = results["bare"]
    assert bare is not None
    throughput = [f"{r.per_second:.1f}" if r else "-" for r in results.values()]
    throughput_ratio = [
        f"{r.per_second / bare.per_second:.3f}" if r else "-"
        for name, r in results.items()
        if name != "bare"
    ]
    rows = [
        ["instances/s (start + 4 completions)", *throughput, *throughput_ratio],
        _latency_row("start, ms median / p95", results, lambda r: r.start),
        _latency_row("complete (all 4), ms median / p95", results, lambda r: r.all_completes()),
    ]
    for spec_id in HAPPY_STEPS:
        label = f"  {spec_id}, ms median / p95"
        rows.append(_latency_row(label, results, lambda r, s=spec_id: r.steps[s]))
    return table(_columns(results), rows)


def old_table(results: Mapping[str, OldResult | None]) -> str:
    rows = [
        _latency_row("handle step, ms median / p95", results, lambda r: r.handle),
        _latency_row("callback step (不满意), ms median / p95", results, lambda r: r.callback),
        _latency_row("both steps pooled, ms median / p95", results, lambda r: r.both()),
    ]
    return table(_columns(results), rows)


def fixed_table(fixed: FixedResult, loops: int) -> str:
    labels = {"handle": "handle step", "callback": "callback step (不满意)"}
    rows = [
        [
            labels[step],
            _pair([p.total for p in phases]),
            _pair([p.load for p in phases]),
            _pair([p.run for p in phases]),
            _pair([p.dump for p in phases]),
        ]
        for step, phases in fixed.items()
    ]
    headers = [
        f"bare, saved {loops}-loop state, ms median / p95",
        "total",
        "load_state",
        "run+engine steps",
        "dump_state",
    ]
    return table(headers, rows)


def sizes_table(results: Mapping[str, OldResult | None]) -> str:
    loops = sorted(next(r for r in results.values() if r).size_kb)
    rows = [
        [name, *(f"{r.size_kb[n]:.1f}" if r else "-" for n in loops)] for name, r in results.items()
    ]
    return table(["state size, KB (UTF-8 bytes/1024)", *(f"{n} loops" for n in loops)], rows)


# -- main ---------------------------------------------------------------------------------


def _bare_parsed() -> ParsedProcess:
    """The spec as the engine's cache holds it: parsed, serialized, restored."""
    parser = new_parser()
    parser.add_bpmn_file(str(DIAGRAM))
    parsed = ParsedProcess(parser.get_spec(PROCESS_ID), parser.get_subprocess_specs(PROCESS_ID))
    return spec_from_json(spec_to_json(parsed))


@dataclass
class DbResult:
    happy: HappyResult
    old: OldResult
    rounds: Samples
    profile: str | None = None


def _verbs(driver: PersistedDriver, bare_round: Callable[[], list[float]]) -> Verbs:
    return Verbs(
        start=lambda data: driver.start(data)[0],
        complete=driver.complete,
        evict=driver.engine.workflows.discard,
        bare_round=bare_round,
        forms=FORM_DATA,
        dissatisfied=DISSATISFIED,
    )


def _fresh_state(driver: PersistedDriver) -> str:
    """A fresh case's stored state (waiting at handle): the floor row's content."""
    handle, _ = driver.start({})
    driver.complete(handle, "intake", FORM_DATA["intake"])
    with driver.engine.session_factory() as session:
        return session.execute(select(Instance.state).where(Instance.id == handle)).scalar_one()


def _handle_step(driver: PersistedDriver) -> Callable[[], None]:
    """The handle step of a new case (started, intake done, its task found): the
    ``Engine.complete`` call alone, as the rounds time it, with the cache warm."""
    handle, _ = driver.start({"max_callback_rounds": 3})
    driver.complete(handle, "intake", FORM_DATA["intake"])
    [task] = [
        view
        for view in driver.engine.tasks_of(handle)
        if view.status == TaskStatus.READY and view.spec_id == "handle"
    ]
    actor = Actor.of("bench", [task.candidate_role] if task.candidate_role else [])
    return lambda: driver.engine.complete(task.id, FORM_DATA["handle"], actor=actor)


def _measure_db(
    label: str, url: str, counts: Counts, bare_round: Callable[[], list[float]], profile: bool
) -> DbResult:
    print(f"... {label}: happy path", flush=True)
    with persisted_engine(url) as engine:
        driver = PersistedDriver(engine)
        happy = run_happy(driver, counts.happy_warmup, counts.happy_db)
        print(f"... {label}: old case", flush=True)
        old, _ = run_old_case(driver, counts)
        print(f"... {label}: interleaved rounds ({counts.rounds} aged cases first)", flush=True)
        verbs = _verbs(driver, bare_round)
        floor = Floor(_bind(engine.step_sessions), _fresh_state(driver))
        aged = aged_cases(verbs, counts.rounds)
        rounds = run_rounds(verbs, floor, aged, counts.rounds_warmup)
        stats = engine.workflows.stats()
        rounds.cache_hits, rounds.cache_misses = stats.hits, stats.misses
        rounds.trips = count_trips(
            floor,
            _handle_step(driver),
            [_bind(engine.session_factory), _bind(engine.step_sessions)],
        )
        found = profile_step(_handle_step(driver)) if profile else None
    return DbResult(happy, old, rounds, found)


def _bind(sessions: Callable[[], Any]) -> Any:
    """The SQLAlchemy engine ``sessions`` are bound to."""
    with sessions() as session:
        return session.get_bind()


def _bare_round_of(driver: BareDriver) -> Callable[[], list[float]]:
    """One callback round of a fresh case in bare SpiffWorkflow, from one saved state."""
    saved, _ = driver.start({})
    driver.complete(saved, "intake", FORM_DATA["intake"])

    def once() -> list[float]:
        instance = _copy(saved)
        return [
            driver.complete(instance, "handle", FORM_DATA["handle"]),
            driver.complete(instance, "callback", DISSATISFIED),
        ]

    return once


def _on_signal(signum: int, _frame) -> None:
    """SIGTERM or SIGHUP end the run like Ctrl-C: the bench database is dropped."""
    raise SystemExit(128 + signum)


def _print_config(counts: Counts, quick: bool, pg: tuple[str, str] | None, pg_base: str) -> None:
    versions = {
        "Python": f"{platform.python_version()} ({platform.python_implementation()})",
        "SpiffWorkflow": importlib.metadata.version("SpiffWorkflow"),
        "SQLAlchemy": importlib.metadata.version("SQLAlchemy"),
        "psycopg": importlib.metadata.version("psycopg"),
        "SQLite": sqlite3.sqlite_version,
        "PostgreSQL": pg[1] if pg else "skipped",
    }
    print(" | ".join(f"{k} {v}" for k, v in versions.items()))
    print(f"Machine: {platform.platform()}, {os.cpu_count()} CPUs")
    print(f"Mode: {'--quick' if quick else 'full'}")
    print(
        f"Happy path: {counts.happy_warmup} warm-up + {counts.happy_db} measured instances per "
        f"database; bare: {counts.happy_warmup} warm-up + {counts.happy_bare} measured"
    )
    print(
        f"Old case: started with max_callback_rounds={counts.max_rounds}, driven {counts.loops} "
        f"loops (the last {counts.old_warmup} are the warm-up), then {counts.old_reps} measured "
        "loops"
    )
    print(f"PostgreSQL server: {make_url(pg_base).render_as_string()}")
    print(
        "SQLite: temp file, WAL journal (the app's settings); PostgreSQL: fresh "
        "zongzhi_bench_<random> database, dropped at exit"
    )


def _explain() -> None:
    print(
        "Timed: persisted = one Engine.start / Engine.complete call each (a DB transaction: "
        "lock row, load_state,\n  run, project, history, dump_state, commit); bare = "
        "load_state -> task.data.update + task.run()\n  + do_engine_steps() -> dump_state, "
        "same sandboxed script engine and serializer, no DB.\n  Finding the next ready "
        "task's id (Engine.tasks_of / in memory) happens outside the clock.\n"
        "  Instances/s = measured instances / sum of (start + 4 completions) times. "
        "Ratios are persisted/bare."
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small counts (under 2 minutes)")
    parser.add_argument(
        "--profile", action="store_true", help="print a cProfile of one fresh persisted step"
    )
    parser.add_argument(
        "--postgres",
        default=os.environ.get("ZONGZHI_BENCH_DATABASE_URL", DEFAULT_POSTGRES),
        help="PostgreSQL server URL (a database on it is used to create the bench database)",
    )
    args = parser.parse_args(argv)
    counts = QUICK if args.quick else FULL
    wall = time.perf_counter()
    load_before = os.getloadavg()[0]

    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _on_signal)
    with (
        tempfile.TemporaryDirectory(prefix="zongzhi-bench-") as tmp,
        postgres_database(args.postgres) as pg,
    ):
        bare_driver = BareDriver(_bare_parsed())
        print("... bare: happy path", flush=True)
        happy: dict[str, HappyResult | None] = {
            "bare": run_happy(bare_driver, counts.happy_warmup, counts.happy_bare)
        }
        print("... bare: old case", flush=True)
        bare_old, saved = run_old_case(bare_driver, counts, keep=_copy)
        fixed = rerun_fixed_state(bare_driver, saved, counts.old_warmup, counts.old_reps)
        old: dict[str, OldResult | None] = {"bare": bare_old}
        bare_round = _bare_round_of(bare_driver)

        databases = {"SQLite": f"sqlite:///{Path(tmp) / 'bench.db'}"}
        if pg:
            databases["PostgreSQL"] = pg[0]
        profiled = list(databases)[-1]  # PostgreSQL when it was reached
        measured = {
            name: _measure_db(name, url, counts, bare_round, args.profile and name == profiled)
            for name, url in databases.items()
        }
        happy["PostgreSQL"] = old["PostgreSQL"] = None
        for name, result in measured.items():
            happy[name], old[name] = result.happy, result.old

    order = ["SQLite", "PostgreSQL", "bare"]
    print()
    print(f"=== zongzhi engine benchmark: process {PROCESS_ID} ({DIAGRAM.relative_to(ROOT)}) ===")
    _print_config(counts, args.quick, pg, args.postgres)
    _explain()
    print()
    print("[1+2] Happy path: start -> intake -> handle -> callback(满意) -> close")
    print(happy_table({k: happy[k] for k in order}))
    print()
    loops, last = counts.loops, counts.loops + counts.old_reps
    print(
        f"[3] Old case at ~{loops} loops: one instance, {counts.old_reps} measured loops "
        f"continuing from {loops} to {last} loops;\n"
        "    each loop = complete handle, then complete callback 不满意 (which runs "
        "count_round and the gateway back to handle)"
    )
    print(old_table({k: old[k] for k in order}))
    print()
    print(fixed_table(fixed, loops))
    print(
        f"    (the state saved at {loops} loops, waiting at handle, is reloaded for each of "
        f"{counts.old_reps} reps after {counts.old_warmup} warm-up reps: identical state "
        "every time)"
    )
    print()
    print(sizes_table({k: old[k] for k in order}))
    print("    (0 loops = after intake, waiting at handle; measured from the stored state text)")
    print()
    print(
        f"[4] Interleaved rounds ({counts.rounds} rounds, the first {counts.rounds_warmup} "
        "not kept): bare, commit floor, persisted steps take turns"
    )
    print(report({name: result.rounds for name, result in measured.items()}))
    print(
        "    (each step sample is one handle or one callback 不满意 step; the floor commits "
        "one row as big as a fresh case's state)"
    )
    for name, result in measured.items():
        if result.profile:
            print()
            print(f"[5] cProfile of one fresh persisted handle step, {name}, cache warm")
            print(result.profile)
    print()
    print(
        f"Total wall time: {time.perf_counter() - wall:.1f} s; 1-minute load average "
        f"{load_before:.2f} at start, {os.getloadavg()[0]:.2f} at end "
        f"({os.cpu_count()} CPUs; other processes compete for them)"
    )
    headline = measured.get("PostgreSQL") or measured["SQLite"]
    print(f"RATIO step_vs_floor={headline.rounds.step_vs_floor:.2f}")
    print(f"RATIO aged_vs_fresh={headline.rounds.aged_vs_fresh:.2f}")


if __name__ == "__main__":
    main()
