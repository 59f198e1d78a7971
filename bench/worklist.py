"""Benchmark 我的待办 (the work list) on a large seeded database.

Run from the project root::

    python bench/worklist.py [--cases 100000] [--runs 20] [--database-url URL] [--explain]

Seeds ``--cases`` cases (default 100,000) straight into the projection tables, in bulk and
without the engine: regions (a county, 20 townships, 200 villages, 400 grids), one fake
deployed version and definition, one instance per case, two parties per case, three
completed tasks and one ready task per case spread over the diagrams' lanes (some claimed,
most with a deadline from ten days ago to twenty days ahead). As diagrams naming their
people would: three in four ready 部门 tasks name a candidate unit (a department), one in
ten of those assigned to that department's liaison; one in six 调解员 tasks names two
candidate users. Then times ``webapp.tasks.service.work_list`` (the query, the capped
count and the page's parties, type names and claimers) for a township user, a county
user, a county user holding every lane (the worst case) and a department liaison with
assigned and candidate-unit tasks; what a request asks before it (``viewer``: scope,
alerts, stand-ins, whether any task names them a candidate); and the whole ``GET /tasks/``
page for the township, county and liaison users.

Without ``--database-url`` it runs on a temporary SQLite file. With a PostgreSQL URL it
creates its own database ``zongzhi_bench_<random>`` on that server and drops it at exit.
Figures are milliseconds, median / p95 over ``--runs`` runs after one warm-up run.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, this file's folder would come first on sys.path; use the project root.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402
from sqlalchemy import insert, select, text  # noqa: E402
from sqlalchemy.engine import Connection  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

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
from engine.models import (  # noqa: E402
    Instance,
    ProcessDefinition,
    ProcessVersion,
    TaskCandidate,
    TaskRecord,
)
from processes.calendar import load_calendar  # noqa: E402
from processes.models import Case, Party, Region  # noqa: E402
from webapp.accounts.models import User  # noqa: E402
from webapp.accounts.service import create_user  # noqa: E402
from webapp.accounts.stand_ins import standing_in_for  # noqa: E402
from webapp.engine_binding import EXTENSION_KEY  # noqa: E402
from webapp.scope import descendants  # noqa: E402
from webapp.security import user_units  # noqa: E402
from webapp.tasks import query, service  # noqa: E402
from webapp.tasks.filters import department_name  # noqa: E402
from webapp.tasks.service import Clock, DueFilter, Filters, SortKey, Viewer  # noqa: E402

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # Monday 09:00 in China
COUNTY = "990000"
TOWNSHIPS, VILLAGES_PER_TOWNSHIP, GRIDS_PER_VILLAGE = 20, 10, 2
BATCH = 10_000
COMPLETED_PER_CASE = 3
PASSWORD = "bench-pass-1"
LANES = [  # lane, share of ready tasks, task name
    ("网格员", 30, "网格员化解"),
    ("村调委会", 20, "村调委会调解"),
    ("镇综治中心", 25, "分流研判"),
    ("县综治中心", 10, "吹哨派单（四定）"),
    ("部门", 8, "部门报到"),
    ("调解员", 5, "调解"),
    ("督办员", 2, "督办催办"),
]
UNITS = [  # the departments seeded by migration 0002: each is a unit of the same code
    "court", "procuratorate", "police", "petition", "justice", "labour", "civil", "health",
    "housing", "land", "environment", "agriculture", "women",
]  # fmt: skip
LIAISON_UNIT = "labour"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华玉萍红娥玲芬燕鹏辉"


def townships() -> list[str]:
    return [f"{COUNTY}{t:03d}" for t in range(1, TOWNSHIPS + 1)]


def grids() -> list[str]:
    return [
        f"{town}{v:03d}{g:02d}"
        for town in townships()
        for v in range(1, VILLAGES_PER_TOWNSHIP + 1)
        for g in range(1, GRIDS_PER_VILLAGE + 1)
    ]


# -- seeding --------------------------------------------------------------------------------


def seed_regions(connection: Connection) -> None:
    rows = [dict(code=COUNTY, name="基准县", level="县", parent_code=None, active=True)]
    for t, town in enumerate(townships(), 1):
        rows.append(dict(code=town, name=f"第{t}镇", level="镇", parent_code=COUNTY, active=True))
        for v in range(1, VILLAGES_PER_TOWNSHIP + 1):
            village = f"{town}{v:03d}"
            rows.append(dict(code=village, name=f"第{v}村", level="村", parent_code=town))
            rows.extend(
                dict(code=f"{village}{g:02d}", name=f"第{g}网格", level="网格", parent_code=village)
                for g in range(1, GRIDS_PER_VILLAGE + 1)
            )
    connection.execute(insert(Region), [{"active": True, **row} for row in rows])


def seed_version(connection: Connection) -> None:
    connection.execute(
        insert(ProcessVersion),
        [dict(id=1, content_hash="bench", deployed_at=NOW, deployed_by="bench", note="")],
    )
    connection.execute(
        insert(ProcessDefinition),
        [dict(id=1, version_id=1, process_id="case_main", name="受理分流", spec_json="{}")],
    )


@dataclass
class Seeder:
    """Rows for case ``i`` (1-based): its instance, case, parties and tasks."""

    rng: random.Random
    grid_codes: list[str]
    users: list[str]
    named: random.Random
    """Draws who the diagrams name (apart, so the rest is seeded as it always was)."""

    def case(self, i: int, at: datetime, due: datetime | None) -> dict:
        rng = self.rng
        grid = self.grid_codes[i % len(self.grid_codes)]
        colour = rng.choices(["红", "黄", "绿"], weights=[5, 35, 60])[0]
        return dict(
            id=i,
            code=f"{grid}-{at:%Y%m%d}-{i:06d}",
            channel=rng.choice(["窗口", "12345", "网格上报", "线上"]),
            dispute_type=f"{rng.randint(1, 15):02d}",
            summary="两户因宅基地边界发生争执",
            request="",
            region_code=grid,
            place="",
            people_count=1,
            collective=False,
            risk_colour=colour,
            status="办理中",
            level=rng.choice(["网格员", "村调委会", "镇综治中心", "镇党委政府"]),
            due_at=due,
            overdue=due is not None and due < NOW,
            instance_id=i,
            received_at=at,
            received_by="bench",
        )

    def parties(self, i: int) -> list[dict]:
        return [
            dict(case_id=i, role=role, name=self.name(), phone=phone(i, n), id_number=None)
            for n, role in enumerate(("申请人", "被申请人"))
        ]

    def name(self) -> str:
        given = "".join(self.rng.choice(GIVEN) for _ in range(self.rng.randint(1, 2)))
        return self.rng.choice(SURNAMES) + given

    def tasks(self, i: int, at: datetime, due: datetime | None) -> list[dict]:
        steps = range(COMPLETED_PER_CASE)
        rows = [self.task(i, at + timedelta(hours=k), "completed") for k in steps]
        ready = self.task(i, at + timedelta(hours=COMPLETED_PER_CASE), "ready")
        ready["due_at"] = due
        if self.rng.random() < 0.1:
            ready["assignee"] = self.rng.choice(self.users)
        return [*rows, ready]

    def candidates(self, ready: dict) -> list[dict]:
        """Name the ready task's people as a diagram with candidates would; its rows."""
        if ready["candidate_role"] == "部门" and self.named.random() < 0.75:
            unit = self.named.choice(UNITS)
            ready.update(candidate_unit=unit, open_to_lane=False)
            if unit == LIAISON_UNIT and self.named.random() < 0.1:
                ready["assignee"] = "bench.liaison"
            return [dict(task_id=ready["id"], username=None, unit_code=unit)]
        if ready["candidate_role"] == "调解员" and self.named.random() < 1 / 6:
            ready["open_to_lane"] = False
            return [
                dict(task_id=ready["id"], username=user, unit_code=None)
                for user in self.named.sample(self.users[2:], 2)
            ]
        return []

    def task(self, i: int, at: datetime, status: str) -> dict:
        done = status == "completed"
        lane, name = self.lane()
        return dict(
            id=str(uuid.UUID(int=self.rng.getrandbits(128), version=4)),
            instance_id=i,
            process_id="case_main",
            spec_id="step",
            name=name,
            lane=lane,
            candidate_role=lane,
            assignee="bench" if done else None,
            status=status,
            candidate_unit=None,
            item=None,
            open_to_lane=True,
            form_key=None,
            created_at=at,
            due_at=None,
            completed_at=at + timedelta(minutes=30) if done else None,
            completed_by="bench" if done else None,
        )

    def lane(self) -> tuple[str, str]:
        lane, _share, name = self.rng.choices(LANES, weights=[s for _l, s, _n in LANES])[0]
        return lane, name

    def due(self) -> datetime | None:
        if self.rng.random() < 0.15:
            return None
        return NOW + timedelta(hours=self.rng.uniform(-240, 480))

    def received(self) -> datetime:
        return NOW - timedelta(minutes=self.rng.uniform(60, 180 * 24 * 60))


