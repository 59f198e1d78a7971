"""The task page's 前一环节 panel: what the previous holder wrote, in the domain's words.

The step that made the task ready (``processes.handover.previous_step``) is shown with
its form's values under the form's own titles; below it the case's latest records
(``processes.handover.case_notes``): the handover note, the agreed result, the last
callback (what a 二次督办 answers), the last 督办 and how it was chased. A record written
by the same person in that same step repeats what the form shows and is left out.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from engine import Engine, TaskView
from engine.models import TaskRecord
from processes.deadlines import local
from processes.handover import Note, PreviousStep, StepKind, case_notes, previous_step
from processes.models import Case

from ..cases.labels import HIDDEN_KEYS, PERSONAL_KEYS, SYSTEM_ACTORS
from ..cases.timeline import format_value
from ..named import readable
from .holders import Holders


@dataclass(frozen=True)
class StepView:
    title: str
    """What happened: the submitted task's name (村调委会化解), 「村调委会超期」时限到达…"""
    meta: str
    """Who and when: 王五（大满村调委会） · 2026-03-04 10:20 提交."""
    fields: list[tuple[str, str]]
    """(title, value) of what the submitted form said."""
    complaint: bool = False
    """The form recorded a complaint (a 不满意 callback) the task must answer."""


@dataclass(frozen=True)
class NoteView:
    title: str
    by: str
    at: str
    text: str
    lines: tuple[str, ...]
    complaint: bool


@dataclass(frozen=True)
class PreviousPanel:
    step: StepView | None
    notes: list[NoteView]

    def __bool__(self) -> bool:
        return self.step is not None or bool(self.notes)


def previous_panel(session: Session, engine: Engine, task: TaskView, case: Case) -> PreviousPanel:
    """What the holders before this task wrote on ``case``."""
    step = previous_step(session, instance_id=task.instance_id, task_id=task.id)
    holders = Holders(session, case)
    shown = _step_view(session, engine, holders, step) if step is not None else None
    notes = case_notes(session, case, until=task.created_at)
    repeated = [note for note in notes if _repeats(note, step, shown)]
    if shown is not None and any(note.complaint for note in repeated):
        shown = replace(shown, complaint=True)
    kept = [_note_view(holders, note) for note in notes if note not in repeated]
    return PreviousPanel(shown, kept)


def _when(moment: datetime) -> str:
    return f"{local(moment):%Y-%m-%d %H:%M}"


def _who(holders: Holders, actor: str | None, lane: str = "") -> str:
    if not actor:
        return ""
    if actor in SYSTEM_ACTORS:
        return SYSTEM_ACTORS[actor]
    person = holders.person(actor, lane=lane)
    return f"{person.name}（{person.unit}）" if person.unit else person.name


def _step_view(session: Session, engine: Engine, holders: Holders, step: PreviousStep) -> StepView:
    when = _when(step.at)
    if step.kind == StepKind.TIMER:
        return StepView(f"「{step.name}」时限到达，系统自动转来", when, [])
    if step.kind == StepKind.MESSAGE:
        return StepView(f"收到「{step.name}」", when, [])
    who = _who(holders, step.actor, step.lane or "")
    if step.kind == StepKind.START:
        return StepView("受理登记", f"{who} · {when}", [])
    fields = _fields(session, engine, step)
    return StepView(step.name, f"{who} · {when} 提交", fields)


def _fields(session: Session, engine: Engine, step: PreviousStep) -> list[tuple[str, str]]:
    """The submitted form's values under its titles, in the form's order; keys that are
    not fields of the form (data the step computed) are left out."""
    record = session.get(TaskRecord, step.task_id) if step.task_id else None
    if record is None or not record.form_key or step.version_id is None:
        return []
    schema = engine.forms.get(session, step.version_id, record.form_key) or {}
    data = readable(session, step.data)  # picked people, units, roster entries by name
    found = []
    for name, spec in (schema.get("properties") or {}).items():
        value: Any = data.get(name)
        if name in HIDDEN_KEYS or name in PERSONAL_KEYS or value in ("", None, [], {}):
            continue
        found.append((spec.get("title") or name, format_value(value)))
    return found


def _repeats(note: Note, step: PreviousStep | None, shown: StepView | None) -> bool:
    """A record the previous step's own form already says (same person, same moment)."""
    if step is None or shown is None or not shown.fields:
        return False
    return note.at == step.at and note.by in (step.actor, None)


def _note_view(holders: Holders, note: Note) -> NoteView:
    return NoteView(
        title=note.title,
        by=_who(holders, note.by),
        at=_when(note.at),
        text=note.text,
        lines=note.lines,
        complaint=note.complaint,
    )
