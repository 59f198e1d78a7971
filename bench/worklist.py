"""Benchmark the lists at every view: 我的待办 (``GET /tasks/``) and 案件查询 (``GET /cases``).

Run from the project root::

    python bench/worklist.py [--quick] [--cases 100000] [--events 1000000] [--runs 20]
                             [--database-url URL]

Seeds ``--cases`` cases (default 100,000) and ``--events`` history events (default
1,000,000) straight into the tables, in bulk (COPY on PostgreSQL) and without the engine
(``bench/worklist_seed.py``). Then times the whole page, login done, as a browser asks it:
``/tasks/`` for a township user, a county user, a county user holding every lane (the worst
case) and a department liaison, and ``/cases`` for the township and the county users, each
with every sort, filter and search the page offers (a party's phone, its last four digits,
a name, a part of a case code) and page 20, reached by following 下一页 from the first.
Prints median / p95 per view, then one line per view's p95, and last
``LISTS worst_p95_ms=<x> view=<name>``.

``--quick`` seeds 10,000 cases and 100,000 events and runs each view 10 times (under two
minutes), with the same final lines.

Without ``--database-url`` it runs on a temporary SQLite file. With a PostgreSQL URL it
creates its own database ``zongzhi_bench_<random>`` on that server and drops it at exit,
also when interrupted (Ctrl-C, SIGTERM, SIGHUP).
"""

from __future__ import annotations

import argparse
import html
import math
import re
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, this file's folder would come first on sys.path; use the project root.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from bench.databases import database, migrated_app, summary, table, timed  # noqa: E402
from bench.worklist_seed import (  # noqa: E402
    COUNTY,
    NOW,
    PASSWORD,
    TOWNSHIPS,
    grids,
    phone,
    seed,
)
from engine import ManualClock  # noqa: E402
from engine.db import db  # noqa: E402
from processes.models import Case, Party  # noqa: E402
from webapp.engine_binding import EXTENSION_KEY  # noqa: E402

NEXT_LINK = re.compile(r'href="([^"]+)" rel="next"')
TASK_USERS = ("bench.township", "bench.county", "bench.all", "bench.liaison")
CASE_USERS = ("bench.township", "bench.county")


@dataclass(frozen=True)
class View:
    name: str
    path: str


