"""One seeded case's life for ``bench/reports.py``: how it travels (a 三调 hand-off with its
mediation, up the four levels in working days, 中心吹哨, settled on the spot, legal service,
guided elsewhere, withdrawn), when it is resolved, called back and closed, all cut at the
benchmark's "now", with the history events the engine would have written on the way.

The distributions are invented; tables, statuses, step names and event types are the
application's.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone

from bench.databases import instance_row
from processes.calendar import WorkCalendar

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # Monday 09:00 in China: every report's as_of
FIRST_DAY, LAST_DAY = date(2024, 3, 1), date(2026, 3, 1)  # receipts, local days
LOCAL = timezone(timedelta(hours=8))
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

    def ladder(self, life: Life, _channel: str) -> None:
        assessed = self.assess()
        final = self.rng.choices(range(4), weights=[w for *_x, w in LADDER])[0]
        late = self.rng.random() < 0.12 * (1 - 0.7 * self.progress)
        stuck = self.rng.random() < 0.004
        final = 3 if late or stuck else final
        starts = [assessed, *(self.deadline(end) for end in SLICE_ENDS[:3])]
        if late:
            days = self.rng.randint(8, 20)
        else:
            days = self.rng.randint((0, 2, 4, 6)[final], SLICE_ENDS[final])  # after it began
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

    def whistle(self, life: Life, _channel: str) -> None:
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

    def legal_service(self, life: Life, _channel: str) -> None:
        assessed = self.assess()
        done = self.after(self.rng.randint(1, 5), assessed)
        life.level(assessed, "镇综治中心", self.deadline(5))
        step = ("legal_service", "法律服务", "镇综治中心")
        self.trail.task(assessed, done, step, self.staff("zz"))
        life.resolved, life.result = done, "法律服务"

    def not_for_mediation(self, life: Life, _channel: str) -> None:
        assessed = self.assess()
        done = self.after(self.rng.randint(0, 2), assessed)
        life.level(assessed, "镇综治中心", self.deadline(2))
        life.remedy = self.rng.choice(REMEDIES)
        self.trail.task(assessed, done, ("guide", "引导至其他途径", "镇综治中心"), self.staff("zz"))
        self.trail.event(done, "case_guided", self.staff("zz"), remedy=life.remedy)
        life.closed, life.end_status, life.result = done, "已引导", "引导至其他途径"

    def cancelled(self, life: Life, _channel: str) -> None:
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
        paths = {"三调对接": self.handoff, "当场办结": self.on_the_spot, "四级七天": self.ladder}
        paths |= {"中心吹哨": self.whistle, "法律服务": self.legal_service}
        paths |= {"不宜调解": self.not_for_mediation, "撤销": self.cancelled}
        paths[route](life, channel)
        if life.resolved and life.resolved <= NOW:
            self.trail.event(life.resolved, "case_resolved", "system", result=life.result)
        evaluation = self.call_back(life) if life.resolved else None
        if life.closed and life.closed <= NOW and life.end_status == "已结案":
            self.trail.event(life.closed, "case_closed", "system", evaluation=evaluation)
        case = self.case_row(life, channel, None if route == "撤销" else route, evaluation)
        return case, self.instance(case)

    def instance(self, case: dict) -> dict:
        ended = case["closed_at"]
        status = "cancelled" if case["status"] == "已撤销" else "completed"
        if ended is None:
            status = "running"
        else:
            self.trail.event(ended, f"instance_{status}", "system")
        version = min(3, 1 + int(self.progress * 3))
        return instance_row(
            self.case_id,
            self.received,
            version=version,
            status=status,
            started_by=case["received_by"],
            ended_at=ended,
        )
