"""Printable documents of a case: the 工作任务交办单 and the 督办提示单 its diagrams issued."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from processes.deadlines import local
from processes.enums import HANDOFF_CHANNELS, Route, SupervisionKind
from processes.models import Case, SupervisionRecord

from .detail import region_path
from .service import scrub
from .timeline import display_names

_NUMBER_PREFIX = {SupervisionKind.ASSIGNMENT: "综治交", SupervisionKind.NOTICE: "综治督"}


@dataclass(frozen=True)
class CaseDocument:
    record: SupervisionRecord
    case: Case
    title: str
    number: str
    """e.g. 综治督〔2026〕0004号."""
    center: str
    """The issuing center, e.g. 大满镇综治中心."""
    issuer: str
    issued_at: datetime
    due_at: datetime | None
    chased_by: str | None
    chased_at: datetime | None
    summary: str
    """The case's summary with the parties' personal data masked."""


def document_number(record: SupervisionRecord) -> str:
    prefix = _NUMBER_PREFIX.get(record.kind, "综治")
    return f"{prefix}〔{local(record.issued_at).year}〕{record.id:04d}号"


def issuing_center(session: Session, case: Case) -> str:
    """The county center for 中心吹哨 and 三调 cases, else the township center of the place."""
    path = region_path(session, case.region_code)
    county_level = case.route == Route.WHISTLE or case.channel in HANDOFF_CHANNELS
    wanted = "县" if county_level else "镇"
    for region in path:
        if region.level == wanted:
            return f"{region.name}综治中心"
    return f"{path[0].name}综治中心" if path else "综治中心"


def case_document(session: Session, case: Case, record_id: int) -> CaseDocument | None:
    """The case's supervision record ``record_id`` as a document, or ``None``."""
    record = session.get(SupervisionRecord, record_id)
    if record is None or record.case_id != case.id:
        return None
    names = display_names(session, filter(None, (record.issued_by, record.chased_by)))
    return CaseDocument(
        record=record,
        case=case,
        title=record.kind,
        number=document_number(record),
        center=issuing_center(session, case),
        issuer=names.get(record.issued_by, record.issued_by),
        issued_at=local(record.issued_at),
        due_at=local(record.due_at) if record.due_at else None,
        chased_by=names.get(record.chased_by, record.chased_by) if record.chased_by else None,
        chased_at=local(record.chased_at) if record.chased_at else None,
        summary=scrub(case.summary, case.parties),
    )
