"""The seeded county of ``bench/worklist.py``: regions, cases, parties, tasks with their
candidates, history events, and the benchmark's users; in bulk (COPY on PostgreSQL),
without the engine.

Regions: a county, 20 townships, 200 villages, 400 grids. One fake deployed version and
definition, one instance per case, two parties per case, three completed tasks and one
ready task per case spread over the diagrams' lanes (some claimed, most with a deadline
from ten days ago to twenty days ahead). As diagrams naming their people would: three in
four ready 部门 tasks name a candidate unit (a department), one in ten of those assigned
to that department's liaison; one in six 调解员 tasks names two candidate users. Then
``EVENTS_PER_CASE`` history events per case on average (the audit trail a list never
reads, but whose table shares the server's cache), with placeholder hashes.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import Flask
from sqlalchemy import insert, text
from sqlalchemy.engine import Connection

from bench.databases import bulk_insert, instance_row
from engine import UNRANKED
from engine.db import db
from engine.models import (
    HistoryEvent,
    HistoryHead,
    Instance,
    ProcessDefinition,
    ProcessVersion,
    TaskCandidate,
    TaskRecord,
)
from processes.models import Case, Party, Region
from processes.task_rank import rank_of
from webapp.accounts.service import create_user

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
            sort_rank=UNRANKED,
            region_code=None,
            received_at=None,
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
            cases.append(seeder.case(i, at, due))
            rank = rank_of(cases[-1]["risk_colour"])  # as intake and every change set it
            region = cases[-1]["region_code"]  # as the case row's writes copy it (0031)
            copied = {"sort_rank": rank, "region_code": region, "received_at": at}  # and 0032
            instances.append({**instance_row(i, at), **copied})
            parties.extend(seeder.parties(i))
            rows = seeder.tasks(i, at, due)
            rows[-1].update(copied)
            candidates.extend(seeder.candidates(rows[-1]))
            tasks.extend(rows)
        for model, rows in ((Instance, instances), (Case, cases), (Party, parties)):
            bulk_insert(connection, model, rows)
        bulk_insert(connection, TaskRecord, tasks)
        bulk_insert(connection, TaskCandidate, candidates)
        seeded += len(candidates)
    return seeded


EVENTS_PER_CASE = 10
EVENT_KINDS = ["task_completed", "task_ready", "task_claimed", "timer_fired", "case_level_changed"]


def history_rows(cases: int, events: int) -> Iterator[dict]:
    """``events`` history rows spread over the instances of ``cases`` cases, in seq order."""
    rng = random.Random(20261206)
    lanes = [lane for lane, _share, _name in LANES]
    at = NOW - timedelta(days=180)
    step = timedelta(seconds=180 * 86_400 / max(events, 1))
    for seq in range(1, events + 1):
        instance = 1 + (seq - 1) * cases // events
        first = seq == 1 or instance != 1 + (seq - 2) * cases // events
        kind = "instance_started" if first else rng.choice(EVENT_KINDS)
        at += step
        yield dict(
            seq=seq,
            event_type=kind,
            at=at,
            actor=f"user{rng.randrange(50)}",
            instance_id=instance,
            process_id="case_main",
            version_id=1,
            task_id=None,
            spec_id="step",
            spec_name="办理步骤",
            lane=rng.choice(lanes),
            data={"case_id": instance},
            prev_hash=f"{seq - 1:064x}",
            hash=f"{seq:064x}",
            step_process_id="case_main",
        )


def seed_history(connection: Connection, cases: int, events: int) -> None:
    batch: list[dict] = []
    for row in history_rows(cases, events):
        batch.append(row)
        if len(batch) == 5 * BATCH:
            bulk_insert(connection, HistoryEvent, batch)
            batch = []
    if batch:
        bulk_insert(connection, HistoryEvent, batch)
    head = dict(id=1, last_seq=events, last_hash=f"{events:064x}")
    connection.execute(insert(HistoryHead), [head])


def seed(app: Flask, count: int, events: int) -> tuple[float, int]:
    """Fill the database; returns the seconds it took and the candidate rows seeded."""
    began = time.perf_counter()
    users = ["bench.township", "bench.county", *(f"user{n}" for n in range(50))]
    with app.app_context():
        with db.engine.begin() as connection:
            seed_regions(connection)
            seed_version(connection)
            candidates = seed_cases(connection, count, users)
            seed_history(connection, count, events)
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
