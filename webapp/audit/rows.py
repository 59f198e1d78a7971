"""History rows as the auditor reads them: the event in Chinese, the case it belongs to, who
did it, and a masked summary of its data."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from engine.history_search import HistoryRow
from engine.instances import FormCache
from engine.models import TaskRecord
from processes.deadlines import local
from processes.models import Case, Party

from ..cases.labels import DATA_LABELS, HIDDEN_KEYS
from ..cases.timeline import display_names, format_value
from .labels import event_label
from .masking import mask_value

SUMMARY_MAX = 160


@dataclass(frozen=True)
class CaseRef:
    case_id: int
    code: str
    instance_id: int | None
    parties: list[Party] = field(default_factory=list)


@dataclass(frozen=True)
class AuditRow:
    seq: int
    at: datetime
    """Local (China Standard) time."""
    event_type: str
    what: str
    case: CaseRef | None
    process_id: str | None
    version_id: int | None
    element: str | None
    lane: str | None
    actor: str
    actor_name: str
    summary: str


class CaseRefs:
    """The cases of a batch of rows: by their instance, or by ``case_id`` in their data."""

    def __init__(self, session: Session, rows: Iterable[HistoryRow]) -> None:
        rows = list(rows)
        instances = {row.instance_id for row in rows if row.instance_id is not None}
        case_ids = {_case_id(row.data) for row in rows} - {None}
        self.by_instance: dict[int, CaseRef] = {}
        self.by_id: dict[int, CaseRef] = {}
        if not instances and not case_ids:
            return
        cases = session.execute(
            select(Case.id, Case.code, Case.instance_id).where(
                or_(Case.instance_id.in_(sorted(instances)), Case.id.in_(sorted(case_ids)))
            )
        ).all()
        parties: dict[int, list[Party]] = {}
        for party in session.scalars(
            select(Party).where(Party.case_id.in_([c.id for c in cases])).order_by(Party.id)
        ):
            parties.setdefault(party.case_id, []).append(party)
        for case_id, code, instance_id in cases:
            ref = CaseRef(case_id, code or "（待赋码）", instance_id, parties.get(case_id, []))
            self.by_id[case_id] = ref
            if instance_id is not None:
                self.by_instance[instance_id] = ref

    def of(self, row: HistoryRow) -> CaseRef | None:
        if row.instance_id is not None and row.instance_id in self.by_instance:
            return self.by_instance[row.instance_id]
        case_id = _case_id(row.data)
        return self.by_id.get(case_id) if case_id is not None else None


def _case_id(data: Mapping[str, Any] | None) -> int | None:
    value = (data or {}).get("case_id")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def form_titles(
    session: Session, forms: FormCache, tasks: Iterable[tuple[str | None, int | None]]
) -> dict[str, dict[str, str]]:
    """Task id → {form field: title} for the human tasks among ``(task id, version id)``."""
    versions = {task: version for task, version in tasks if task and version}
    if not versions:
        return {}
    keys = session.execute(
        select(TaskRecord.id, TaskRecord.form_key).where(
            TaskRecord.id.in_(sorted(versions)), TaskRecord.form_key.is_not(None)
        )
    )
    found: dict[str, dict[str, str]] = {}
    for task_id, key in keys:
        schema = forms.get(session, versions[task_id], key) or {}
        properties = schema.get("properties") or {}
        found[task_id] = {name: spec.get("title") or name for name, spec in properties.items()}
    return found


def details(data: Mapping[str, Any], titles: Mapping[str, str]) -> list[tuple[str, str]]:
    """(label, value) of already masked data, ids and actors left out; form fields under
    their titles."""
    return [
        (titles.get(key) or DATA_LABELS.get(key, key), format_value(value))
        for key, value in data.items()
        if key not in HIDDEN_KEYS and value not in ("", None, [], {})
    ]


def summary(data: Mapping[str, Any], titles: Mapping[str, str]) -> str:
    text = "；".join(f"{label}：{value}" for label, value in details(data, titles))
    return text if len(text) <= SUMMARY_MAX else text[: SUMMARY_MAX - 1] + "…"


def present(session: Session, rows: list[HistoryRow], forms: FormCache) -> list[AuditRow]:
    refs = CaseRefs(session, rows)
    names = display_names(session, (row.actor for row in rows))
    titles = form_titles(
        session,
        forms,
        ((r.task_id, r.version_id) for r in rows if r.event_type == "task_completed"),
    )
    found = []
    for row in rows:
        case = refs.of(row)
        masked = mask_value(row.data or {}, case.parties if case else ())
        found.append(
            AuditRow(
                seq=row.seq,
                at=local(row.at),
                event_type=row.event_type,
                what=event_label(row.event_type),
                case=case,
                process_id=row.process_id,
                version_id=row.version_id,
                element=row.spec_name or row.spec_id,
                lane=row.lane,
                actor=row.actor,
                actor_name=names.get(row.actor, row.actor),
                summary=summary(masked, titles.get(row.task_id or "", {})),
            )
        )
    return found
