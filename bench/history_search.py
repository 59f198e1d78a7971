"""Benchmark the auditor's history search (审计 › 执行历史) on millions of events.

Run from the project root::

    python bench/history_search.py [--events 2000000] [--runs 20] [--database-url URL]
                                   [--explain] [--verify] [--exports]

Seeds ``--events`` history rows (default 2,000,000) in bulk (COPY on PostgreSQL), really
hash-chained, over a year: one instance and case per ~40 events (cases interleave as they
would), 400 users with a few busy ones, seven lanes, three processes, five versions, a few
per cent operation-log rows without an instance. Then times ``engine.history_search.search``
for each kind of search the page offers: the first page, a deep page (about 10,000 rows in,
by key) and the page back from it; and the whole ``GET /audit`` page for a few. With
``--verify`` it also times one part of the chain walk (50,000 rows) and the whole walk;
with ``--exports`` an auditor's CSV and XLSX export of the newest rows (up to each cap).

Without ``--database-url`` it runs on a temporary SQLite file. With a PostgreSQL URL it
creates its own database ``zongzhi_bench_<random>`` on that server and drops it at exit.
Figures are milliseconds, median / p95 over ``--runs`` runs after one warm-up run.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, this file's folder would come first on sys.path; use the project root.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402
from sqlalchemy import insert, text  # noqa: E402
from sqlalchemy.engine import Connection  # noqa: E402

from bench.databases import (  # noqa: E402
    bulk_insert,
    database,
    instance_row,
    migrated_app,
    summary,
    table,
    timed,
)
from engine import ManualClock  # noqa: E402
from engine.db import db  # noqa: E402
from engine.history import GENESIS_HASH, HEAD_ID, canonical_text  # noqa: E402
from engine.history_search import HistoryQuery, first_page_statement, search  # noqa: E402
from engine.history_verify import verify_chain, verify_part  # noqa: E402
from engine.models import (  # noqa: E402
    HistoryEvent,
    HistoryHead,
    Instance,
    ProcessDefinition,
    ProcessVersion,
)
from processes.models import Case, Region  # noqa: E402
from webapp.accounts.service import create_user  # noqa: E402
from webapp.audit.exports import CAPS, export_rows  # noqa: E402
from webapp.audit.writers import csv_chunks, xlsx_file  # noqa: E402
from webapp.engine_binding import EXTENSION_KEY  # noqa: E402

START = datetime(2025, 9, 1, 0, 0, tzinfo=UTC)
DAYS = 365
REGION = "990000"
EVENTS_PER_CASE = 40
BATCH = 20_000
PASSWORD = "bench-pass-1"
LANES = ["网格员", "村调委会", "镇综治中心", "县综治中心", "部门", "调解员", "督办员"]
PROCESSES = [("case_main", 90), ("plain_case", 8), ("handoff", 2)]
CALLED = [("case_main", 25), ("ladder", 50), ("callback", 15), ("supervise", 10)]
"""Which diagram runs a step of a case_main case: mostly the processes it calls."""
VERSIONS = 5
STEPS = [(f"step_{n:02d}", f"办理步骤{n:02d}", LANES[n % len(LANES)]) for n in range(30)]
EVENT_TYPES = [  # event type, weight
    ("task_completed", 55),
    ("task_ready", 15),
    ("task_claimed", 4),
    ("timer_fired", 6),
    ("case_level_changed", 4),
    ("case_routed", 2),
    ("supervision_issued", 2),
    ("message_received", 1),
    ("case_closed", 0.5),
]
OPERATIONS = ["user_changed", "personal_data_viewed", "calendar_changed", "version_deployed"]
USERS = [f"user{n:03d}" for n in range(400)]
BUSY = USERS[:5]
"""Five users do a quarter of the human steps (a county center's busy desk)."""


# -- seeding --------------------------------------------------------------------------------


@dataclass
class Instances:
    """Instances start in turn; each event goes to one of the recently started ones."""

    rng: random.Random
    total: int
    started: int = 0

    def process(self, instance: int) -> tuple[str, int]:
        names, weights = zip(*PROCESSES, strict=True)
        process = random.Random(instance).choices(names, weights=weights)[0]
        return process, 1 + min(VERSIONS - 1, instance * VERSIONS // max(self.total, 1))

    def pick(self, index: int, events: int) -> tuple[int, bool]:
        """(instance, just started) for event ``index`` of ``events``."""
        due = 1 + index * self.total // events
        if due > self.started and self.started < self.total:
            self.started += 1
            return self.started, True
        window = max(1, min(self.started, 3000))
        return self.started - int(self.rng.random() ** 2 * window), False


def _event(rng: random.Random, instances: Instances, index: int, events: int) -> dict:
    if rng.random() < 0.03:  # an operation-log row of no instance
        kind = rng.choice(OPERATIONS)
        return dict(event_type=kind, actor=rng.choice(USERS), data={"action": kind})
    instance, new = instances.pick(index, events)
    process, version = instances.process(instance)
    row = dict(instance_id=instance, process_id=process, version_id=version)
    if new:
        return row | dict(event_type="instance_started", actor=rng.choice(USERS), data={})
    names, weights = zip(*EVENT_TYPES, strict=True)
    kind = rng.choices(names, weights=weights)[0]
    actor = rng.choice(BUSY) if rng.random() < 0.25 else rng.choice(USERS)
    if kind == "timer_fired":
        actor = "system:scheduler"
    row |= dict(event_type=kind, actor=actor, data={"case_id": instance})
    if kind.startswith("task_") or kind == "timer_fired":
        spec, name, lane = rng.choice(STEPS)
        data = {"decision": rng.choice(["同意", "退回", "上交"]), "note": "已电话联系当事人"}
        row |= dict(task_id=f"{instance:08d}-{spec}", spec_id=spec, spec_name=name, lane=lane)
        row["step_process_id"] = process
        if process == "case_main":
            called, weights = zip(*CALLED, strict=True)
            row["step_process_id"] = rng.choices(called, weights=weights)[0]
        row["data"] = data if kind == "task_completed" else {}
    return row


def history_rows(count: int, seed: int = 20260302) -> Iterator[dict]:
    """``count`` chained rows in seq order, one second apart on average over a year."""
    rng = random.Random(seed)
    instances = Instances(rng, max(1, count // EVENTS_PER_CASE))
    gap = DAYS * 86_400 / count
    at, prev = START, GENESIS_HASH
    empty = dict.fromkeys(("instance_id", "process_id", "version_id", "task_id"))
    empty |= dict.fromkeys(("step_process_id",))
    empty |= dict.fromkeys(("spec_id", "spec_name", "lane"))
    for index in range(count):
        at += timedelta(seconds=rng.uniform(0, 2 * gap))
        row = empty | _event(rng, instances, index, count) | {"seq": index + 1, "at": at}
        digest = hashlib.sha256((prev + canonical_text(_Row(row), seq=index + 1)).encode())
        row["prev_hash"], row["hash"] = prev, digest.hexdigest()
        prev = row["hash"]
        yield row


class _Row:
    def __init__(self, values: dict) -> None:
        self.__dict__.update(values)


def seed_cases(connection: Connection, count: int) -> None:
    connection.execute(insert(Region), [dict(code=REGION, name="基准县", level="县", active=True)])
    connection.execute(
        insert(ProcessVersion),
        [
            dict(id=v, content_hash=f"bench{v}", deployed_at=START, deployed_by="bench", note="")
            for v in range(1, VERSIONS + 1)
        ],
    )
    connection.execute(
        insert(ProcessDefinition),
        [dict(id=1, version_id=1, process_id="case_main", name="受理分流", spec_json="{}")],
    )
    for first in range(1, count + 1, BATCH):
        ids = range(first, min(first + BATCH, count + 1))
        instances = [instance_row(i, START) for i in ids]
        cases = [
            dict(
                id=i,
                code=f"{REGION}-BENCH-{i:06d}",
                channel="窗口",
                dispute_type="02",
                summary="两户因宅基地边界发生争执",
                request="",
                region_code=REGION,
                place="",
                people_count=1,
                collective=False,
                risk_colour="黄",
                status="办理中",
                overdue=False,
                instance_id=i,
                received_at=START,
                received_by="bench",
            )
            for i in ids
        ]
        bulk_insert(connection, Instance, instances)
        bulk_insert(connection, Case, cases)


def seed(app: Flask, events: int) -> float:
    """Fill the database; returns the seconds it took."""
    began = time.perf_counter()
    with app.app_context():
        with db.engine.begin() as connection:
            seed_cases(connection, max(1, events // EVENTS_PER_CASE))
            batch: list[dict] = []
            last = None
            for row in history_rows(events):
                batch.append(row)
                if len(batch) == BATCH:
                    bulk_insert(connection, HistoryEvent, batch)
                    last, batch = batch[-1], []
            if batch:
                bulk_insert(connection, HistoryEvent, batch)
                last = batch[-1]
            connection.execute(
                insert(HistoryHead),
                [dict(id=HEAD_ID, last_seq=last["seq"], last_hash=last["hash"])],
            )
        user = create_user(
            db.session,
            username="bench.auditor",
            display_name="审计员",
            password=PASSWORD,
            roles=["审计"],
        )
        user.region_code = None
        db.session.commit()
        vacuum = "VACUUM ANALYZE" if db.engine.dialect.name == "postgresql" else "ANALYZE"
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text(vacuum))
    return time.perf_counter() - began


# -- measuring -------------------------------------------------------------------------------


def _day(offset: int) -> datetime:
    return START + timedelta(days=offset)


def kinds(events: int) -> list[tuple[str, HistoryQuery]]:
    """Every kind of search the page offers, with values that exist in the seeded data."""
    middle_case = max(1, events // EVENTS_PER_CASE // 2)
    return [
        ("newest, no filter", HistoryQuery()),
        ("one case (instance)", HistoryQuery(instance_ids=(middle_case,))),
        ("process case_main (90%)", HistoryQuery(process_id="case_main")),
        ("process handoff (2%)", HistoryQuery(process_id="handoff")),
        ("process ladder (steps of called ladders)", HistoryQuery(process_id="ladder")),
        ("version 3", HistoryQuery(version_id=3)),
        ("busy user", HistoryQuery(actor=BUSY[0])),
        ("ordinary user", HistoryQuery(actor=USERS[200])),
        ("lane 村调委会", HistoryQuery(lane="村调委会")),
        ("event task_completed", HistoryQuery(event_type="task_completed")),
        ("event case_closed (rare)", HistoryQuery(event_type="case_closed")),
        ("one day, mid-year", HistoryQuery(since=_day(180), until=_day(181))),
        ("one month, early", HistoryQuery(since=_day(30), until=_day(60))),
        ("user + event type", HistoryQuery(actor=BUSY[1], event_type="task_claimed")),
        ("lane + event of no lane (none)", HistoryQuery(lane="村调委会", event_type="case_closed")),
        ("lane + one week", HistoryQuery(lane="调解员", since=_day(100), until=_day(107))),
        (
            "event + one month",
            HistoryQuery(event_type="timer_fired", since=_day(200), until=_day(230)),
        ),
    ]


def deep_cursor(session, query: HistoryQuery, depth: int = 10_000) -> int | None:
    """The ``before`` cursor about ``depth`` matching rows in (or half-way, if fewer)."""
    page, walked = search(session, query, limit=1000), 0
    while page.older is not None and walked < depth:
        walked += len(page.rows)
        cursor = page.older
        page = search(session, query, before=cursor, limit=1000)
    return None if walked == 0 else cursor


def measure_search(app: Flask, events: int, runs: int) -> list[list[str]]:
    rows = []
    with app.app_context():
        session = db.session
        for label, query in kinds(events):
            first = search(session, query)
            deep = deep_cursor(session, query)
            cells = [label, summary(timed(lambda q=query: search(session, q), runs))]
            if deep is None:
                cells += ["- (one page)", "-"]
            else:
                back = search(session, query, before=deep).newer
                cells.append(
                    summary(timed(lambda q=query, d=deep: search(session, q, before=d), runs))
                )
                cells.append(
                    summary(timed(lambda q=query, b=back: search(session, q, after=b), runs))
                )
            cells.append(f"{len(first.rows)}{'+' if first.older else ''}")
            rows.append(cells)
    return rows


def measure_pages(app: Flask, runs: int) -> list[list[str]]:
    """The whole ``GET /audit`` (login, query, names, masking, template)."""
    app.extensions[EXTENSION_KEY] = None
    app.config["ZONGZHI_CLOCK"] = ManualClock(START + timedelta(days=DAYS))
    client = app.test_client()
    client.post("/login", data={"username": "bench.auditor", "password": PASSWORD})
    found = []
    for label, args in (
        ("newest", {}),
        ("case code", {"case": f"{REGION}-BENCH-{1:06d}"}),
        ("busy user", {"actor": BUSY[0]}),
        ("one day", {"since": _day(180).date().isoformat(), "until": _day(180).date().isoformat()}),
    ):

        def get(a=args):
            response = client.get("/audit", query_string=a)
            assert response.status_code == 200, response.status_code

        found.append([label, summary(timed(get, runs))])
    return found


def measure_exports(app: Flask) -> list[list[str]]:
    """An auditor's export of the newest rows up to each format's cap (masking every row)."""
    found = []
    with app.app_context():
        for label, write in (("csv", csv_chunks), ("xlsx", xlsx_file)):
            began = time.perf_counter()
            rows = export_rows(db.session, HistoryQuery(), full=False, cap=CAPS[label])
            output = write(["bench"], rows)
            size = sum(len(chunk) for chunk in output) if label == "csv" else len(output.read())
            seconds = time.perf_counter() - began
            found.append(
                [f"{label}, {CAPS[label]:,} rows", f"{seconds:.1f} s, {size / 1e6:.1f} MB"]
            )
    return found


def measure_verify(app: Flask) -> list[list[str]]:
    with app.app_context():
        session = db.session
        began = time.perf_counter()
        part = verify_part(session, start_seq=1)
        one = time.perf_counter() - began
        began = time.perf_counter()
        whole = verify_chain(session)
        every = time.perf_counter() - began
    return [
        [f"one part ({part.checked:,} rows)", f"{one * 1000:.0f} ms"],
        [f"whole chain ({whole.checked:,} rows, ok={whole.ok})", f"{every:.1f} s"],
    ]


def explain(app: Flask, events: int) -> str:
    """PostgreSQL's plans of the first page of each kind."""
    with app.app_context():
        session = db.session
        if session.get_bind().dialect.name != "postgresql":
            return "(EXPLAIN shown on PostgreSQL only)"
        lines = []
        for label, query in kinds(events):
            statement = first_page_statement(session, query)
            compiled = statement.compile(session.get_bind(), compile_kwargs={"literal_binds": True})
            plan = session.execute(text(f"EXPLAIN ANALYZE {compiled}")).scalars()
            lines.append(f"-- {label}")
            lines += [row if len(row) < 140 else row[:137] + "..." for row in plan]
        return "\n".join(lines)


# -- databases and report --------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=2_000_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--database-url", default=None, help="SQLite (default) or PostgreSQL")
    parser.add_argument("--explain", action="store_true", help="print the plans (PostgreSQL)")
    parser.add_argument("--verify", action="store_true", help="time the hash-chain walk too")
    parser.add_argument("--exports", action="store_true", help="time a CSV and an XLSX export")
    args = parser.parse_args(argv)
    with database(args.database_url, "history.db") as (url, kind):
        app = migrated_app(url)
        seconds = seed(app, args.events)
        print(
            f"{kind}: seeded {args.events:,} chained history events "
            f"({args.events // EVENTS_PER_CASE:,} cases) in {seconds:.1f} s; "
            f"{args.runs} runs each, ms median / p95\n"
        )
        headers = ["search()", "first page", "deep page (~10k in)", "page back", "rows"]
        print(table(headers, measure_search(app, args.events, args.runs)))
        print("\nGET /audit (whole page, first page):")
        print(table(["search", "ms median / p95"], measure_pages(app, args.runs)))
        if args.exports:
            print("\nExports (whole file, one run):")
            print(table(["export", "time, size"], measure_exports(app)))
        if args.verify:
            print("\nHash-chain verify:")
            print(table(["walk", "time"], measure_verify(app)))
        if args.explain:
            print("\n" + explain(app, args.events))
        with app.app_context():
            db.engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