def phone(i: int, n: int) -> str:
    return f"1{3 + n}{i:09d}"


def seed_cases(connection: Connection, count: int, users: list[str]) -> int:
    """Returns how many candidate rows were seeded."""
    seeder = Seeder(random.Random(20260302), grids(), users, random.Random(20261207))
    seeded = 0
    for start in range(1, count + 1, BATCH):
        ids = range(start, min(start + BATCH, count + 1))
        instances, cases, parties, tasks, candidates = [], [], [], [], []
        for i in ids:
            at, due = seeder.received(), seeder.due()
            instances.append(instance_row(i, at))
            cases.append(seeder.case(i, at, due))
            parties.extend(seeder.parties(i))
            rows = seeder.tasks(i, at, due)
            candidates.extend(seeder.candidates(rows[-1]))
            tasks.extend(rows)
        for model, rows in ((Instance, instances), (Case, cases), (Party, parties)):
            bulk_insert(connection, model, rows)
        bulk_insert(connection, TaskRecord, tasks)
        bulk_insert(connection, TaskCandidate, candidates)
        seeded += len(candidates)
    return seeded


def seed(app: Flask, count: int) -> tuple[float, int]:
    """Fill the database; returns the seconds it took and the candidate rows seeded."""
    began = time.perf_counter()
    users = ["bench.township", "bench.county", *(f"user{n}" for n in range(50))]
    with app.app_context():
        with db.engine.begin() as connection:
            seed_regions(connection)
            seed_version(connection)
            candidates = seed_cases(connection, count, users)
        for username, roles, region in USERS:
            user = create_user(
                db.session,
                username=username,
                display_name=username,
                password=PASSWORD,
                roles=sorted(roles),
            )
            user.region_code = region
            if username == "bench.liaison":
                user.department_code = LIAISON_UNIT
        db.session.commit()
        vacuum = "VACUUM ANALYZE" if db.engine.dialect.name == "postgresql" else "ANALYZE"
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text(vacuum))  # as autovacuum would have: visibility map, stats
    return time.perf_counter() - began, candidates


