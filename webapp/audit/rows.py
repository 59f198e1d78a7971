"""History rows as the auditor reads them: the event in Chinese, the case it belongs to, who
did it, and a masked summary of its data."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.history_search import HistoryRow
from engine.instances import FormCache
from processes.deadlines import local
from processes.models import Case, Party

from ..cases.labels import SYSTEM_ACTORS
from ..cases.timeline import display_names
from .choices import process_names
from .masking import mask_value
from .words import TaskWords


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
    """The process that ran the step (a called one), else the instance's own."""
    process: str | None
    """That process's name."""
    version_id: int | None
    element: str | None
    """The element's name in the diagram (an unnamed one, e.g. a joining gateway: None)."""
    lane: str | None
    actor: str
    actor_name: str
    login: str | None
    """The account's user name beside its display name (None for the system's own actors
    and when they read the same)."""
    summary: str
    technical: list[tuple[str, str]]
    """「技术信息」: the event type, the element's id, data keys no label names."""


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
        columns = (Case.id, Case.code, Case.instance_id)
        cases = session.execute(select(*columns).where(Case.instance_id.in_(sorted(instances))))
        cases = cases.all()
        missing = case_ids - {case.id for case in cases}
        if missing:  # one index each: an OR of the two would scan the table
            cases += session.execute(select(*columns).where(Case.id.in_(sorted(missing)))).all()
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


def _login(actor: str, names: Mapping[str, str]) -> str | None:
    if actor in SYSTEM_ACTORS or names.get(actor, actor) == actor:
        return None
    return actor


def present(session: Session, rows: list[HistoryRow], forms: FormCache) -> list[AuditRow]:
    refs = CaseRefs(session, rows)
    names = display_names(session, (row.actor for row in rows))
    words = TaskWords(session, forms, rows)
    processes = process_names(session)
    found = []
    for row in rows:
        case = refs.of(row)
        masked = words.readable(mask_value(row.data or {}, case.parties if case else ()))
        titles = words.titles.get(row.task_id or "", {})
        process_id = row.step_process_id or row.process_id
        found.append(
            AuditRow(
                seq=row.seq,
                at=local(row.at),
                event_type=row.event_type,
                what=words.what(row),
                case=case,
                process_id=process_id,
                process=processes.get(process_id, process_id) if process_id else None,
                version_id=row.version_id,
                element=row.spec_name or None,
                lane=row.lane,
                actor=row.actor,
                actor_name=names.get(row.actor, row.actor),
                login=_login(row.actor, names),
                summary=words.summary(masked, titles),
                technical=words.technical(row, masked, titles),
            )
        )
    return found
