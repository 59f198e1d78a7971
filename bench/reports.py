"""Benchmark the reports (统计报表) and the leadership dashboard on a county's two years.

Run from the project root (PostgreSQL on 127.0.0.1 by default; ``--url sqlite://`` for a
temporary SQLite file)::

    python bench/reports.py [--cases 100000] [--events 1000000] [--runs 20]
                            [--url postgresql+psycopg://postgres@127.0.0.1:5432/test]
                            [--explain] [--seed-only]

Seeds, in bulk (COPY on PostgreSQL) and without the engine, a county of 10 townships, 100
villages and 300 grids with ``--cases`` cases received over two years (2024-03 to 2026-02:
busier on working days, in winter and as years go by; township sizes skewed), each with its
instance and a life cut at the benchmark's "now": channel (三调 hand-offs with their
``mediation`` rows and outcomes), dispute type (heating and unpaid wages rise in winter),
risk colour, route (当场办结, 四级七天 up the four levels, 中心吹哨, 法律服务, 不宜调解),
resolution in working days on the official calendar (faster as years go by, a few overdue,
a few stuck open), callbacks with evaluations (a second round after 不满意), the court's
monthly civil filings, and ``--events`` hash-chained history events on the instances (the
path's steps and actions, timers, claims; views of personal data); see
``bench/report_seed.py`` and ``bench/report_life.py``. Then ANALYZE, and times
``build_report`` (median / p95 of ``--runs`` runs after a warm-up, with its SQL statement
count) for the county's busiest month, a township's month, the county's quarter, week and
day, and the whole dashboard page ``GET /reports/`` for a 县综治中心 user. ``--explain``
prints PostgreSQL's plans of the monthly county report's slowest statements. (On SQLite a
statement's milliseconds leave out its rows' fetching, which SQLite does lazily.)

With a PostgreSQL URL it creates its own database ``zongzhi_bench_<random>`` on that server
and drops it at exit.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, this file's folder would come first on sys.path; use the project root.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402
from sqlalchemy import event  # noqa: E402

from bench.databases import database, migrated_app, summary, table, timed  # noqa: E402
from bench.report_life import NOW  # noqa: E402
from bench.report_seed import COUNTY, PASSWORD, TOWNS, seed, town_code  # noqa: E402
from engine import ManualClock  # noqa: E402
from engine.db import db  # noqa: E402
from processes.reports.periods import Period, PeriodKind  # noqa: E402
from processes.reports.report import build_report  # noqa: E402
from webapp.engine_binding import EXTENSION_KEY  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
BUSY_DAY = date(2026, 1, 12)  # a Monday of January, the busiest month (heating, wages)


# -- measuring -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Subject:
    """A report to time: who it is for and its period."""

    label: str
    region: str
    period: Period


def subjects() -> list[Subject]:
    month = Period.containing(PeriodKind.MONTH, BUSY_DAY)
    return [
        Subject("月总结 county", COUNTY, month),
        Subject(f"月总结 township ({TOWNS[0]})", town_code(0), month),
        Subject("季汇报 county", COUNTY, Period.containing(PeriodKind.QUARTER, BUSY_DAY)),
        Subject("周研判 county", COUNTY, Period.containing(PeriodKind.WEEK, BUSY_DAY)),
        Subject("日汇总 county", COUNTY, Period.containing(PeriodKind.DAY, BUSY_DAY)),
    ]


class Statements:
    """The SQL statements run while listening: text, parameters and milliseconds each."""

    def __init__(self, engine) -> None:
        self.engine, self.seen, self._began = engine, [], 0.0

    def __enter__(self) -> Statements:
        event.listen(self.engine, "before_cursor_execute", self._before)
        event.listen(self.engine, "after_cursor_execute", self._after)
        return self

    def __exit__(self, *exc: object) -> None:
        event.remove(self.engine, "before_cursor_execute", self._before)
        event.remove(self.engine, "after_cursor_execute", self._after)

    def _before(self, *_args: object) -> None:
        self._began = time.perf_counter()

    def _after(self, _conn, _cursor, statement, parameters, *_rest: object) -> None:
        self.seen.append(((time.perf_counter() - self._began) * 1000, statement, parameters))


def report_of(subject: Subject) -> dict:
    return build_report(db.session, region_code=subject.region, period=subject.period, as_of=NOW)


def measure_reports(app: Flask, runs: int) -> tuple[list[list[str]], list[tuple], dict]:
    """One row per subject; the statements and the content of one monthly county report."""
    rows, statements, first = [], [], {}
    with app.app_context():
        for subject in subjects():
            report = first = first or report_of(subject)
            with Statements(db.engine) as seen:
                report = report_of(subject)
            statements = statements or seen.seen
            received = next(h["value"] for h in report["headline"] if h["key"] == "received")
            times = timed(lambda s=subject: report_of(s), runs)
            size = len(json.dumps(report, ensure_ascii=False).encode()) / 1024
            period = subject.period.label
            cells = [subject.label, period, summary(times), str(len(seen.seen)), f"{received:,}"]
            rows.append([*cells, f"{size:.0f} KB"])
            db.session.rollback()
    return rows, statements, first


def shown(value: float | None, unit: str, change: bool = False) -> str:
    """A headline figure as the dashboard shows it (changes: points for rates, else %)."""
    if value is None:
        return "-"
    sign = "+" if change and value > 0 else ""
    if unit == "%":
        return f"{sign}{value * 100:.1f}{' pt' if change else '%'}"
    if change:
        return f"{sign}{value * 100:.1f}%"
    return f"{value:,.1f}" if unit == "工作日" else f"{value:,}"


def headline(report: dict) -> list[list[str]]:
    return [
        [
            f"{h['label']}（{h['unit']}）",
            shown(h["value"], h["unit"]),
            shown(h["previous"], h["unit"]),
            shown(h["year_ago"], h["unit"]),
            shown(h["mom"], h["unit"], change=True),
            shown(h["yoy"], h["unit"], change=True),
        ]
        for h in report["headline"]
    ]


def slowest(statements: list[tuple], count: int = 5) -> list[list[str]]:
    ranked = sorted(statements, key=lambda s: -s[0])[:count]
    return [[f"{ms:.1f}", " ".join(sql.split())[:110]] for ms, sql, _p in ranked]


def measure_page(app: Flask, runs: int) -> list[list[str]]:
    """The whole ``GET /reports/`` (login, report, charts' data, template) for the county."""
    app.extensions[EXTENSION_KEY] = None
    app.config["ZONGZHI_CLOCK"] = ManualClock(NOW)
    client = app.test_client()
    client.post("/login", data={"username": "bench.county", "password": PASSWORD})
    found = []
    for kind in ("month", "quarter", "day"):
        args = {"region": COUNTY, "kind": kind, "date": BUSY_DAY.isoformat()}

        def get(a=args):
            response = client.get("/reports/", query_string=a)
            assert response.status_code == 200, response.status_code
            return response

        with app.app_context(), Statements(db.engine) as seen:
            size = len(get().data) / 1024
        label = f"/reports/?kind={kind} county"
        found.append([label, summary(timed(get, runs)), str(len(seen.seen)), f"{size:.0f} KB"])
    return found


def explain(app: Flask, statements: list[tuple], count: int = 3) -> str:
    """PostgreSQL's plans of the ``count`` slowest statements of a monthly county report."""
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            return "(EXPLAIN shown on PostgreSQL only)"
        lines = []
        with db.engine.connect() as connection:
            for ms, sql, parameters in sorted(statements, key=lambda s: -s[0])[:count]:
                lines.append(f"-- {ms:.1f} ms: {' '.join(sql.split())[:200]}")
                plan = connection.exec_driver_sql(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", parameters)
                lines += [row[0] for row in plan]
        return "\n".join(lines)


# -- databases and report --------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument(
        "--url", "--database-url", default=DEFAULT_URL, help="PostgreSQL or sqlite://"
    )
    parser.add_argument(
        "--explain", action="store_true", help="print the slowest plans (PostgreSQL)"
    )
    parser.add_argument("--seed-only", action="store_true", help="seed, count, and stop")
    args = parser.parse_args(argv)
    with database(args.url, "reports.db") as (url, kind):
        app = migrated_app(url)
        seconds, counts = seed(app, args.cases, args.events)
        print(f"{kind}: seeded in {seconds:.1f} s (bulk insert, ANALYZE included)\n")
        print(table(["table", "rows"], [[name, f"{n:,}"] for name, n in counts.items()]))
        if not args.seed_only:
            print(f"\nbuild_report(), as of {NOW.isoformat()}: {args.runs} runs each, ms")
            rows, statements, report = measure_reports(app, args.runs)
            headers = ["report", "period", "median / p95", "queries", "received", "JSON"]
            print(table(headers, rows))
            print(f"\nThe seeded figures: {report['region']['name']} {report['period']['label']}")
            headers = ["headline", "value", "previous", "year ago", "环比", "同比"]
            print(table(headers, headline(report)))
            print("\nSlowest statements of one 月总结 county report:")
            print(table(["ms", "statement"], slowest(statements)))
            print("\nGET /reports/ as 县综治中心 (whole page), ms:")
            print(table(["page", "median / p95", "queries", "HTML"], measure_page(app, args.runs)))
            if args.explain:
                print("\n" + explain(app, statements))
        with app.app_context():
            db.engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