FIRST_TOWNSHIP = f"{COUNTY}001"
USERS = [
    ("bench.township", {"镇综治中心"}, FIRST_TOWNSHIP),
    ("bench.county", {"县综治中心"}, COUNTY),
    ("bench.all", {lane for lane, _s, _n in LANES}, COUNTY),
    ("bench.liaison", {"部门"}, COUNTY),
]
USER_LABELS = {
    "bench.township": "镇综治中心 @ 1 township",
    "bench.county": "县综治中心 @ county",
    "bench.all": "all lanes @ county (worst case)",
    "bench.liaison": "部门 liaison (assigned + unit)",
}
PAGE_USERS = ("bench.township", "bench.county", "bench.liaison")


# -- measuring -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    label: str
    filters: Filters
    page: int = 1


def scenarios(session: Session, viewer: Viewer, clock: Clock) -> list[Scenario]:
    """The list's typical requests for ``viewer``: a phone and a page that exist for them."""
    first = service.work_list(session, viewer=viewer, filters=Filters(), clock=clock)
    code = first.items[-1].case_code if first.items else "none"
    case_id = first.items[-1].case_id if first.items else 0
    deep = max(1, min(40, (first.total // service.PER_PAGE)))
    return [
        Scenario("first page (by due)", Filters()),
        Scenario("red + overdue", Filters(risk="红", due=DueFilter.OVERDUE)),
        Scenario("near-due, by risk", Filters(due=DueFilter.NEAR, sort=SortKey.RISK)),
        Scenario("search party phone", Filters(q=phone(case_id, 0))),
        Scenario("search case code part", Filters(q=code[-15:])),
        Scenario("sort by received", Filters(sort=SortKey.RECEIVED)),
        Scenario("deep page", Filters(), deep),
    ]


def viewer_of(session: Session, username: str) -> Viewer:
    """The viewer as a request builds it (``webapp.tasks.context.current_viewer``), with
    the same probes: stand-ins, units and whether any task names them a candidate."""
    user = session.scalar(select(User).where(User.username == username))
    viewer = Viewer(
        username,
        frozenset(user.roles),
        descendants(session, user.region_code),
        department=department_name(session, user),
        units=user_units(user),
        stands_in_for=standing_in_for(session, username, NOW.date()),
    )
    return replace(
        viewer,
        alert_instances=query.open_alert_instances(session, viewer),
        candidate_tasks=query.has_candidate_tasks(session, viewer),
    )


def measure_service(app: Flask, runs: int) -> tuple[list[str], dict[str, dict[str, str]]]:
    results: dict[str, dict[str, str]] = {}
    labels: list[str] = []
    with app.app_context():
        session = db.session
        clock = Clock(NOW, service.near_until(NOW, load_calendar(session)))
        for username, _roles, _region in USERS:
            viewer = viewer_of(session, username)
            column = results.setdefault(USER_LABELS[username], {})
            for scenario in scenarios(session, viewer, clock):
                if scenario.label not in labels:
                    labels.append(scenario.label)

                def run(s=scenario, v=viewer):
                    return service.work_list(
                        session, viewer=v, filters=s.filters, clock=clock, page=s.page
                    )

                page = run()
                shown = f"{page.total}{'+' if page.capped else ''}"
                if scenario.page > 1:
                    shown += f", page {scenario.page}"
                column[scenario.label] = f"{summary(timed(run, runs))}  ({shown})"
            count = timed(lambda v=viewer: service.count_offered(session, v), runs)
            column["home count"] = summary(count)
            probes = timed(lambda u=username: viewer_of(session, u), runs)
            column["viewer (per request)"] = summary(probes)
    return [*labels, "home count", "viewer (per request)"], results


def measure_pages(app: Flask, runs: int) -> dict[str, str]:
    """The whole ``GET /tasks/`` (login, query, template) for the first two users."""
    app.extensions[EXTENSION_KEY] = None
    app.config["ZONGZHI_CLOCK"] = ManualClock(NOW)
    found = {}
    for username in PAGE_USERS:
        client = app.test_client()
        client.post("/login", data={"username": username, "password": PASSWORD})

        def get(c=client):
            response = c.get("/tasks/")
            assert response.status_code == 200, response.status_code

        found[USER_LABELS[username]] = summary(timed(get, runs))
    return found


def explain(app: Flask) -> str:
    """PostgreSQL's plans of the county user's and the liaison's first pages."""
    with app.app_context():
        session = db.session
        if session.get_bind().dialect.name != "postgresql":
            return "(EXPLAIN shown on PostgreSQL only)"
        plans = []
        for username in ("bench.county", "bench.liaison"):
            clauses = query.where(viewer_of(session, username), Filters())
            statement = query.rows(clauses).order_by(*query.order(SortKey.DUE)).limit(51)
            bind = session.get_bind()
            compiled = statement.compile(bind, compile_kwargs={"literal_binds": True})
            rows = session.execute(text(f"EXPLAIN ANALYZE {compiled}")).scalars()
            plan = "\n".join(row if len(row) < 160 else row[:157] + "..." for row in rows)
            plans.append(f"{username}:\n{plan}")
        return "\n\n".join(plans)


# -- databases and report --------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--database-url", default=None, help="SQLite (default) or PostgreSQL")
    parser.add_argument("--explain", action="store_true", help="print the plan (PostgreSQL)")
    args = parser.parse_args(argv)
    with database(args.database_url, "worklist.db") as (url, kind):
        app = migrated_app(url)
        seconds, candidates = seed(app, args.cases)
        print(
            f"{kind}: seeded {args.cases:,} cases ({args.cases * 4:,} task rows, "
            f"{candidates:,} candidate rows, {args.cases * 2:,} parties) in {seconds:.1f} s; "
            f"{args.runs} runs each, ms median / p95 (matching tasks)\n"
        )
        labels, results = measure_service(app, args.runs)
        headers = ["work_list()", *results]
        print(
            table(headers, [[lb, *(col.get(lb, "-") for col in results.values())] for lb in labels])
        )
        pages = measure_pages(app, args.runs)
        print("\nGET /tasks/ (whole page, first page):")
        print(table(["user", "ms median / p95"], [[k, v] for k, v in pages.items()]))
        if args.explain:
            print("\n" + explain(app))
        with app.app_context():
            db.engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
