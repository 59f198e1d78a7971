"""The case page's facts: the case in the user's scope, its parties (masked unless revealed),
current tasks, and the records its diagrams wrote (督办, 报到, 调解, 回访, 交接)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import Engine, TaskStatus
from engine.models import TaskRecord
from processes.calendar import WorkCalendar
from processes.current_deadline import case_deadline, task_deadline
from processes.deadlines import local
from processes.masking import mask_id_number, mask_name, mask_phone
from processes.models import (
    CallbackRecord,
    Case,
    Mediation,
    Party,
    ProgressReport,
    Region,
    Summons,
    SupervisionRecord,
)

from ..due import DueInfo, deadline_badge
from ..named import readable
from ..scope import may_see
from .labels import PERSONAL_DATA_VIEWED
from .service import dispute_type_names, scrub
from .timeline import display_names


@dataclass(frozen=True)
class PartyView:
    role: str
    name: str
    phone: str
    id_number: str
    address: str


@dataclass(frozen=True)
class CurrentTask:
    id: str
    name: str
    lane: str | None
    assignee: str | None
    created_at: datetime
    due: DueInfo


@dataclass(frozen=True)
class CaseRecords:
    supervisions: list[SupervisionRecord]
    summons: list[Summons]
    mediation: Mediation | None
    callbacks: list[CallbackRecord]
    reports: list[ProgressReport]


@dataclass(frozen=True)
class CaseDetail:
    case: Case
    region_path: str
    dispute_type: str
    summary: str
    request: str
    """Free text, with the parties' personal data masked unless revealed."""
    parties: list[PartyView]
    revealed: bool
    due: DueInfo
    tasks: list[CurrentTask]
    records: CaseRecords
    names: dict[str, str]
    """Usernames (of issuers, chasers, callers) → display names."""
    named: dict[str, str]
    """The 包案领导 and the 四定's people and unit as people read them (``webapp.named``)."""


def find_case(session: Session, case_id: int, scope: frozenset[str] | None) -> Case | None:
    """The case if it exists and lies in ``scope``; ``None`` otherwise (both read as 404)."""
    case = session.get(Case, case_id)
    if case is None or not may_see(scope, case.region_code):
        return None
    return case


def region_path(session: Session, code: str) -> list[Region]:
    """The region and its ancestors, top first (县 → 镇 → 村 → 网格)."""
    regions = {row.code: row for row in session.scalars(select(Region))}
    path: list[Region] = []
    current = regions.get(code)
    while current is not None and current not in path:
        path.append(current)
        current = regions.get(current.parent_code or "")
    return list(reversed(path))


def party_view(party: Party, *, revealed: bool) -> PartyView:
    if revealed:
        return PartyView(
            party.role, party.name, party.phone or "", party.id_number or "", party.address or ""
        )
    return PartyView(
        party.role,
        mask_name(party.name),
        mask_phone(party.phone),
        mask_id_number(party.id_number),
        "***" if party.address else "",
    )


def _records(session: Session, case_id: int) -> CaseRecords:
    def rows(model, order):
        return list(session.scalars(select(model).where(model.case_id == case_id).order_by(order)))

    return CaseRecords(
        supervisions=rows(SupervisionRecord, SupervisionRecord.id),
        summons=rows(Summons, Summons.id),
        mediation=session.scalars(select(Mediation).where(Mediation.case_id == case_id)).first(),
        callbacks=rows(CallbackRecord, CallbackRecord.id),
        reports=rows(ProgressReport, ProgressReport.id),
    )


def _current_tasks(session: Session, case: Case) -> list[TaskRecord]:
    if case.instance_id is None:
        return []
    return list(
        session.scalars(
            select(TaskRecord)
            .where(
                TaskRecord.instance_id == case.instance_id, TaskRecord.status == TaskStatus.READY
            )
            .order_by(TaskRecord.created_at, TaskRecord.id)
        )
    )


def _actors(case: Case, tasks: list[TaskRecord], records: CaseRecords) -> set[str]:
    actors = {case.received_by, *(task.assignee for task in tasks if task.assignee)}
    for record in records.supervisions:
        actors.update(filter(None, (record.issued_by, record.chased_by)))
    actors.update(callback.by for callback in records.callbacks)
    actors.update(report.by for report in records.reports)
    return actors


def case_detail(
    session: Session, case: Case, *, revealed: bool, now: datetime, calendar: WorkCalendar
) -> CaseDetail:
    tasks = _current_tasks(session, case)
    records = _records(session, case.id)
    names = display_names(session, _actors(case, tasks, records))
    types = dispute_type_names(session)
    dispute = types.get(case.dispute_type, case.dispute_type)
    if case.dispute_subtype:
        dispute += f" / {types.get(case.dispute_subtype, case.dispute_subtype)}"
    return CaseDetail(
        case=case,
        region_path=" / ".join(region.name for region in region_path(session, case.region_code)),
        dispute_type=dispute,
        summary=case.summary if revealed else scrub(case.summary, case.parties),
        request=case.request if revealed else scrub(case.request or "", case.parties),
        parties=[party_view(party, revealed=revealed) for party in case.parties],
        revealed=revealed,
        due=deadline_badge(
            case_deadline(case, task_dues=[task.due_at for task in tasks]), now, calendar
        ),
        tasks=[
            CurrentTask(
                id=task.id,
                name=task.name,
                lane=task.lane,
                assignee=names.get(task.assignee, task.assignee) if task.assignee else None,
                created_at=local(task.created_at),
                due=deadline_badge(task_deadline(task), now, calendar),
            )
            for task in tasks
        ],
        records=records,
        names=names,
        named=readable(
            session,
            {
                "case_leader": case.case_leader or "",
                "lead_leader": case.lead_leader or "",
                "responsible_unit": case.responsible_unit or "",
                "responsible_person": case.responsible_person or "",
            },
        ),
    )


def record_reveal(
    session: Session,
    engine: Engine,
    case: Case,
    *,
    user: str,
    about: Mapping[str, str] | None = None,
) -> None:
    """Log that ``user`` revealed the case's parties (in the caller's transaction);
    ``about`` says where and what, when not the whole case page (e.g. a task's phones)."""
    engine.record_operation(
        session,
        event_type=PERSONAL_DATA_VIEWED,
        actor=user,
        instance_id=case.instance_id,
        data={"case_id": case.id, "code": case.code, "user": user, **(about or {})},
    )
