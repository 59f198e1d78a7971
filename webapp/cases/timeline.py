"""A case's timeline: every history event of its instance plus the operation-log entries
about it, oldest first, each with who, when, what and the data it changed (personal data
masked, form fields under their titles)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import Engine
from engine.models import HistoryEvent, TaskRecord
from processes.attachments import parse_reference
from processes.deadlines import local
from processes.masking import mask_id_number, mask_name, mask_phone
from processes.models import Case

from ..accounts.models import User
from ..named import names_in
from .labels import (
    CASE_OPERATIONS,
    EVENT_LABELS,
    HIDDEN_KEYS,
    PERSONAL_KEYS,
    SYSTEM_ACTORS,
    TASK_EVENTS,
)
from .service import dispute_type_names
from .words import PLAIN, DataWords

_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
_MASKS: dict[str, Callable[[str], str]] = {
    "name": mask_name,
    "phone": mask_phone,
    "id_number": mask_id_number,
    "address": lambda value: "***" if value else "",
}


@dataclass(frozen=True)
class TimelineEntry:
    seq: int
    at: datetime
    """Local (China Standard) time."""
    who: str
    what: str
    event_type: str
    lane: str | None
    details: list[tuple[str, str]]
    """(label, value) of the data the event changed."""
    automatic: bool
    """An automatic step of the diagram (gateway, script, service task): hidden by default."""


@dataclass(frozen=True)
class Timeline:
    entries: list[TimelineEntry]
    hidden: int
    """Automatic steps left out (shown with ``all_steps``)."""


def case_events(session: Session, case: Case) -> list[HistoryEvent]:
    """The case's instance's events and the operation-log events naming the case, by seq."""
    found: dict[int, HistoryEvent] = {}
    if case.instance_id is not None:
        rows = session.scalars(
            select(HistoryEvent).where(HistoryEvent.instance_id == case.instance_id)
        )
        found.update((row.seq, row) for row in rows)
    operations = session.scalars(
        select(HistoryEvent).where(
            HistoryEvent.instance_id.is_(None),
            HistoryEvent.event_type.in_(sorted(CASE_OPERATIONS)),
            HistoryEvent.data["case_id"].as_integer() == case.id,
        )
    )
    found.update((row.seq, row) for row in operations)
    return [found[seq] for seq in sorted(found)]


def display_names(session: Session, actors: Iterable[str]) -> dict[str, str]:
    """Actor → what people read: a user's display name, 系统 for the engine's own actors."""
    names = dict(SYSTEM_ACTORS)
    wanted = sorted(set(actors) - set(names))
    if wanted:
        rows = session.execute(
            select(User.username, User.display_name).where(User.username.in_(wanted))
        )
        names.update((name, shown) for name, shown in rows)
    return names


def _masked(key: str, value: Any) -> str:
    if key == "parties" and isinstance(value, list):
        return "、".join(
            " ".join(filter(None, (mask_name(p.get("name")), mask_phone(p.get("phone")))))
            for p in value
            if isinstance(p, dict)
        )
    return _MASKS.get(key, lambda v: "***")(str(value)) if value else ""


def _format_time(value: str) -> str:
    try:
        return f"{local(datetime.fromisoformat(value)):%Y-%m-%d %H:%M}"
    except ValueError:
        return value


def format_value(value: Any) -> str:
    """A data value as people read it: 是/否, local times, lists joined."""
    if isinstance(value, bool):
        text = "是" if value else "否"
    elif value is None:
        text = "—"
    elif (attached := parse_reference(value)) is not None:
        text = f"附件（编号 {attached[0]}）"
    elif isinstance(value, str) and _ISO_TIME.match(value):
        text = _format_time(value)
    elif isinstance(value, list):
        text = "、".join(format_value(item) for item in value)
    elif isinstance(value, dict):
        text = "；".join(
            f"{PLAIN.label(k)}：{format_value(v)}"
            for k, v in value.items()
            if k not in HIDDEN_KEYS and PLAIN.label(k)
        )
    else:
        text = str(value)
    return text


def _details(
    data: Mapping[str, Any], titles: Mapping[str, str], words: DataWords
) -> list[tuple[str, str]]:
    """(label, value) in the form's order; technical keys (no label) left out."""
    ordered = [key for key in titles if key in data]
    ordered += [key for key in data if key not in titles]
    details = []
    for key in ordered:
        value = data[key]
        label = words.label(key, titles)
        if key in HIDDEN_KEYS or value in ("", None, [], {}) or label is None:
            continue
        shown = _masked(key, value) if key in PERSONAL_KEYS else format_value(value)
        details.append((label, shown))
    return details


class _Context:
    """What entries need beyond the event: human tasks, form titles, user names."""

    def __init__(self, session: Session, engine: Engine, case: Case, events: list[HistoryEvent]):
        self.session, self.engine = session, engine
        forms: dict[str, str | None] = {}
        if case.instance_id is not None:
            rows = session.execute(
                select(TaskRecord.id, TaskRecord.form_key).where(
                    TaskRecord.instance_id == case.instance_id
                )
            )
            forms = {task_id: key for task_id, key in rows}
        self.human_forms = forms
        self.names = display_names(session, (event.actor for event in events))
        self.named = names_in(session, (event.data or {} for event in events))
        self.types = dispute_type_names(session)
        self.words = DataWords.of_versions(
            session, engine.forms, (event.version_id for event in events)
        )

    def titles(self, event: HistoryEvent) -> dict[str, str]:
        """Form field → title for a completed human task's data."""
        key = self.human_forms.get(event.task_id or "")
        if not key or event.version_id is None:
            return {}
        schema = self.engine.forms.get(self.session, event.version_id, key) or {}
        properties = schema.get("properties", {})
        return {name: spec.get("title") or name for name, spec in properties.items()}


def _what(event: HistoryEvent, automatic: bool) -> str:
    label = "系统步骤" if automatic else EVENT_LABELS.get(event.event_type, event.event_type)
    if event.spec_name:  # an unnamed element (a joining gateway) is not named by its id
        return f"{label}「{event.spec_name}」"
    return label


def _entry(event: HistoryEvent, context: _Context) -> TimelineEntry:
    automatic = (
        event.event_type == "task_completed" and (event.task_id or "") not in context.human_forms
    )
    titles = context.titles(event) if event.event_type == "task_completed" else {}
    data = context.named.readable(event.data or {})
    if isinstance(data.get("dispute_type"), str):
        data["dispute_type"] = context.types.get(data["dispute_type"], data["dispute_type"])
    return TimelineEntry(
        seq=event.seq,
        at=local(event.at),
        who=context.names.get(event.actor, event.actor),
        what=_what(event, automatic),
        event_type=event.event_type,
        lane=event.lane if event.event_type in TASK_EVENTS else None,
        details=_details(data, titles, context.words),
        automatic=automatic,
    )


def case_timeline(
    session: Session, engine: Engine, case: Case, *, all_steps: bool = False
) -> Timeline:
    events = case_events(session, case)
    context = _Context(session, engine, case, events)
    entries = [_entry(event, context) for event in events]
    shown = [entry for entry in entries if all_steps or not entry.automatic]
    return Timeline(entries=shown, hidden=len(entries) - len(shown))