def sample_case(app: Flask, username: str, count: int) -> tuple[int, str, str]:
    """A case in the user's area, late in the id range: (id, its code, its first party)."""
    every = len(grids())  # case i lies in grid i % every; township t holds 20 grids in turn
    offset = 5 if username == "bench.township" else (every // TOWNSHIPS) * 7 + 3
    base = count - count % every
    case_id = base + offset if base + offset <= count else max(1, base - every + offset)
    with app.app_context():
        code = db.session.scalar(select(Case.code).where(Case.id == case_id)) or ""
        name = db.session.scalar(select(Party.name).where(Party.case_id == case_id)) or "王"
    return case_id, code, name


def searches(case_id: int, code: str, name: str) -> list[tuple[str, dict]]:
    return [
        ("search phone", {"q": phone(case_id, 0)}),
        ("search code part", {"q": code[-15:]}),
        ("search name", {"q": name}),
    ]


def task_views(app: Flask, count: int) -> list[View]:
    views = []
    for username in TASK_USERS:
        found = sample_case(app, username, count)
        asks = [
            ("by due", {}),
            ("by received", {"sort": "received"}),
            ("by risk", {"sort": "risk"}),
            ("near-due by risk", {"due": "near", "sort": "risk"}),
            ("red + overdue", {"risk": "红", "due": "overdue"}),
            *searches(*found),
        ]
        views += [View(f"tasks {username} {label}", _path("/tasks/", a)) for label, a in asks]
        views.append(View(f"tasks {username} page 20", deep_page(app, username, "/tasks/", 20)))
    return views


def case_views(app: Flask, count: int) -> list[View]:
    views = []
    for username in CASE_USERS:
        case_id, code, name = sample_case(app, username, count)
        asks = [
            ("newest", {}),
            ("red", {"risk": "红"}),
            ("overdue", {"overdue": "1"}),
            ("handling", {"status": "办理中"}),
            *searches(case_id, code, name),
            ("search phone last 4", {"q": phone(case_id, 0)[-4:]}),
        ]
        views += [View(f"cases {username} {label}", _path("/cases", a)) for label, a in asks]
        views.append(View(f"cases {username} page 20", deep_page(app, username, "/cases", 20)))
    return views


def deep_page(app: Flask, username: str, first: str, number: int) -> str:
    """The address of page ``number`` as a person reaches it: following 下一页 from the
    first page (the link carries the last row's key, ``webapp/keyset.py``)."""
    client = app.test_client()
    client.post("/login", data={"username": username, "password": PASSWORD})
    path = first
    for _ in range(number - 1):
        found = NEXT_LINK.search(client.get(path).get_data(as_text=True))
        if found is None:
            break
        path = html.unescape(found.group(1))
    return path


def _path(base: str, args: dict) -> str:
    return f"{base}?{urlencode(args)}" if args else base


def measure(app: Flask, views: list[View], runs: int) -> dict[str, list[float]]:
    """Milliseconds of each view's whole ``GET``, per view."""
    app.extensions[EXTENSION_KEY] = None
    app.config["ZONGZHI_CLOCK"] = ManualClock(NOW)
    clients = {}
    times: dict[str, list[float]] = {}
    for view in views:
        username = view.name.split()[1]
        if username not in clients:
            clients[username] = app.test_client()
            clients[username].post("/login", data={"username": username, "password": PASSWORD})
        client = clients[username]

        def get(c=client, v=view):
            response = c.get(v.path)
            assert response.status_code == 200, (v.path, response.status_code)

        times[view.name] = timed(get, runs)
    return times


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def floor(app: Flask, runs: int) -> list[float]:
    """``GET /healthz`` (one database round trip): the machine's floor, to read the views'
    figures against when other work shares its cores."""
    client = app.test_client()
    return timed(lambda: client.get("/healthz"), runs)


def report(times: dict[str, list[float]], base: list[float]) -> None:
    rows = [[name, summary(values)] for name, values in times.items()]
    print(table(["view (whole GET, logged in)", "ms median / p95"], rows))
    print(f"\nfloor: GET /healthz {summary(base)} ms median / p95 (the machine's load)")
    print()
    worst = max(times, key=lambda name: p95(times[name]))
    view = worst.replace(" ", "/", 2).replace(" ", "_")
    print(f"LISTS worst_p95_ms={p95(times[worst]):.1f} view={view}")


def seeded_cases(app: Flask) -> int:
    """How many cases a kept database already holds (0: seed it)."""
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Case)) or 0


def _interrupted(signum, _frame):
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="10,000 cases, 10 runs")
    parser.add_argument("--cases", type=int, default=None)
    parser.add_argument("--events", type=int, default=None)
    parser.add_argument("--runs", type=int, default=None)
    parser.add_argument("--database-url", default=None, help="SQLite (default) or PostgreSQL")
    parser.add_argument(
        "--keep",
        metavar="NAME",
        default=None,
        help="PostgreSQL: seed the database NAME once and keep it; later runs reuse it",
    )
    args = parser.parse_args(argv)
    cases = args.cases or (10_000 if args.quick else 100_000)
    events = args.events if args.events is not None else cases * 10
    runs = args.runs or (10 if args.quick else 20)
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _interrupted)
    with database(args.database_url, "worklist.db", keep=args.keep) as (url, kind):
        app = migrated_app(url)
        seeded = seeded_cases(app)
        if seeded:
            cases = seeded
            print(f"{kind}: reusing {args.keep} ({cases:,} cases); {runs} runs per view\n")
        else:
            seconds, candidates = seed(app, cases, events)
            print(
                f"{kind}: seeded {cases:,} cases ({cases * 4:,} task rows, {candidates:,} "
                f"candidate rows, {cases * 2:,} parties, {events:,} history events) in "
                f"{seconds:.1f} s; county {COUNTY}; {runs} runs per view after a warm-up\n"
            )
        began = time.perf_counter()
        base = floor(app, runs)
        times = measure(app, task_views(app, cases) + case_views(app, cases), runs)
        print(f"timed {len(times)} views in {time.perf_counter() - began:.1f} s\n")
        report(times, base + floor(app, runs))
        with app.app_context():
            db.engine.dispose()
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt as stop:  # the database was dropped on the way out
        print(f"interrupted ({stop or 'Ctrl-C'}); the benchmark's database is dropped")
        sys.exit(130)
