"""Benchmark timer firing with real ``zongzhi scheduler`` processes.

Run from the project root::

    python bench/timers.py [--quick] [--postgres URL] [--profile N]

On a fresh database (a temporary SQLite file, or with ``--postgres`` a new PostgreSQL
database on that server, dropped at exit even when interrupted) it starts two
``zongzhi scheduler`` processes with default settings (poll every 30 s) and measures:

1. lateness: timers armed one after another by real steps of this process, each due a
   few seconds after it is armed (so the schedulers sleep toward a later timer and must
   be woken for an earlier one); lateness is the firing step's time (its ``timer_fired``
   history event) minus the due time; median, p95 and worst;
2. a drain: 10,000 instances whose timers fall due at one moment (one started by a real
   step, the others its clones, inserted in one transaction that wakes the schedulers
   as a step would); the time from that moment (or the commit, if later) until the last
   fired;
3. doubles: instances with more than one ``timer_fired`` event.

Beside the drain it prints the CPU the schedulers and the database server spent per timer.
``--profile N`` starts no scheduler: this process fires N due timers, timed three times
(wall and CPU per timer, its own and the server's), then once under cProfile.

The last line is ``TIMERS p95_late_s=<a> drain_10k_s=<b> doubles=<c>``.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select, text  # noqa: E402
from sqlalchemy.orm import sessionmaker  # noqa: E402

from bench.databases import bulk_insert, database, migrated_app  # noqa: E402
from engine import Actor, Engine, SourceFile  # noqa: E402
from engine.db import db  # noqa: E402
from engine.models import HistoryEvent, Instance, TimerRecord  # noqa: E402
from engine.timer_wake import armed  # noqa: E402

STARTER = Actor.of("bench", ["镇综治中心"])
DIAGRAM = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  id="defs_bench_timer" targetNamespace="http://zongzhi.bench">
<bpmn:process id="bench_timer" name="定时器基准" isExecutable="true">
<bpmn:startEvent id="start"/>
<bpmn:intermediateCatchEvent id="wait" name="等到点"><bpmn:timerEventDefinition>
<bpmn:timeDate>due</bpmn:timeDate></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
<bpmn:endEvent id="end"/>
<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait"/>
<bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="end"/>
</bpmn:process></bpmn:definitions>
"""
UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
DRAIN_SIZE = 10_000
SCHEDULERS = 2


def _stop_on_sigterm() -> None:
    def interrupt(*_):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)


