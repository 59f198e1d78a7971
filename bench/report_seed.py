"""The seeded county for ``bench/reports.py``: 10 townships, 100 villages and 300 grids, cases
received over two years (busier on working days, in winter and year on year; township sizes
skewed), each case's life (``bench.report_life.Story``) written in bulk, its history events
numbered and hash-chained in time order, the court's monthly filings and a county user;
then ANALYZE.
"""

from __future__ import annotations

import heapq
import random
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from types import SimpleNamespace

from flask import Flask
from sqlalchemy import insert, text
from sqlalchemy.engine import Connection

from bench.databases import bulk_insert
from bench.report_life import FIRST_DAY, LAST_DAY, Story, Workdays, moment
from engine.db import db
from engine.history import GENESIS_HASH, HEAD_ID, row_hash
from engine.models import HistoryEvent, HistoryHead, Instance, ProcessDefinition, ProcessVersion
from processes.models import CallbackRecord, Case, CourtFiling, Mediation, Region
from webapp.accounts.service import create_user

COUNTY = "990100"
TOWNS = ["城关镇", "东街街道", "西街街道", "南湖镇", "北山镇", "河西镇", "沙井镇", "龙渠乡"]
TOWNS += ["安阳乡", "花寨乡"]
TOWN_WEIGHTS = [30, 16, 13, 11, 9, 7, 5, 4, 3, 2]  # the county seat is the busiest
VILLAGES, GRIDS = 10, 3
BATCH = 10_000
PASSWORD = "bench-pass-1"
SEASON = {1: 1.35, 2: 0.85, 3: 1, 4: 1, 5: 0.95, 6: 0.95, 7: 1.05, 8: 1.05, 9: 0.95, 10: 0.85}
SEASON |= {11: 1.1, 12: 1.25}


def town_code(t: int) -> str:
    return f"{COUNTY}{t + 1:03d}"


def regions() -> list[dict]:
    rows = [(COUNTY, "基准县", "县", None)]
    for t, name in enumerate(TOWNS):
        town = town_code(t)
        rows.append((town, name, "镇", COUNTY))
        for v in range(1, VILLAGES + 1):
            village = f"{town}{v:03d}"
            rows.append((village, f"{name[:2]}{v}村", "村", town))
            for g in range(1, GRIDS + 1):
                rows.append((f"{village}{g:02d}", f"第{g}网格", "网格", village))
    return [
        dict(code=code, name=name, level=level, parent_code=parent, active=True)
        for code, name, level, parent in rows
    ]


def receipts(rng: random.Random, count: int, calendar: Workdays) -> Iterator[datetime]:
    """``count`` receipt times in order: busier on working days, in winter, year on year."""
    days = [FIRST_DAY + timedelta(days=n) for n in range((LAST_DAY - FIRST_DAY).days + 1)]
    weights = [
        (1 + 0.35 * n / len(days)) * SEASON[d.month] * (1 if d in calendar.working else 0.3)
        for n, d in enumerate(days)
    ]
    total, running, issued = sum(weights), 0.0, 0
    for day, weight in zip(days, weights, strict=True):
        running += weight
        today = round(count * running / total) - issued
        issued += today
        hours = [
            rng.uniform(8.5, 17.8) if rng.random() < 0.85 else rng.uniform(0, 24)
            for _ in range(today)
        ]
        yield from (moment(day, h) for h in sorted(hours))


# -- history: the events of every case, in time order and chained ---------------------------


class Chain:
    """Writes events as the engine would have: in time order, numbered, hash-chained. A case's
    events wait in a heap until no later-received case can have an earlier one."""

    def __init__(self, connection: Connection, total: int, cases: int) -> None:
        self.connection, self.total, self.cases = connection, total, cases
        self.heap: list[tuple] = []
        self.pushed = self.written = 0
        self.prev, self.batch = GENESIS_HASH, []

    def add(self, story: Story, version: int, last: bool) -> None:
        """Queue ``story``'s events plus its share of optional ones (``Trail.optional``, then
        views of its personal data), so that all cases together have ``total`` events (or
        as few over as their facts need)."""
        trail = story.trail
        target = round(story.case_id * self.total / self.cases)
        extra = max(0, target - self.pushed - len(trail.events))
        extra = max(extra, self.total - self.pushed - len(trail.events)) if last else extra
        optional = trail.optional
        events = [(*e[:3], story.case_id, version, *e[3:]) for e in trail.events]
        events += [(*e[:3], story.case_id, version, *e[3:]) for e in optional[:extra]]
        last_at = max(e[0] for e in trail.events)
        span = max(60.0, (last_at - story.received).total_seconds())
        data = {"case_id": story.case_id, "fields": ["phone"]}
        for _ in range(extra - min(extra, len(optional))):
            at = story.received + timedelta(seconds=story.rng.uniform(0, span))
            events.append((at, "personal_data_viewed", story.staff("zz"), *[None] * 6, data))
        for e in events:
            heapq.heappush(self.heap, (e[0], self.pushed, e))
            self.pushed += 1

    def flush(self, until: datetime | None = None) -> None:
        while self.heap and (until is None or self.heap[0][0] < until):
            self.write(heapq.heappop(self.heap)[2])
        if until is None:
            self.insert()
            head = dict(id=HEAD_ID, last_seq=self.written, last_hash=self.prev)
            self.connection.execute(insert(HistoryHead), [head])

    def write(self, e: tuple) -> None:
        at, kind, actor, instance, version, task, spec, name, lane, data = e
        self.written += 1
        row = dict(seq=self.written, event_type=kind, at=at, actor=actor, instance_id=instance)
        row |= dict(process_id="case_main" if instance else None, version_id=version)
        row |= dict(task_id=task, spec_id=spec, spec_name=name, lane=lane, data=data)
        row["prev_hash"] = self.prev
        row["hash"] = self.prev = row_hash(
            SimpleNamespace(**row), seq=row["seq"], prev_hash=self.prev
        )
        self.batch.append(row)
        if len(self.batch) == 2 * BATCH:
            self.insert()

    def insert(self) -> None:
        if self.batch:
            bulk_insert(self.connection, HistoryEvent, self.batch)
            self.batch = []


