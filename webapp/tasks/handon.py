"""Where the case went: what a user reads after submitting a task.

The tasks the step made ready on the case (the ready rows of the instance that were not
ready before the submit) are read from the task projection and said in the domain's words,
one line each: 「镇综治中心化解」已交 镇综治中心（大满镇综治中心），03-06 到期. A step that made
nothing new names the tasks still open on the case; a step that leaves nothing open says
what became of the case (案件已化解，待回访; 案件已结案 …), with the next time limit the case
waits for, if any.

The user is taken straight to a next task only when it is really theirs: assigned to them,
or offered to them and not another instance of the element they just did (the other
department's 报到, the next round of a loop).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from flask import render_template, url_for
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import TaskStatus, TaskView
from engine.models import TaskRecord, TimerRecord
from processes.deadlines import local
from processes.enums import CaseStatus
from processes.models import Case

from . import service
from .filters import Viewer
from .holders import Holders

LINES_MAX = 8
"""Lines a message names; more are counted (…等 N 项)."""

STATE_WORDS: dict[str, str] = {
    CaseStatus.RESOLVED: "案件已化解，待回访",
    CaseStatus.CLOSED: "案件已结案",
    CaseStatus.GUIDED: "已引导当事人通过其他途径解决，案件办结",
    CaseStatus.RETURNED: "案件已退回来源单位",
    CaseStatus.CANCELLED: "案件已撤销",
}
"""What became of a case that has no open task after the step."""
WAITING_WORDS = "案件暂无待办，等待下一环节"
NOTHING_OPEN = "已办结，无后续待办"


@dataclass(frozen=True)
class HandOn:
    """A task the case waits on, and with whom."""

    task_name: str
    who: str
    detail: str
    due: str
    """``03-06 到期``, or 未设办理时限."""
    count: int = 1
    """Tasks this line stands for (see ``folded``)."""


@dataclass(frozen=True)
class Landing:
    submitted: str
    case_id: int | None
    case_code: str
    made_ready: tuple[HandOn, ...]
    still_open: tuple[HandOn, ...]
    state: str
    """What became of the case when this step resolved or ended it, or when no task is open
    on it (案件已化解，待回访; 案件已结案；06-01 回访复核时间到); "" otherwise."""
    more: int
    """Lines left out past ``LINES_MAX``."""
    next_task: str | None
    """A ready task of the case that is really the user's: they go straight to it."""


@dataclass(frozen=True)
class Before:
    """The case as it stood just before a submit."""

    ready: frozenset[str]
    """Its ready tasks: what is ready afterwards and not in here, the step made ready."""
    status: str | None


def before_submit(session: Session, instance_id: int) -> Before:
    ready = session.scalars(
        select(TaskRecord.id).where(
            TaskRecord.instance_id == instance_id, TaskRecord.status == TaskStatus.READY
        )
    )
    status = session.scalar(select(Case.status).where(Case.instance_id == instance_id))
    return Before(frozenset(ready), status)


def after_submit(
    session: Session, *, viewer: Viewer, task: TaskView, before: Before, now: datetime
) -> Landing:
    """Where the case went after ``viewer`` submitted ``task``."""
    session.expire_all()  # the step was written by the engine's own session
    case = session.scalar(select(Case).where(Case.instance_id == task.instance_id))
    ready = _ready(session, task.instance_id)
    holders = Holders(session, case)
    new = folded([hand_on(holders, row, now) for row in ready if row.id not in before.ready])
    rest = [] if new else folded([hand_on(holders, row, now) for row in ready])
    return Landing(
        submitted=task.name,
        case_id=case.id if case is not None else None,
        case_code=(case.code or "") if case is not None else "",
        made_ready=tuple(new[:LINES_MAX]),
        still_open=tuple(rest[:LINES_MAX]),
        state=_state(session, case, before.status, now, waiting=not ready),
        more=max(0, len(new or rest) - LINES_MAX),
        next_task=_next_theirs(session, viewer, task, {row.id: row for row in ready}),
    )


def hand_on(holders: Holders, row: TaskRecord, now: datetime) -> HandOn:
    holder = holders.of_task(row)
    due = f"{short_time(row.due_at, now)} 到期" if row.due_at else "未设办理时限"
    return HandOn(row.name, holder.who, holder.detail, due)


def folded(lines: list[HandOn]) -> list[HandOn]:
    """Lines that read the same (a multi-instance task whose item the row does not name)
    said once, with how many."""
    counts: dict[HandOn, int] = {}
    for line in lines:
        counts[line] = counts.get(line, 0) + 1
    return [replace(line, count=count) for line, count in counts.items()]


def message(landing: Landing) -> Markup:
    """The flash shown on the page the user lands on (safe HTML: a link to the case)."""
    case_url = url_for("cases.show", case_id=landing.case_id) if landing.case_id else None
    html = render_template("tasks/_handon.html", landing=landing, case_url=case_url)
    return Markup(" ".join(html.split()))


def short_time(moment: datetime, now: datetime) -> str:
    """``03-06`` (with the year when not ``now``'s, the time when not the day's end)."""
    shown = local(moment)
    day = f"{shown:%m-%d}" if shown.year == local(now).year else f"{shown:%Y-%m-%d}"
    return day if (shown.hour, shown.minute) == (23, 59) else f"{day} {shown:%H:%M}"


def _ready(session: Session, instance_id: int) -> Sequence[TaskRecord]:
    return session.scalars(
        select(TaskRecord)
        .where(TaskRecord.instance_id == instance_id, TaskRecord.status == TaskStatus.READY)
        .order_by(TaskRecord.created_at, TaskRecord.name, TaskRecord.id)
    ).all()


def _state(
    session: Session, case: Case | None, was: str | None, now: datetime, *, waiting: bool
) -> str:
    """What became of the case: said when this step resolved or ended it, or when no task
    is open on it (then with the next time limit it waits for)."""
    if case is None:  # a process without a case (a rising-risk alert)
        return NOTHING_OPEN if waiting else ""
    status = case.status
    changed = status in STATE_WORDS and status != was
    if not (changed or waiting):
        return ""
    words = STATE_WORDS.get(status, WAITING_WORDS)
    if not waiting or case.instance_id is None:
        return words
    timer = session.execute(
        select(TimerRecord.name, TimerRecord.due_at)
        .where(TimerRecord.instance_id == case.instance_id, TimerRecord.due_at > now)
        .order_by(TimerRecord.due_at)
        .limit(1)
    ).first()
    return f"{words}；{short_time(timer.due_at, now)} {timer.name}" if timer else words


def _next_theirs(
    session: Session, viewer: Viewer, done: TaskView, ready: dict[str, TaskRecord]
) -> str | None:
    """The work list's next task of this case for ``viewer``, if it is really theirs."""
    found = service.next_task(session, viewer=viewer, instance_id=done.instance_id)
    row = ready.get(found) if found else None
    if row is None:
        return None
    if row.assignee == viewer.username:
        return row.id
    if row.assignee is not None or row.spec_id == done.spec_id:
        return None
    return row.id
