"""How history rows read: the event in Chinese (an automatic step of the diagram as
系统步骤, as on the case timeline), form fields under their forms' titles, dispute types by
name, a short summary of the data."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.instances import FormCache
from engine.models import TaskRecord

from ..cases.labels import HIDDEN_KEYS
from ..cases.service import dispute_type_names
from ..cases.timeline import format_value
from ..cases.words import DataWords, shown
from ..named import PERSON_KEYS, ROSTER_KEYS, UNIT_KEYS, readable
from .labels import AUDIT_DATA_LABELS, event_label

SUMMARY_MAX = 160


class _Row(Protocol):
    event_type: str
    task_id: str | None
    version_id: int | None
    spec_id: str | None
    spec_name: str | None


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
        self.words = DataWords.of_versions(
            session, forms, (row.version_id for row in rows), AUDIT_DATA_LABELS
        )
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

    def details(self, data: Mapping[str, Any], titles: Mapping[str, str]) -> list[tuple[str, str]]:
        """(label, value) of already masked data, ids, actors and technical keys left out;
        form fields under their titles."""
        return [
            (label, _format(value, self.words))
            for key, value in data.items()
            if shown(key, value) and (label := self.words.label(key, titles))
        ]

    def technical(
        self, row: _Row, data: Mapping[str, Any], titles: Mapping[str, str]
    ) -> list[tuple[str, str]]:
        """The auditor's 「技术信息」 of a row: the event type, the element's id, and every
        data key no label names, raw."""
        found = [("事件类型", row.event_type)]
        if row.spec_id:
            found.append(("元素标识", row.spec_id))
        return found + self.technical_data(data, titles)

    def technical_data(
        self, data: Mapping[str, Any], titles: Mapping[str, str]
    ) -> list[tuple[str, str]]:
        """(key, value) of the data keys no label names, values as people read them."""
        return [(key, _raw(value)) for key, value in self.words.technical(data, titles)]

    def summary(self, data: Mapping[str, Any], titles: Mapping[str, str]) -> str:
        text = "；".join(f"{label}：{value}" for label, value in self.details(data, titles))
        return text if len(text) <= SUMMARY_MAX else text[: SUMMARY_MAX - 1] + "…"

    def readable(self, data: Mapping[str, Any]) -> dict[str, Any]:
        named = (PERSON_KEYS | UNIT_KEYS | ROSTER_KEYS) & data.keys()
        found = readable(self.session, data) if named else dict(data)
        if isinstance(found.get("dispute_type"), str):
            found["dispute_type"] = self.types.get(found["dispute_type"], found["dispute_type"])
        return found


def _raw(value: Any) -> str:
    """A technical value as stored (a record as JSON), times and 是/否 as people read them."""
    if isinstance(value, dict | list) and any(isinstance(v, dict) for v in _items(value)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return format_value(value)


def _items(value: dict | list) -> list[Any]:
    return [value] if isinstance(value, dict) else list(value)


def _format(value: Any, words: DataWords) -> str:
    """``format_value``, with the keys of a nested record (an account's or a unit's state
    before and after a change) in the page's words too; technical ones left out."""
    if isinstance(value, dict):
        return "；".join(
            f"{label}：{format_value(item)}"
            for key, item in value.items()
            if key not in HIDDEN_KEYS and (label := words.label(key))
        )
    return format_value(value)
