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
path's steps and actions, timers, claims; views of personal data). Then ANALYZE, and times
``build_report`` (median / p95 of ``--runs`` runs after a warm-up, with its SQL statement
count) for the county's busiest month, a township's month, the county's quarter, week and
day, and the whole dashboard page ``GET /reports/`` for a 县综治中心 user. ``--explain``
prints PostgreSQL's plans of the monthly county report's slowest statements.

With a PostgreSQL URL it creates its own database ``zongzhi_bench_<random>`` on that server
and drops it at exit.
"""

from __future__ import annotations

import argparse
import heapq
import json
import random
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, this file's folder would come first on sys.path; use the project root.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402
from sqlalchemy import event, insert, text  # noqa: E402
from sqlalchemy.engine import Connection  # noqa: E402

from bench.databases import bulk_insert, database, migrated_app, summary, table, timed  # noqa: E402
from engine import ManualClock  # noqa: E402
from engine.db import db  # noqa: E402
from engine.history import GENESIS_HASH, HEAD_ID, row_hash  # noqa: E402
from engine.models import (  # noqa: E402
    HistoryEvent,
    HistoryHead,
    Instance,
    ProcessDefinition,
    ProcessVersion,
)
from processes.calendar import WorkCalendar  # noqa: E402
from processes.models import (  # noqa: E402
    CallbackRecord,
    Case,
    CourtFiling,
    Mediation,
    Region,
)
from processes.reports.periods import Period, PeriodKind  # noqa: E402
from processes.reports.report import build_report  # noqa: E402
from webapp.accounts.service import create_user  # noqa: E402
from webapp.engine_binding import EXTENSION_KEY  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # Monday 09:00 in China: every report's as_of
FIRST_DAY, LAST_DAY = date(2024, 3, 1), date(2026, 3, 1)  # receipts, local days
BUSY_DAY = date(2026, 1, 12)  # a Monday of January, the busiest month (heating, wages)
LOCAL = timezone(timedelta(hours=8))
COUNTY = "990100"
TOWNS = ["城关镇", "东街街道", "西街街道", "南湖镇", "北山镇", "河西镇", "沙井镇", "龙渠乡"]
TOWNS += ["安阳乡", "花寨乡"]
TOWN_WEIGHTS = [30, 16, 13, 11, 9, 7, 5, 4, 3, 2]  # the county seat is the busiest
VILLAGES, GRIDS = 10, 3
BATCH = 10_000
PASSWORD = "bench-pass-1"
SEASON = {1: 1.35, 2: 0.85, 3: 1, 4: 1, 5: 0.95, 6: 0.95, 7: 1.05, 8: 1.05, 9: 0.95, 10: 0.85}
SEASON |= {11: 1.1, 12: 1.25}
CHANNELS = {"窗口": 26, "12345": 28, "网格上报": 30, "线上": 8, "诉调": 2.5, "警调": 4, "访调": 1.5}
HANDOFFS = {"诉调": 30, "警调": 15, "访调": 60}  # mediation limit, calendar days
TYPES = {"01": 10, "02": 16, "03": 10, "04": 9, "05": 4, "06": 7, "07": 6, "08": 3, "09": 2}
TYPES |= {"10": 9, "11": 4, "12": 2, "13": 5, "14": 8, "15": 5}
SUBTYPES = {"01": 5, "02": 2, "03": 2, "04": 4, "05": 2, "06": 2, "07": 3, "08": 1, "10": 3}
SUBTYPES |= {"12": 1, "14": 3, "15": 3}  # how many second-level types each has
ROUTES = {"当场办结": 24, "四级七天": 58, "中心吹哨": 7, "法律服务": 4, "不宜调解": 6, "撤销": 1}
LADDER = [("网格员", "grid", "网格员化解", 45), ("村调委会", "village", "村调委会化解", 28)]
LADDER += [("镇综治中心", "township", "镇综治中心化解", 17)]
LADDER += [("镇党委政府", "leadership", "镇党委政府化解", 10)]
SLICE_ENDS = [1, 3, 5, 7]  # 四级七天: each level's last working day after receipt
DEPARTMENTS = ["人社局", "住建局", "自然资源局", "公安派出所", "司法所", "农业农村局", "生态环境局"]
EVALUATIONS = {"满意": 72, "基本满意": 20, "不满意": 8}
REMEDIES = ["仲裁", "行政裁决", "行政复议", "诉讼", "信访"]


def pick(rng: random.Random, weights: dict) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


# -- the county and its calendar ------------------------------------------------------------


def town_code(t: int) -> str:
    return f"{COUNTY}{t + 1:03d}"


def regions() -> list[dict]:
    rows = [dict(code=COUNTY, name="基准县", level="县", parent_code=None)]
    for t, name in enumerate(TOWNS):
        rows.append(dict(code=town_code(t), name=name, level="镇", parent_code=COUNTY))
        for v in range(1, VILLAGES + 1):
            village = f"{town_code(t)}{v:03d}"
            rows.append(dict(code=village, name=f"{name[:2]}{v}村", level="村", parent_code=None))
            rows[-1]["parent_code"] = town_code(t)
            rows.extend(
                dict(code=f"{village}{g:02d}", name=f"第{g}网格", level="网格", parent_code=village)
                for g in range(1, GRIDS + 1)
            )
    return [row | {"active": True} for row in rows]


class Workdays:
    """The official calendar's working days around the seeded span, for fast "+n working days"
    (the start day not counted, as the domain counts)."""

    def __init__(self, first: date, last: date) -> None:
        calendar = WorkCalendar()
        span = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        self.days = [d for d in span if calendar.is_workday(d)]
        self.working = set(self.days)
        self._after: dict[date, int] = {}
        index = 0
        for day in span:
            while index < len(self.days) and self.days[index] <= day:
                index += 1
            self._after[day] = index

    def add(self, day: date, n: int) -> date:
        return day if n == 0 else self.days[self._after[day] + n - 1]


def moment(day: date, hour: float) -> datetime:
    """UTC instant of local ``hour`` (fractional) on local ``day``."""
    midnight = datetime(day.year, day.month, day.day, tzinfo=LOCAL)
    return (midnight + timedelta(hours=hour)).astimezone(UTC)


def local_day(at: datetime) -> date:
    return at.astimezone(LOCAL).date()


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


# -- one case's life ------------------------------------------------------------------------


@dataclass
class Trail:
    """A case's history events (tuples ``at, type, actor, task_id, spec, name, lane, data``):
    those that carry its facts, and the ones the event budget may leave out (level changes
    and a completed task's ``task_ready``, then claims)."""

    rng: random.Random
    case_id: int
    events: list[tuple] = field(default_factory=list)
    readies: list[tuple] = field(default_factory=list)
    claims: list[tuple] = field(default_factory=list)

    @property
    def optional(self) -> list[tuple]:
        return self.readies + self.claims

    def event(self, at: datetime, kind: str, actor: str, optional: bool = False, **data) -> None:
        if at <= NOW:
            data = {"case_id": self.case_id, **data}
            into = self.readies if optional else self.events
            into.append((at, kind, actor, None, None, None, None, data))

    def task(self, ready: datetime, done: datetime | None, step: tuple, actor: str, **data) -> None:
        """A human task (``step`` = spec id, name, lane) ready at ``ready``, completed at
        ``done`` by ``actor`` (``None``: still waiting)."""
        if ready > NOW:
            return
        spec, name, lane = step
        task = str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
        waiting = done is None or done > NOW
        (self.events if waiting else self.readies).append(
            (ready, "task_ready", actor, task, spec, name, lane, {})
        )
        if waiting:
            return
        claimed = ready + (done - ready) * self.rng.random() * 0.5
        self.claims.append((claimed, "task_claimed", actor, task, spec, name, lane, {}))
        self.events.append((done, "task_completed", actor, task, spec, name, lane, data))


@dataclass
class Life:
    """When a case's facts change (levels, resolution, close), before cutting at NOW."""

    received: datetime
    levels: list[tuple[datetime, str, datetime | None]] = field(default_factory=list)
    resolved: datetime | None = None
    closed: datetime | None = None
    end_status: str = "已结案"
    overdue_at: datetime | None = None
    result: str | None = None
    owner_unit: str | None = None
    remedy: str | None = None

    def level(self, at: datetime, name: str, due: datetime | None) -> None:
        self.levels.append((at, name, due))


@dataclass
class Story:
    """Builds case ``case_id``'s rows and events; ``calendar`` counts working days."""

    rng: random.Random
    calendar: Workdays
    case_id: int
    received: datetime
    region: str
    town: int
    trail: Trail = field(init=False)
    mediation: dict | None = None
    callbacks: list[dict] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.trail = Trail(self.rng, self.case_id)
        self.day = local_day(self.received)
        self.progress = (self.day - FIRST_DAY).days / (LAST_DAY - FIRST_DAY).days

    def after(self, n: int, base: datetime | None = None, late: float = 17.5) -> datetime:
        """A working-hours moment ``n`` working days after ``base`` (receipt by default);
        n = 0: later the same day."""
        base = base or self.received
        if n == 0:
            return base + timedelta(minutes=self.rng.uniform(10, 240))
        return moment(self.calendar.add(local_day(base), n), self.rng.uniform(8.5, late))

    def deadline(self, n: int, base: datetime | None = None) -> datetime:
        return moment(self.calendar.add(local_day(base or self.received), n), 18)

    def staff(self, lane: str) -> str:
        return f"{lane}.{self.town + 1:02d}.{self.rng.randint(1, 3)}"

    # -- routes ---------------------------------------------------------------------------

    def assess(self) -> datetime:
        done = self.received + timedelta(minutes=self.rng.uniform(5, 120))
        self.trail.task(self.received, done, ("assess", "分流研判", "镇综治中心"), self.staff("zz"))
        return done

    def ladder(self, life: Life) -> None:
        assessed = self.assess()
        final = self.rng.choices(range(4), weights=[w for *_x, w in LADDER])[0]
        late = self.rng.random() < 0.12 * (1 - 0.7 * self.progress)
        stuck = self.rng.random() < 0.004
        final = 3 if late or stuck else final
        starts = [assessed, *(self.deadline(end) for end in SLICE_ENDS[:3])]
        if late:
            days = self.rng.randint(8, 20)
        else:
            days = self.rng.randint(([0, *SLICE_ENDS])[final], SLICE_ENDS[final])
        done = None if stuck else self.after(days, assessed)
        for k in range(final + 1):
            level, spec, name, _w = LADDER[k]
            due = self.deadline(SLICE_ENDS[k])
            life.level(starts[k], level, due)
            self.trail.event(starts[k], "case_level_changed", "system", True, to=level)
            end = done if k == final else starts[k + 1]
            decision = "化解" if k == final else "上交"
            self.trail.task(
                starts[k], end, (spec, name, level), self.staff(spec), decision=decision
            )
        if late or stuck:
            life.overdue_at = self.deadline(7)
            self.trail.event(life.overdue_at, "timer_fired", "system:scheduler", timer="七天")
            self.trail.event(life.overdue_at, "case_overdue", "system:scheduler")
        life.resolved, life.result = done, "调解成功"

    def whistle(self, life: Life) -> None:
        assessed = self.assess()
        unit = self.rng.choice(DEPARTMENTS)
        life.owner_unit = unit
        stuck = self.rng.random() < 0.01
        days = self.rng.randint(3, 12 if self.progress > 0.5 else 16)
        done = None if stuck else self.after(days)
        life.level(assessed, "中心吹哨", self.deadline(10))
        dispatched = self.after(1)
        self.trail.task(
            assessed, dispatched, ("dispatch", "吹哨派单（四定）", "县综治中心"), "xz.1"
        )
        reported = self.after(1, dispatched)
        self.trail.task(dispatched, reported, ("acknowledge", "部门报到", "部门"), f"bm.{unit}")
        self.trail.task(reported, done, ("mediate", "责任人包调处", "部门"), f"bm.{unit}")
        if days > 10 or stuck:
            life.overdue_at = self.deadline(10)
            self.trail.event(life.overdue_at, "case_overdue", "system:scheduler")
        life.resolved, life.result = done, "部门化解"

    def on_the_spot(self, life: Life, channel: str) -> None:
        level = "网格员" if channel == "网格上报" else "镇综治中心"
        done = self.received + timedelta(minutes=self.rng.uniform(15, 150))
        life.level(self.received, level, None)
        self.trail.task(self.received, done, ("on_spot", "当场办结", level), self.staff("zz"))
        life.resolved, life.result = done, "当场办结"

    def legal_service(self, life: Life) -> None:
        assessed = self.assess()
        done = self.after(self.rng.randint(1, 5), assessed)
        life.level(assessed, "镇综治中心", self.deadline(5))
        step = ("legal_service", "法律服务", "镇综治中心")
        self.trail.task(assessed, done, step, self.staff("zz"))
        life.resolved, life.result = done, "法律服务"

    def not_for_mediation(self, life: Life) -> None:
        assessed = self.assess()
        done = self.after(self.rng.randint(0, 2), assessed)
        life.level(assessed, "镇综治中心", self.deadline(2))
        life.remedy = self.rng.choice(REMEDIES)
        self.trail.task(assessed, done, ("guide", "引导至其他途径", "镇综治中心"), self.staff("zz"))
        self.trail.event(done, "case_guided", self.staff("zz"), remedy=life.remedy)
        life.closed, life.end_status, life.result = done, "已引导", "引导至其他途径"

    def cancelled(self, life: Life) -> None:
        life.closed = self.received + timedelta(hours=self.rng.uniform(1, 72))
        life.end_status = "已撤销"

    def handoff(self, life: Life, channel: str) -> None:
        self.trail.event(self.received, "message_received", f"api.{channel}", handoff=channel)
        signed = self.after(self.rng.randint(0, 1))
        life.level(self.received, "县综治中心", self.deadline(1))
        self.trail.task(self.received, signed, ("receive", "签收", "县综治中心"), "xz.2")
        row = dict(case_id=self.case_id, handoff=channel, received_at=signed)
        row |= dict(paused_seconds=0, extended_days=0)
        self.mediation = row
        if self.rng.random() < 0.08:  # not fit for mediation: returned at once, no outcome
            done = self.after(self.rng.randint(1, 3), signed)
            row["reason"] = "不宜调解" if done <= NOW else None
            self.trail.event(done, "case_returned", "xz.2", reason="不宜调解")
            life.closed, life.end_status, life.result = done, "已退回", "退回"
            return
        self.mediate(life, channel, signed)

    def mediate(self, life: Life, channel: str, signed: datetime) -> None:
        row, mediator = self.mediation, f"tj.{self.rng.randint(1, 12)}"
        accepted = self.after(self.rng.randint(0, 2), signed)
        row |= dict(mediator=mediator, accepted_at=accepted)
        row["due_at"] = due = accepted + timedelta(days=HANDOFFS[channel])
        life.level(accepted, "调解员", due)
        self.trail.task(signed, accepted, ("accept", "调解员签收", "调解员"), mediator)
        self.trail.event(accepted, "mediation_accepted", mediator, due=due.isoformat())
        days = self.rng.uniform(2, HANDOFFS[channel] * (1.25 if self.rng.random() < 0.06 else 1))
        done = accepted + timedelta(days=days)
        agreed = self.rng.random() < 0.72
        outcome = "达成协议" if agreed else "调解不成"
        self.trail.task(accepted, done, ("mediate", "调解", "调解员"), mediator, outcome=outcome)
        if done > due:
            life.overdue_at = due
        if done <= NOW:
            row["outcome"] = outcome
        if agreed:
            row["agreement_at"] = done if done <= NOW else None
            if channel == "诉调" and done <= NOW:
                row["confirmation_due_at"] = done + timedelta(days=30)
            life.resolved, life.result = done, "达成协议"
            return
        returned = self.after(1, done)
        self.trail.event(returned, "case_returned", "xz.2", reason="调解不成")
        life.closed, life.end_status, life.result = returned, "已退回", "调解不成"

    def mediation_rows(self) -> list[dict]:
        """The mediation row as it stood at NOW: none before the center signed for it."""
        row = self.mediation
        if row is None or row["received_at"] > NOW:
            return []
        if row.get("accepted_at") and row["accepted_at"] > NOW:
            row |= dict(mediator=None, accepted_at=None, due_at=None)
        return [row]

    # -- after resolution -------------------------------------------------------------------

    def call_back(self, life: Life) -> str | None:
        """Callbacks after resolution (a second round after 不满意); the last evaluation."""
        at, evaluation = self.after(self.rng.randint(0, 2), life.resolved), None
        for round_ in (1, 2):
            if at > NOW:
                break
            evaluation = pick(self.rng, EVALUATIONS) if round_ == 1 else "满意"
            by = f"hf.{self.rng.randint(1, 4)}"
            row = dict(case_id=self.case_id, round=round_, at=at, by=by, evaluation=evaluation)
            self.callbacks.append(row | dict(performance="已履行", note="", fed_back_at=at))
            ready = max(life.resolved, at - timedelta(hours=2))
            self.trail.task(ready, at, ("call_back", "电话回访", "县综治中心"), by)
            self.trail.event(at, "case_called_back", by, evaluation=evaluation)
            if evaluation != "不满意":
                life.closed = at + timedelta(minutes=10)
                return evaluation
            at = self.after(self.rng.randint(3, 8), at)
        return evaluation

    def case_row(self, life: Life, channel: str, route: str, evaluation: str | None) -> dict:
        rng = self.rng
        type_ = pick(rng, TYPES)
        if self.day.month in (11, 12, 1, 2) and rng.random() < 0.12:
            type_ = rng.choice(["14", "10"])  # heating and unpaid wages
        subtype = None
        if type_ in SUBTYPES and rng.random() < 0.6:
            subtype = f"{type_}{rng.randint(1, SUBTYPES[type_]):02d}"
        colour = pick(rng, {"红": 4, "黄": 24, "绿": 72})
        now_levels = [entry for entry in life.levels if entry[0] <= NOW]
        level, due = (now_levels[-1][1], now_levels[-1][2]) if now_levels else (None, None)
        resolved = life.resolved if life.resolved and life.resolved <= NOW else None
        closed = life.closed if life.closed and life.closed <= NOW else None
        status = life.end_status if closed else "已化解" if resolved else "办理中"
        if status == "办理中" and not now_levels:
            status = "已受理"
        return dict(
            id=self.case_id,
            code=f"{self.region}-{self.day:%Y%m%d}-{self.case_id:06d}",
            channel=channel,
            dispute_type=type_,
            dispute_subtype=subtype,
            summary="当事人因纠纷申请调处",
            request="",
            region_code=self.region,
            place="",
            people_count=rng.choice([2, 2, 2, 3, 4]) if rng.random() > 0.03 else 30,
            collective=False,
            risk_colour=colour,
            route=route,
            status=status,
            level=level,
            owner_unit=life.owner_unit,
            case_leader="包案领导" if colour == "红" else None,
            due_at=None if status in ("已结案", "已引导", "已退回", "已撤销") else due,
            overdue=life.overdue_at is not None and life.overdue_at <= NOW,
            result=life.result if resolved or closed else None,
            remedy=life.remedy if closed else None,
            evaluation=evaluation,
            instance_id=self.case_id,
            received_at=self.received,
            received_by=self.staff("zz"),
            resolved_at=resolved,
            closed_at=closed,
        )

    def tell(self) -> tuple[dict, dict]:
        """The case's life: (case row, instance row); records and events on ``self``."""
        rng, life = self.rng, Life(self.received)
        channel = pick(rng, CHANNELS)
        clerk = self.staff("zz")
        self.trail.event(self.received, "instance_started", clerk)
        self.trail.event(self.received, "case_registered", clerk)
        route = "三调对接" if channel in HANDOFFS else pick(rng, ROUTES)
        if route == "三调对接":
            self.handoff(life, channel)
        elif route == "撤销":
            self.cancelled(life)
        elif route == "当场办结":
            self.on_the_spot(life, channel)
        else:
            {"四级七天": self.ladder, "中心吹哨": self.whistle, "法律服务": self.legal_service}.get(
                route, self.not_for_mediation
            )(life)
        if life.resolved and life.resolved <= NOW:
            self.trail.event(life.resolved, "case_resolved", "system", result=life.result)
        evaluation = self.call_back(life) if life.resolved else None
        if life.closed and life.closed <= NOW and life.end_status == "已结案":
            self.trail.event(life.closed, "case_closed", "system", evaluation=evaluation)
        case = self.case_row(life, channel, None if route == "撤销" else route, evaluation)
        return case, self.instance(case)

    def instance(self, case: dict) -> dict:
        ended = case["closed_at"]
        status = "running" if ended is None else "cancelled" if case["status"] == "已撤销" else ""
        status = status or "completed"
        if ended is not None:
            self.trail.event(ended, f"instance_{status}", "system")
        version = min(3, 1 + int(self.progress * 3))
        return dict(
            id=self.case_id,
            definition_id=version,
            process_id="case_main",
            version_id=version,
            status=status,
            state="{}",
            serializer_version="bench",
            started_by=case["received_by"],
            started_at=self.received,
            updated_at=ended or self.received,
            ended_at=ended,
            row_version=1,
        )


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