# -- seeding --------------------------------------------------------------------------------


def seed_reference(connection: Connection) -> None:
    """Regions, three deployed versions (one every eight months), the court's filings."""
    connection.execute(insert(Region), regions())
    deployed = [moment(FIRST_DAY, 0) + timedelta(days=243 * n) for n in range(3)]
    connection.execute(
        insert(ProcessVersion),
        [
            dict(id=n, content_hash=f"bench{n}", deployed_at=at, deployed_by="bench", note="")
            for n, at in enumerate(deployed, 1)
        ],
    )
    connection.execute(
        insert(ProcessDefinition),
        [
            dict(id=n, version_id=n, process_id="case_main", name="受理分流", spec_json="{}")
            for n in (1, 2, 3)
        ],
    )
    rng, month, filings = random.Random(7), FIRST_DAY.replace(day=1), []
    while month <= LAST_DAY:
        growth = 1 + 0.2 * len(filings) / 24
        civil = round(260 * SEASON[month.month] * growth * rng.uniform(0.9, 1.1))
        filings.append(
            dict(
                region_code=COUNTY,
                month=month,
                civil_cases=civil,
                entered_by="bench.county",
                entered_at=moment(month + timedelta(days=35), 10),
            )
        )
        month = (month + timedelta(days=32)).replace(day=1)
    connection.execute(insert(CourtFiling), filings)


def place(rng: random.Random) -> tuple[int, str]:
    """(township index, region code) of a new case: mostly a grid, some a village or town."""
    town = rng.choices(range(len(TOWNS)), weights=TOWN_WEIGHTS)[0]
    where, village = rng.random(), f"{town_code(town)}{rng.randint(1, VILLAGES):03d}"
    if where < 0.03:
        return town, town_code(town)
    return town, village if where < 0.10 else f"{village}{rng.randint(1, GRIDS):02d}"


def seed_cases(connection: Connection, cases: int, events: int) -> dict[str, int]:
    rng = random.Random(20260302)
    calendar = Workdays(FIRST_DAY - timedelta(days=10), LAST_DAY + timedelta(days=200))
    chain = Chain(connection, events, cases)
    rows: dict[type, list[dict]] = {Instance: [], Case: [], Mediation: [], CallbackRecord: []}
    counts = dict.fromkeys(("mediation", "callback_record"), 0)
    for case_id, received in enumerate(receipts(rng, cases, calendar), 1):
        chain.flush(received)
        town, region = place(rng)
        story = Story(rng, calendar, case_id, received, region, town)
        case, instance = story.tell()
        rows[Instance].append(instance)
        rows[Case].append(case)
        rows[Mediation].extend(story.mediation_rows())
        rows[CallbackRecord].extend(story.callbacks)
        chain.add(story, instance["version_id"], last=case_id == cases)
        if len(rows[Case]) == BATCH or case_id == cases:
            counts["mediation"] += len(rows[Mediation])
            counts["callback_record"] += len(rows[CallbackRecord])
            for model, batch in rows.items():
                if batch:
                    bulk_insert(connection, model, [full(model, r) for r in batch])
                batch.clear()
    chain.flush()
    return {"dispute_case": cases, "history_event": chain.written, **counts}


MEDIATION_FIELDS = ("mediator", "accepted_at", "due_at", "paused_at", "outcome", "reason")
MEDIATION_FIELDS += ("agreement_at", "confirmation_due_at", "petition_notice_due_at")
MEDIATION_FIELDS += ("petition_conclude_due_at",)


def full(model: type, row: dict) -> dict:
    """Rows of one table share their columns (COPY takes one column list per batch)."""
    if model is Mediation:
        return dict.fromkeys(MEDIATION_FIELDS) | row
    return row


def seed(app: Flask, cases: int, events: int) -> tuple[float, dict[str, int]]:
    """Fill the database; returns the seconds it took and the row counts."""
    began = time.perf_counter()
    with app.app_context():
        with db.engine.begin() as connection:
            seed_reference(connection)
            counts = seed_cases(connection, cases, events)
        create_user(
            db.session,
            username="bench.county",
            display_name="县综治中心",
            password=PASSWORD,
            roles=["县综治中心"],
            region_code=COUNTY,
        )
        db.session.commit()
        vacuum = "VACUUM ANALYZE" if db.engine.dialect.name == "postgresql" else "ANALYZE"
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text(vacuum))  # as autovacuum would have: visibility map, stats
    return time.perf_counter() - began, counts
