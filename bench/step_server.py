"""Where a persisted step's time goes on PostgreSQL: the client's CPU, the server's CPU.

Run from the project root, with the PostgreSQL server on this machine (its backends'
CPU is read from ``/proc``)::

    python bench/step_server.py [--steps N] [--postgres URL]

1. Warm steps of ``plain_case`` (fresh cases, handle then callback 不满意, as
   ``bench/engine.py``'s rounds), each next to one floor commit (one row as big as a
   fresh case's state): client CPU (``time.process_time``), server CPU (the database's
   backends, ``/proc/<pid>/stat``), wall.
2. One handle step's statements (its read, its combined write; the case evicted from the
   workflow cache first, as a warm step from rows this process holds reads nothing)
   captured and replayed on
   one connection, ``BEGIN``; read; write; ``ROLLBACK``: the server CPU of each, as the
   step sends it (parsed and planned every time) and prepared (planned once).

Server CPU is counted in clock ticks (usually 10 ms): figures are means over many steps.
The database is created and dropped (also on Ctrl-C, SIGTERM, SIGHUP).
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
from sqlalchemy import event, select  # noqa: E402

from bench.engine import (  # noqa: E402
    DEFAULT_POSTGRES,
    DISSATISFIED,
    FORM_DATA,
    PersistedDriver,
    _bind,
    _fresh_state,
    persisted_engine,
    postgres_database,
)
from bench.engine_rounds import Floor  # noqa: E402
from engine import Actor, Engine, TaskStatus  # noqa: E402
from engine.models import Instance  # noqa: E402

_TICK = os.sysconf("SC_CLK_TCK")


def _on_signal(signum: int, _frame: Any) -> None:
    raise SystemExit(128 + signum)


def server_seconds(pids: list[int]) -> float:
    """CPU seconds the backends ``pids`` used so far (user + system)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / _TICK


def backends(admin_url: str, database: str) -> list[int]:
    with psycopg.connect(admin_url, autocommit=True) as connection:
        rows = connection.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s", (database,)
        ).fetchall()
    return [row[0] for row in rows]


def _ready(engine: Engine, case: int, spec_id: str) -> tuple[str, Actor]:
    [task] = [
        view
        for view in engine.tasks_of(case)
        if view.status == TaskStatus.READY and view.spec_id == spec_id
    ]
    return task.id, Actor.of("bench", [task.candidate_role] if task.candidate_role else [])


def _new_case(driver: PersistedDriver) -> int:
    case, _ = driver.start({"max_callback_rounds": 3})
    driver.complete(case, "intake", FORM_DATA["intake"])
    return case


def _timed(pids: list[int], run: Callable[[], Any]) -> tuple[float, float, float]:
    """(client CPU, server CPU, wall) of ``run()``, in seconds."""
    server, client, wall = server_seconds(pids), time.process_time(), time.perf_counter()
    run()
    wall, client = time.perf_counter() - wall, time.process_time() - client
    return client, server_seconds(pids) - server, wall


def steps_and_floor(driver: PersistedDriver, floor: Floor, pids: list[int], count: int) -> None:
    samples: dict[str, list[tuple[float, float, float]]] = {"step": [], "floor": []}
    for number in range(count + 5):
        case = _new_case(driver)
        for spec_id, data in (("handle", FORM_DATA["handle"]), ("callback", DISSATISFIED)):
            task_id, actor = _ready(driver.engine, case, spec_id)
            step = _timed(
                pids, lambda t=task_id, d=data, a=actor: driver.engine.complete(t, d, actor=a)
            )
            commit = _timed(pids, floor.commit)
            if number >= 5:  # the first cases warm the caches
                samples["step"].append(step)
                samples["floor"].append(commit)
    for kind, rows in samples.items():
        client = statistics.mean(r[0] for r in rows) * 1e3
        server = statistics.mean(r[1] for r in rows) * 1e3
        wall = statistics.median(r[2] for r in rows) * 1e3
        print(
            f"{kind:5s}: client CPU {client:.3f} ms, server CPU {server:.3f} ms, "
            f"wall median {wall:.3f} ms ({len(rows)} samples)"
        )


def _row_version(engine, case: int) -> int:
    with engine.session_factory() as session:
        return session.execute(select(Instance.row_version).where(Instance.id == case)).scalar_one()


def _at_version(params: dict[str, Any], version: int) -> dict[str, Any]:
    """The write's parameters checking the instance's version as it is now (the step
    itself has moved it on; each replay is rolled back, so it stays)."""
    found = dict(params)
    for key in params:
        if key.endswith("_old_version"):
            found[key] = version
        elif key.endswith("_new_version"):
            found[key] = version + 1
    return found


def replay(driver: PersistedDriver, url: str, count: int) -> None:
    """Capture one handle step's statements (caches warm: run after ``steps_and_floor``,
    but the case's workflow and rows evicted, so the step reads its task: a step from
    rows this process holds has only the write), replay its read and write ``count``
    times."""
    engine = driver.engine
    case = _new_case(driver)
    task_id, actor = _ready(engine, case, "handle")
    engine.workflows.discard(case)
    captured: list[tuple[str, Any]] = []

    def grab(_conn, _cursor, statement, parameters, _context, _many) -> None:
        captured.append((statement, parameters))

    sa_engine = _bind(engine.step_sessions)
    event.listen(sa_engine, "before_cursor_execute", grab)
    engine.complete(task_id, FORM_DATA["handle"], actor=actor)
    event.remove(sa_engine, "before_cursor_execute", grab)
    print(f"the step's statements: {len(captured)}")
    read, write = captured[0], captured[-1]
    ready_task, _ = _ready(engine, case, "callback")  # a ready task to read again
    read_params = {k: (ready_task if v == task_id else v) for k, v in dict(read[1]).items()}
    write_params = _at_version(dict(write[1]), _row_version(engine, case))
    with psycopg.connect(url) as connection:
        pid = connection.execute("SELECT pg_backend_pid()").fetchone()[0]
        connection.rollback()
        for prepare in (False, True, False, True):
            spent = {"read": 0.0, "write": 0.0}
            for _ in range(count):
                before = server_seconds([pid])
                connection.execute(read[0], read_params, prepare=prepare).fetchall()
                middle = server_seconds([pid])
                connection.execute(write[0], write_params, prepare=prepare).fetchall()
                spent["read"] += middle - before
                spent["write"] += server_seconds([pid]) - middle
                connection.execute("ROLLBACK")  # as a statement: psycopg keeps its prepared ones
            label = "prepared" if prepare else "as sent "
            shown = ", ".join(f"{k} {v / count * 1e3:.3f} ms" for k, v in spent.items())
            print(f"replayed {label}: server CPU {shown}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=150, help="fresh cases (two steps each)")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES)
    args = parser.parse_args()
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _on_signal)
    admin = args.postgres.replace("postgresql+psycopg://", "postgresql://")
    with postgres_database(args.postgres) as found:
        if found is None:
            return
        url, _version = found
        database = url.rsplit("/", 1)[1]
        with persisted_engine(url) as engine:
            driver = PersistedDriver(engine)
            floor = Floor(_bind(engine.step_sessions), _fresh_state(driver))
            steps_and_floor(driver, floor, backends(admin, database), args.steps)
            replay(driver, url.replace("postgresql+psycopg://", "postgresql://"), 400)


if __name__ == "__main__":
    main()
