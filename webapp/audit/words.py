"""How history rows read: the event in Chinese (an automatic step of the diagram as
系统步骤, as on the case timeline), form fields under their forms' titles, dispute types by
name, a short summary of the data."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.instances import FormCache
from engine.models import TaskRecord

from ..cases.labels import DATA_LABELS, HIDDEN_KEYS
from ..cases.service import dispute_type_names
from ..cases.timeline import format_value
from ..named import PERSON_KEYS, UNIT_KEYS, readable
from .labels import AUDIT_DATA_LABELS, event_label

SUMMARY_MAX = 160


class _Row(Protocol):
    event_type: str
    task_id: str | None
    version_id: int | None


class TaskWords:
    """What the task projection says of the rows' tasks: which were people's (human) tasks,
    and the titles of their forms' fields."""

    def __init__(self, session: Session, forms: FormCache, rows: Iterable[_Row]) -> None:
        versions = {
            row.task_id: row.version_id
            for row in rows
            if row.event_type == "task_completed" and row.task_id and row.version_id
        }
        self.session = session
        self.human: set[str] = set()
        self.titles: dict[str, dict[str, str]] = {}
        self.types = dispute_type_names(session)
        if not versions:
            return
        tasks = session.execute(
            select(TaskRecord.id, TaskRecord.form_key).where(TaskRecord.id.in_(sorted(versions)))
        )
        for task_id, key in tasks:
            self.human.add(task_id)
            schema = (forms.get(session, versions[task_id], key) if key else None) or {}
            properties = schema.get("properties") or {}
            self.titles[task_id] = {n: spec.get("title") or n for n, spec in properties.items()}

    def what(self, row: _Row) -> str:
        automatic = row.event_type == "task_completed" and (row.task_id or "") not in self.human
        return "系统步骤" if automatic else event_label(row.event_type)

    def readable(self, data: Mapping[str, Any]) -> dict[str, Any]:
        found = (
            readable(self.session, data) if (PERSON_KEYS | UNIT_KEYS) & data.keys() else dict(data)
        )
        if isinstance(found.get("dispute_type"), str):
            found["dispute_type"] = self.types.get(found["dispute_type"], found["dispute_type"])
        return found


def details(data: Mapping[str, Any], titles: Mapping[str, str]) -> list[tuple[str, str]]:
    """(label, value) of already masked data, ids and actors left out; form fields under
    their titles."""
    return [
        (titles.get(key) or _label(key), _format(value))
        for key, value in data.items()
        if key not in HIDDEN_KEYS and value not in ("", None, [], {})
    ]


def _label(key: str) -> str:
    return AUDIT_DATA_LABELS.get(key) or DATA_LABELS.get(key, key)


def _format(value: Any) -> str:
    """``format_value``, with the keys of a nested record (an account's or a unit's
    state before and after a change) in the operation log's words too."""
    if isinstance(value, dict):
        return "；".join(
            f"{_label(key)}：{format_value(item)}"
            for key, item in value.items()
            if key not in HIDDEN_KEYS
        )
    return format_value(value)


def summary(data: Mapping[str, Any], titles: Mapping[str, str]) -> str:
    text = "；".join(f"{label}：{value}" for label, value in details(data, titles))
    return text if len(text) <= SUMMARY_MAX else text[: SUMMARY_MAX - 1] + "…"
