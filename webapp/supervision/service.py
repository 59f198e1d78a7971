"""The supervision board (督办台) and its chase command; services never commit.

The board shows one row per case with late work, grouped by the unit and level holding the
case, with overdue and near-due counts per group; a chase is recorded by
``processes.chase`` (completing the diagram's 督办催办 task when one waits).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import Actor, Engine, NotFound
from processes.calendar import WorkCalendar
from processes.chase import Chased, ChaseRefused, ChaseRequest, ChaseSummary, chase_case
from processes.chase import chase_summaries as load_chase_summaries
from processes.current_deadline import task_deadline
from processes.deadlines import local
from processes.enums import ChaseMethod, RiskColour, SupervisionReason
from processes.holder import level_rank, load_regions
from processes.models import Case, DisputeType

from ..accounts.models import User
from ..due import DueInfo, DueState, deadline_badge
from ..scope import may_see
from .late import LateItem, TaskFacts, late_items, near_cutoff

MAX_ROWS = 300
"""Rows listed at most (the counts cover every late case); filters narrow the list."""

METHODS: dict[str, ChaseMethod] = {"phone": ChaseMethod.PHONE, "letter": ChaseMethod.LETTER}
METHOD_LABELS: dict[str, str] = {"phone": "电话催办", "letter": "书面催办"}
STATES = {DueState.OVERDUE.value: "超期", DueState.NEAR.value: "临期"}
RISKS = tuple(colour.value for colour in RiskColour)


@dataclass(frozen=True)
class BoardFilters:
    unit: str = ""
    level: str = ""
    state: str = ""
    risk: str = ""

    @classmethod
    def parse(cls, args: Mapping[str, str]) -> BoardFilters:
        """Known values kept, anything else dropped (a stale link shows the whole board)."""
        state, risk = args.get("state", ""), args.get("risk", "")
        return cls(
            unit=args.get("unit", "").strip()[:120],
            level=args.get("level", "").strip()[:20],
            state=state if state in STATES else "",
            risk=risk if risk in RISKS else "",
        )

    def query_args(self) -> dict[str, str]:
        return {k: v for k, v in vars(self).items() if v}

    def match(self, item: LateItem) -> bool:
        return (
            (not self.unit or item.unit == self.unit)
            and (not self.level or item.level == self.level)
            and (not self.state or item.state == self.state)
            and (not self.risk or item.case.risk_colour == self.risk)
        )


@dataclass(frozen=True)
class TaskLine:
    name: str
    holder: str
    due: DueInfo | None
    supervision: bool


@dataclass(frozen=True)
class BoardRow:
    case_id: int
    code: str
    dispute_type: str
    level: str
    unit: str
    risk: str
    person: str
    leader: str
    state: DueState
    flagged_overdue: bool
    due: DueInfo
    tasks: list[TaskLine]
    chases: ChaseSummary | None

    @property
    def last_chased(self) -> str:
        """When the last chase was, in local time (e.g. 03-05 10:30)."""
        return f"{local(self.chases.last_at):%m-%d %H:%M}" if self.chases else ""


@dataclass
class Group:
    unit: str
    level: str
    overdue: int = 0
    near: int = 0
    rows: list[BoardRow] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.overdue + self.near


@dataclass(frozen=True)
class Board:
    groups: list[Group]
    """Every group with late work in scope (counts unfiltered), rows filtered and capped."""
    overdue: int
    near: int
    listed: int
    """Rows matching the filters (before the cap)."""
    shown: int
    filters: BoardFilters
    levels: list[str]

    @property
    def truncated(self) -> bool:
        return self.shown < self.listed


def load_board(
    session: Session,
    *,
    scope: frozenset[str] | None,
    now: datetime,
    calendar: WorkCalendar,
    filters: BoardFilters,
) -> Board:
    items = late_items(
        session,
        scope=scope,
        now=now,
        cutoff=near_cutoff(now, calendar),
        regions=load_regions(session),
    )
    items.sort(key=_order)
    groups = _groups(items)
    listed = [item for item in items if filters.match(item)]
    shown = listed[:MAX_ROWS]
    _fill_rows(session, groups, shown, now, calendar)
    overdue = sum(g.overdue for g in groups.values())
    return Board(
        groups=list(groups.values()),
        overdue=overdue,
        near=len(items) - overdue,
        listed=len(listed),
        shown=len(shown),
        filters=filters,
        levels=sorted({item.level for item in items}, key=lambda lv: (level_rank(lv), lv)),
    )


def _order(item: LateItem) -> tuple:
    """By level up the ladder, then unit; overdue first, then the earliest deadline."""
    due = item.earliest_due
    return (
        level_rank(item.level),
        item.level,
        item.unit,
        item.state != DueState.OVERDUE,
        due.timestamp() if due else float("inf"),
        item.case.id,
    )


def _groups(items: list[LateItem]) -> dict[tuple[str, str], Group]:
    groups: dict[tuple[str, str], Group] = {}
    for item in items:
        group = groups.setdefault((item.level, item.unit), Group(item.unit, item.level))
        if item.state == DueState.OVERDUE:
            group.overdue += 1
        else:
            group.near += 1
    return groups


def _fill_rows(
    session: Session,
    groups: dict[tuple[str, str], Group],
    items: list[LateItem],
    now: datetime,
    calendar: WorkCalendar,
) -> None:
    chases = load_chase_summaries(session, (item.case.id for item in items))
    types = dict(session.execute(select(DisputeType.code, DisputeType.name)).all())
    people = display_names(
        session,
        {t.assignee for item in items for t in item.tasks if t.assignee}
        | {c.last_by for c in chases.values()},
    )
    for item in items:
        summary = chases.get(item.case.id)
        if summary is not None:
            summary = replace(summary, last_by=people.get(summary.last_by, summary.last_by))
        row = _row(item, summary, types, now, calendar, people)
        groups[(item.level, item.unit)].rows.append(row)


def display_names(session: Session, usernames: set[str]) -> dict[str, str]:
    """Username → the name people know them by (one query for the whole board)."""
    if not usernames:
        return {}
    rows = session.execute(
        select(User.username, User.display_name).where(User.username.in_(sorted(usernames)))
    )
    return dict(rows.all())


def _row(
    item: LateItem,
    chases: ChaseSummary | None,
    types: Mapping[str, str],
    now: datetime,
    calendar: WorkCalendar,
    people: Mapping[str, str],
) -> BoardRow:
    case = item.case
    return BoardRow(
        case_id=case.id,
        code=case.code or f"#{case.id}",
        dispute_type=types.get(case.dispute_type, case.dispute_type),
        level=item.level,
        unit=item.unit,
        risk=case.risk_colour,
        person=case.responsible_person or "",
        leader=case.case_leader or "",
        state=item.state,
        flagged_overdue=case.overdue,
        due=deadline_badge(item.deadline, now, calendar),
        tasks=[_task_line(task, now, calendar, people) for task in item.tasks],
        chases=chases,
    )


def _task_line(
    task: TaskFacts, now: datetime, calendar: WorkCalendar, people: Mapping[str, str]
) -> TaskLine:
    if task.assignee:
        holder = people.get(task.assignee, task.assignee)
    else:
        holder = f"{task.lane or '未设泳道'}（未认领）"
    due = deadline_badge(task_deadline(task), now, calendar) if task.due_at else None
    return TaskLine(task.name, holder, due, task.supervision)


# -- the chase command ------------------------------------------------------------------


@dataclass(frozen=True)
class ChaseOutcome:
    code: str
    chased: Chased


def chase(
    engine: Engine,
    session: Session,
    *,
    case_id: int,
    method: str,
    note: str,
    scope: frozenset[str] | None,
    actor: Actor,
    calendar: WorkCalendar,
) -> ChaseOutcome:
    """Record a chase of ``case_id``'s late work; ``NotFound`` outside ``scope``."""
    if method not in METHODS:
        raise ChaseRefused("请选择电话催办或书面催办")
    found = session.execute(select(Case.code, Case.region_code).where(Case.id == case_id)).first()
    if found is None or not may_see(scope, found.region_code):
        raise NotFound(f"案件 {case_id} 不存在")
    now = engine.clock.now()
    late = late_items(
        session,
        scope=scope,
        now=now,
        cutoff=near_cutoff(now, calendar),
        regions=load_regions(session),
        case_id=case_id,
    )
    if not late:
        raise ChaseRefused(f"案件 {found.code} 当前没有临期或超期事项，无需催办")
    item = late[0]
    request = ChaseRequest(
        case_id=case_id,
        method=METHODS[method],
        note=note,
        target=item.target,
        reason=(
            SupervisionReason.OVERDUE
            if item.state == DueState.OVERDUE
            else SupervisionReason.NEAR_DUE
        ),
        actor=actor,
    )
    return ChaseOutcome(found.code or f"#{case_id}", chase_case(engine, session, request))
