"""前一环节: what the previous holder of a case wrote, for the page of the task it now waits on.

Two sources, both rows (the workflow is never loaded for this):

- the history of the case's instance: the step that made the task ready. A person's
  submitted task (its name, who, when, and what the step's form added to the data), a
  time limit that fell due (the diagram's timer name), a message from outside (the 12345
  hotline's verdict), or the intake itself;
- the case's records, newest of each kind: the level's handover note (交接, the ladder's
  ``handover_note`` with the level's ``level_notes``), progress and feedback reports, the
  agreed result, the last callback (its 不满意 and note are what 二次督办 answers), the
  last 督办 record and how it was chased, the hotline's last 退回.

Everything here is returned with usernames; the web resolves names and form titles.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import EventType
from engine.models import HistoryEvent, TaskRecord

from .enums import Evaluation, Verdict
from .models import (
    CallbackRecord,
    Case,
    HandoffVerdict,
    ProgressReport,
    SupervisionRecord,
)

LOOK_BACK = 200
"""History rows read back from the task's ``task_ready`` row to find the step's cause (a
step writes one row per element it passes; none of the shipped ones passes this many)."""
NOTES_MAX = 5


class StepKind(StrEnum):
    """What made the task ready."""

    TASK = "task"
    """A person submitted a task."""
    TIMER = "timer"
    """A time limit fell due (an automatic hand-up, a reminder, a recheck date)."""
    MESSAGE = "message"
    """A message from outside arrived (the 12345 hotline's verdict)."""
    START = "start"
    """The case was registered: the first task of the process."""


@dataclass(frozen=True)
class PreviousStep:
    kind: StepKind
    name: str
    """The task's or the timer's name in the diagram, the message's name; "" at the start."""
    actor: str
    at: datetime
    lane: str | None = None
    """The lane of the submitted task (the level that handed the case on)."""
    task_id: str | None = None
    """The submitted task (its form gives the titles of ``data``)."""
    version_id: int | None = None
    data: dict[str, Any] = field(default_factory=dict)
    """What the submitted task added to the data: its form's values (and little else)."""


class NoteKind(StrEnum):
    """A record of the case as the panel titles it."""

    HANDOVER = "交接说明"
    PROGRESS = "进展报告"
    FEEDBACK = "反馈"
    RESULT = "化解结果"
    CALLBACK = "回访"
    SUPERVISION = "督办"
    HOTLINE = "12345 退回"


@dataclass(frozen=True)
class Note:
    kind: NoteKind
    title: str
    """e.g. 交接说明（交镇综治中心）, 第 1 次回访：不满意, 督办提示单：超期未化解."""
    at: datetime
    by: str | None
    text: str
    complaint: bool = False
    """A dissatisfied callback or a 退回: what the task must answer."""
    lines: tuple[str, ...] = ()
    """Further lines (how a 督办 was chased, how the agreement is performed)."""


def previous_step(session: Session, *, instance_id: int, task_id: str) -> PreviousStep | None:
    """The step that made ``task_id`` ready, from the instance's history rows."""
    ready = session.execute(
        select(HistoryEvent.seq)
        .where(
            HistoryEvent.instance_id == instance_id,
            HistoryEvent.event_type == EventType.TASK_READY,
            HistoryEvent.task_id == task_id,
        )
        .order_by(HistoryEvent.seq.desc())
        .limit(1)
    ).scalar()
    if ready is None:
        return None
    human = set(session.scalars(select(TaskRecord.id).where(TaskRecord.instance_id == instance_id)))
    rows = session.scalars(
        select(HistoryEvent)
        .where(
            HistoryEvent.instance_id == instance_id,
            HistoryEvent.seq < ready,
            HistoryEvent.event_type.in_(sorted(_CAUSES)),
        )
        .order_by(HistoryEvent.seq.desc())
        .limit(LOOK_BACK)
    )
    for row in rows:
        if row.event_type != EventType.TASK_COMPLETED or row.task_id in human:
            return _step(row)
    return None


_CAUSES = {
    EventType.TASK_COMPLETED: StepKind.TASK,
    EventType.TIMER_FIRED: StepKind.TIMER,
    EventType.MESSAGE_RECEIVED: StepKind.MESSAGE,
    EventType.INSTANCE_STARTED: StepKind.START,
}


def _step(row: HistoryEvent) -> PreviousStep:
    kind = _CAUSES[EventType(row.event_type)]
    data = dict(row.data or {}) if kind == StepKind.TASK else {}
    name = row.spec_name or row.spec_id or ""
    if kind == StepKind.MESSAGE:
        name = str((row.data or {}).get("message") or "")
    return PreviousStep(
        kind=kind,
        name="" if kind == StepKind.START else name,
        actor=row.actor,
        at=row.at,
        lane=row.lane if kind == StepKind.TASK else None,
        task_id=row.task_id if kind == StepKind.TASK else None,
        version_id=row.version_id,
        data=data,
    )


def case_notes(session: Session, case: Case, *, until: datetime) -> list[Note]:
    """The newest record of each kind written up to ``until``, newest first."""
    found = [
        *_reports(session, case.id, until),
        *_result(case, until),
        *_callback(session, case.id, until),
        *_supervision(session, case.id, until),
        *_hotline(session, case.id, until),
    ]
    found.sort(key=lambda note: note.at, reverse=True)
    return found[:NOTES_MAX]


def _latest(session: Session, model, case_id: int, moment, until: datetime, *criteria):
    return session.scalars(
        select(model)
        .where(model.case_id == case_id, moment <= until, *criteria)
        .order_by(moment.desc(), model.id.desc())
        .limit(1)
    ).first()


_REPORT_KINDS = {"交接": NoteKind.HANDOVER, "进展": NoteKind.PROGRESS, "反馈": NoteKind.FEEDBACK}


def _reports(session: Session, case_id: int, until: datetime) -> list[Note]:
    notes = []
    for word, kind in _REPORT_KINDS.items():
        row = _latest(
            session,
            ProgressReport,
            case_id,
            ProgressReport.at,
            until,
            ProgressReport.kind == word,
            ProgressReport.text != "",
        )
        if row is not None:
            title = f"{kind}（交{row.level}）" if kind == NoteKind.HANDOVER and row.level else kind
            notes.append(Note(kind, title, row.at, row.by, row.text))
    return notes


def _result(case: Case, until: datetime) -> list[Note]:
    if not case.result or case.resolved_at is None or case.resolved_at > until:
        return []
    return [Note(NoteKind.RESULT, NoteKind.RESULT, case.resolved_at, None, _joined(case))]


def _joined(case: Case) -> str:
    return f"{case.result}：{case.result_note}" if case.result_note else str(case.result)


def _callback(session: Session, case_id: int, until: datetime) -> list[Note]:
    row = _latest(session, CallbackRecord, case_id, CallbackRecord.at, until)
    if row is None:
        return []
    unhappy = row.evaluation == Evaluation.DISSATISFIED
    lines = (f"协议履行情况：{row.performance}",) if row.performance else ()
    title = f"第 {row.round} 次{NoteKind.CALLBACK}：{row.evaluation}"
    return [Note(NoteKind.CALLBACK, title, row.at, row.by, row.note, unhappy, lines)]


def _supervision(session: Session, case_id: int, until: datetime) -> list[Note]:
    row = _latest(session, SupervisionRecord, case_id, SupervisionRecord.issued_at, until)
    if row is None:
        return []
    lines = [f"督办对象：{row.target}"] if row.target else []
    if row.chased_at is not None and row.chased_at <= until:
        chased = f"已{row.chase_method or '催办'}"
        lines.append(f"{chased}：{row.chase_note}" if row.chase_note else chased)
    title = f"{row.kind}：{row.reason}"
    note = Note(NoteKind.SUPERVISION, title, row.issued_at, row.issued_by, row.content)
    return [replace(note, lines=tuple(lines))]


def _hotline(session: Session, case_id: int, until: datetime) -> list[Note]:
    row = _latest(
        session,
        HandoffVerdict,
        case_id,
        HandoffVerdict.received_at,
        until,
        HandoffVerdict.verdict == Verdict.REJECTED,
    )
    if row is None:
        return []
    title = f"{NoteKind.HOTLINE}（第 {row.round} 次答复）"
    return [Note(NoteKind.HOTLINE, title, row.received_at, None, row.reason, True)]