def start_schedulers(url: str, logs: Path) -> list[subprocess.Popen]:
    """``zongzhi scheduler`` processes with default settings; they die with this one."""
    env = {
        **os.environ,
        "ZONGZHI_DATABASE_URL": url,
        "ZONGZHI_SECRET_KEY": "bench-timers",
        "ZONGZHI_LOG_LEVEL": os.environ.get("BENCH_SCHEDULER_LOG_LEVEL", "WARNING"),
        "ZONGZHI_SUPERVISOR_PID": str(os.getpid()),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("ZONGZHI_TIMER_POLL_SECONDS", None)
    procs = []
    for n in range(SCHEDULERS):
        out = (logs / f"scheduler-{n}.log").open("w")
        procs.append(
            subprocess.Popen(
                [sys.executable, "-m", "webapp.cli", "scheduler"],
                env=env,
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        )
    return procs


def stop_schedulers(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def wait_until_ready(engine: Engine, logs: Path, timeout: float = 120) -> None:
    """Until every scheduler has started (and listens, on PostgreSQL) and a warm-up timer
    has fired."""
    listening = text(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE datname = current_database() AND query LIKE 'LISTEN %'"
    )
    deadline = time.monotonic() + timeout

    def ready() -> bool:
        started = sum("定时器调度已启动" in log.read_text() for log in logs.glob("*.log"))
        if started < SCHEDULERS:
            return False
        with engine.session_factory() as session:
            if session.get_bind().dialect.name != "postgresql":
                return True
            return session.execute(listening).scalar_one() >= SCHEDULERS

    while not ready():
        if time.monotonic() > deadline:
            raise SystemExit("调度进程未能在规定时间内启动")
        time.sleep(0.2)
    warm_up = arm(engine, datetime.now(UTC) + timedelta(seconds=0.5))
    while warm_up not in fired_at(engine, [warm_up]):
        if time.monotonic() > deadline:
            raise SystemExit("调度进程未触发预热定时器")
        time.sleep(0.1)


def fired_at(engine: Engine, instance_ids: list[int] | None = None) -> dict[int, datetime]:
    """The first ``timer_fired`` time of each instance."""
    query = (
        select(HistoryEvent.instance_id, func.min(HistoryEvent.at))
        .where(HistoryEvent.event_type == "timer_fired")
        .group_by(HistoryEvent.instance_id)
    )
    with engine.session_factory() as session:
        found = dict(session.execute(query).all())
    if instance_ids is None:
        return found
    wanted = set(instance_ids)
    return {k: v for k, v in found.items() if k in wanted}


def count_fired(engine: Engine) -> int:
    query = select(func.count(func.distinct(HistoryEvent.instance_id))).where(
        HistoryEvent.event_type == "timer_fired"
    )
    with engine.session_factory() as session:
        return session.execute(query).scalar_one()


def doubles(engine: Engine) -> int:
    per_instance = (
        select(HistoryEvent.instance_id)
        .where(HistoryEvent.event_type == "timer_fired")
        .group_by(HistoryEvent.instance_id)
        .having(func.count() > 1)
        .subquery()
    )
    with engine.session_factory() as session:
        return session.execute(select(func.count()).select_from(per_instance)).scalar_one()


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, -(-95 * len(ordered) // 100) - 1)]


def arm(engine: Engine, due: datetime) -> int:
    return engine.start("bench_timer", actor=STARTER, data={"due": due.isoformat()})


def lateness(engine: Engine, *, count: int, spread_s: float) -> list[float]:
    """Arm ``count`` timers over ``spread_s`` seconds, each due 0.5–4 s after arming;
    seconds each fired after its due time."""
    dues: dict[int, datetime] = {}
    began = time.monotonic()
    for n in range(count):
        time.sleep(max(0.0, began + n * spread_s / count - time.monotonic()))
        due = datetime.now(UTC) + timedelta(seconds=random.uniform(0.5, 4.0))
        dues[arm(engine, due)] = due
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        fired = fired_at(engine, list(dues))
        if len(fired) == len(dues):
            break
        time.sleep(0.5)
    late = [(fired[i] - due).total_seconds() for i, due in dues.items() if i in fired]
    if os.environ.get("BENCH_KEEP_LOGS"):
        for i, due in dues.items():
            if i in fired and (fired[i] - due).total_seconds() > 1:
                print(f"  late: instance {i} due {due:%H:%M:%S.%f} fired {fired[i]:%H:%M:%S.%f}")
    missing = len(dues) - len(late)
    if missing:
        print(f"  {missing} timer(s) did not fire within 90 s of the last due time")
        late += [float("inf")] * missing
    return late


def _clone_rows(template: Instance, timer: TimerRecord, first_id: int, n: int, due: datetime):
    """``n`` copies of a waiting instance and its timer row, with fresh task ids, their
    timer due at ``due`` instead."""
    old_due, new_due = timer.due_at.isoformat(), due.isoformat()
    if old_due not in template.state:
        raise SystemExit("模板实例的状态中找不到其定时器的到期时间")
    instances, timers = [], []
    for k in range(n):
        fresh: dict[str, str] = {}

        def renew(match: re.Match, fresh: dict[str, str] = fresh) -> str:
            return fresh.setdefault(match[0], str(uuid.uuid4()))

        state = UUID_RE.sub(renew, template.state).replace(old_due, new_due)
        instances.append(
            dict(
                id=first_id + k,
                definition_id=template.definition_id,
                process_id=template.process_id,
                version_id=template.version_id,
                status=template.status,
                state=state,
                serializer_version=template.serializer_version,
                started_by=template.started_by,
                started_at=template.started_at,
                updated_at=template.updated_at,
                ended_at=None,
                row_version=1,
            )
        )
        timers.append(
            dict(
                instance_id=first_id + k,
                task_id=fresh.get(timer.task_id, timer.task_id),
                spec_id=timer.spec_id,
                name=timer.name,
                due_at=due,
                attempts=0,
            )
        )
    return instances, timers


def _insert_clones(engine: Engine, instances: list[dict], timers: list[dict]) -> None:
    """Insert the clones in one transaction that wakes the schedulers as a step would."""
    with engine.session_factory() as session:
        connection = session.connection()
        bulk_insert(connection, Instance, instances)
        bulk_insert(connection, TimerRecord, timers)
        if connection.dialect.name == "postgresql":
            connection.execute(
                text(
                    "SELECT setval(pg_get_serial_sequence('instance', 'id'), max(id)) FROM instance"
                )
            )
        armed(session, [(None, None, None, timers[0]["due_at"])], now=datetime.now(UTC))
        session.commit()


def seed_clones(engine: Engine, *, size: int, lead_s: float) -> tuple[list[int], datetime]:
    """Insert ``size`` clones of a waiting instance (armed by a real step, due an hour
    ahead), their timers due ``lead_s`` after the clones are built, in one transaction
    that wakes the schedulers as a step would; their ids and the due time."""
    template_id = arm(engine, datetime.now(UTC) + timedelta(hours=1))
    with engine.session_factory() as session:
        template = session.get(Instance, template_id)
        timer = session.execute(
            select(TimerRecord).where(TimerRecord.instance_id == template_id)
        ).scalar_one()
        first = (session.execute(select(func.max(Instance.id))).scalar() or 0) + 1
        later = datetime.now(UTC) + timedelta(hours=2)  # a placeholder, replaced below
        instances, timers = _clone_rows(template, timer, first, size, later)
    due = datetime.now(UTC) + timedelta(seconds=lead_s)
    for row in instances:
        row["state"] = row["state"].replace(later.isoformat(), due.isoformat())
    for row in timers:
        row["due_at"] = due
    _insert_clones(engine, instances, timers)
    return [row["id"] for row in instances], due


def drain(engine: Engine, *, size: int, lead_s: float, schedulers: list[int]) -> tuple[float, int]:
    """Seconds to fire ``size`` timers falling due at one moment; how many fired.

    A template instance is armed by a step (due an hour ahead; it stays waiting), then
    ``size`` clones of it, due ``lead_s`` after they are built, are inserted at once.
    Prints the CPU the ``schedulers`` processes and the database server spent meanwhile
    (a figure the other work of a shared machine does not move much)."""
    cpu = _cpu_seconds(schedulers), _backend_cpu(engine)
    ids, due = seed_clones(engine, size=size, lead_s=lead_s)
    committed = datetime.now(UTC)
    start = max(due, committed)
    late = (committed - due).total_seconds()
    print(f"  {size} timers due at +{lead_s:.0f} s, their insert committed {late:+.1f} s from due")
    deadline = time.monotonic() + lead_s + 900
    before = count_fired(engine)
    while time.monotonic() < deadline:  # a count only: the schedulers keep the CPU
        if count_fired(engine) - before >= len(ids):
            break
        time.sleep(1)
    fired = fired_at(engine, ids)
    own, server = _spent(cpu[0], _cpu_seconds(schedulers)), _spent(cpu[1], _backend_cpu(engine))
    print(
        f"  drain CPU per timer: {own / size * 1000:.2f} ms in the schedulers, "
        f"{server / size * 1000:.2f} ms in the database server; load {os.getloadavg()[0]:.1f}"
    )
    if len(fired) < len(ids):
        return float("inf"), len(fired)
    return (max(fired.values()) - start).total_seconds(), len(fired)


def run(url: str, label: str, *, quick: bool, drain_size: int) -> str:
    app = migrated_app(url)
    with app.app_context():
        engine = Engine(sessionmaker(bind=db.engine, expire_on_commit=False))
        engine.deploy_set(
            [SourceFile("bench_timer.bpmn", "bpmn", DIAGRAM.encode())],
            actor="bench",
            note="定时器基准",
        )
        with tempfile.TemporaryDirectory() as logs:
            procs = start_schedulers(url, Path(logs))
            try:
                wait_until_ready(engine, Path(logs))
                count, spread = (40, 20.0) if quick else (200, 100.0)
                print(f"{label}: {SCHEDULERS} schedulers, default settings")
                late = lateness(engine, count=count, spread_s=spread)
                late.sort()
                print("  worst:", " ".join(f"{x:.2f}" for x in late[-5:]))
                print(
                    f"  lateness of {count} timers armed over {spread:.0f} s: "
                    f"median {late[len(late) // 2]:.3f} s, p95 {p95(late):.3f} s, "
                    f"worst {late[-1]:.3f} s"
                )
                pids = [proc.pid for proc in procs]
                drain_s, fired = drain(engine, size=drain_size, lead_s=2, schedulers=pids)
                print(f"  drain: {fired} fired in {drain_s:.1f} s")
                twice = doubles(engine)
                print(f"  instances fired twice: {twice}; fired in all: {count_fired(engine)}")
            finally:
                stop_schedulers(procs)
                for log in sorted(Path(logs).glob("*.log")):
                    if os.environ.get("BENCH_KEEP_LOGS"):
                        shutil.copy(log, Path(os.environ["BENCH_KEEP_LOGS"]) / log.name)
                    errors = [ln for ln in log.read_text().splitlines() if "ERROR" in ln]
                    if errors:
                        print(f"  {log.name}: {len(errors)} error line(s), first: {errors[0]}")
        db.engine.dispose()
    return f"TIMERS p95_late_s={p95(late):.3f} drain_10k_s={drain_s:.1f} doubles={twice}"


def _cpu_seconds(pids) -> dict[int, float]:
    """CPU seconds so far of each process of ``pids`` still running on this machine."""
    found = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        found[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return found


def _backend_cpu(engine: Engine) -> dict[int, float]:
    """CPU seconds so far of each PostgreSQL backend serving this database (on this
    machine; empty elsewhere or on SQLite)."""
    with engine.session_factory() as session:
        if session.get_bind().dialect.name != "postgresql":
            return {}
        pids = session.execute(
            text("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
        ).scalars()
        return _cpu_seconds(list(pids))


def _spent(before: dict[int, float], after: dict[int, float]) -> float:
    return sum(v - before.get(k, 0.0) for k, v in after.items())


def profile(url: str, label: str, *, size: int, top: int) -> None:
    """One scheduler (this process, the application's engine, one thread) firing ``size``
    due timers, three times timed (wall and CPU per instance), then under
    cProfile; prints the profile's top functions."""
    import cProfile
    import pstats

    from webapp.cli import quiet_libraries
    from webapp.engine_binding import current_engine

    quiet_libraries(logging.WARNING)  # as a scheduler started by the command line
    app = migrated_app(url)
    with app.app_context():
        engine = current_engine()
        engine.deploy_set(
            [SourceFile("bench_timer.bpmn", "bpmn", DIAGRAM.encode())],
            actor="bench",
            note="定时器基准",
        )
        profiler = cProfile.Profile(time.process_time)  # CPU: the machine is shared
        for run in ("timed", "timed", "timed", "profiled"):
            seed_clones(engine, size=size, lead_s=0)
            time.sleep(0.01)
            backends = _backend_cpu(engine)
            wall, cpu = time.perf_counter(), time.process_time()
            if run == "timed":
                fired = engine.fire_due_timers()
            else:
                fired = profiler.runcall(engine.fire_due_timers)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            server = _spent(backends, _backend_cpu(engine))
            print(
                f"{label}, {run}: fired {fired} instance(s) in {wall:.2f} s: "
                f"{wall / fired * 1000:.2f} ms each, CPU {cpu / fired * 1000:.2f} ms "
                f"in this process, {server / fired * 1000:.2f} ms in the database server"
            )
        db.engine.dispose()
    stats = pstats.Stats(profiler)
    print(f"profiled: {stats.total_calls / fired:.0f} Python function calls per instance")
    for order in ("cumulative", "tottime"):
        stats.sort_stats(order).print_stats(top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer lateness timers (<2 min)")
    parser.add_argument("--postgres", metavar="URL", help="PostgreSQL server for the database")
    parser.add_argument("--drain-size", type=int, default=DRAIN_SIZE, help=argparse.SUPPRESS)
    parser.add_argument(
        "--profile",
        type=int,
        metavar="N",
        help="no schedulers: cProfile this process firing N due timers, print the top",
    )
    parser.add_argument("--top", type=int, default=40, help=argparse.SUPPRESS)
    args = parser.parse_args()
    _stop_on_sigterm()
    with database(args.postgres, "bench-timers.db") as (url, label):
        if args.profile:
            profile(url, label, size=args.profile, top=args.top)
            return
        line = run(url, label, quick=args.quick, drain_size=args.drain_size)
    print(line)


if __name__ == "__main__":
    main()
