"""上报事件 from the phone: one report, one case (or one recorded settlement), however
often it is sent.

Each report carries the id the phone made (``client_id``, a UUID). The first send stores
the report and, for 上报, registers the case through the normal intake (channel 网格上报)
in the same transaction; any later send of the same id answers with what the first one
made. A send that loses a race with another (two tabs, a retry crossing the first answer)
fails on the unique ``client_id``, rolls back whole and answers with the winner's row.

A report the server cannot take (a field missing, a grid outside the reporter's area) is
stored as 被退回 with the reason, so the phone shows why; photos not yet fully uploaded
are not a refusal: the phone is told which are missing and sends again.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cache
from importlib.resources import files
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine import Actor, Engine, FormInvalid
from engine.forms import validate_form

from ..intake import receive_case
from ..models import Case, DisputeType, Region
from . import photos
from .enums import ReportOutcome, ReportState
from .intake import intake_fields
from .models import FieldReport
from .screening import finding_of

REPORT_FORM = "mobile/report.schema.json"
SETTLED_EVENT = "field_report_settled"
"""Operation-log event: a grid worker recorded a matter as settled on the spot."""


class PhotosMissing(Exception):
    """Some photos of the report have not fully arrived: upload them, then send again."""

    def __init__(self, missing: list[str]) -> None:
        super().__init__(f"还有 {len(missing)} 张照片未上传完成")
        self.missing = missing


@dataclass(frozen=True)
class Submitted:
    client_id: str
    state: str
    reason: str | None
    case_id: int | None
    case_code: str | None
    created: bool
    has_files: bool = False
    """Whether the report names photos or a voice note (to file on its case)."""

    def as_json(self) -> dict[str, Any]:
        return {
            "client_id": self.client_id,
            "state": self.state,
            "reason": self.reason,
            "case_id": self.case_id,
            "case_code": self.case_code,
        }


@cache
def report_schema() -> dict[str, Any]:
    return json.loads(files("forms").joinpath(REPORT_FORM).read_text(encoding="utf-8"))


def submit_report(
    engine: Engine,
    payload: Mapping[str, Any],
    *,
    actor: Actor,
    scope: frozenset[str] | None,
    filing: photos.Filing | None = None,
) -> Submitted:
    """Take a report (or find the one this id already made) and file its photos on its
    case (``filing``: the object store; ``None`` leaves them uploaded, unfiled). Raises
    ``FormInvalid`` only for a body without a usable id, ``PhotosMissing`` when photos are
    still uploading, ``StoreError`` when the object store is down (the case is kept; the
    next send files the photos)."""
    client_id = _client_id(payload)
    earlier = find_report(engine, client_id)
    if earlier is None:
        earlier = _take(engine, payload, actor, scope, filing)
    if filing is not None and earlier.case_id is not None and earlier.has_files:
        photos.file_on_case(engine, filing, client_id)
    return earlier


def _take(
    engine: Engine,
    payload: Mapping[str, Any],
    actor: Actor,
    scope: frozenset[str] | None,
    filing: photos.Filing | None,
) -> Submitted:
    problems = _problems(engine, payload, scope, filing)
    if problems:
        return _refuse(engine, payload, actor, problems)
    try:
        if payload["outcome"] == ReportOutcome.SETTLED:
            return _settle(engine, payload, actor)
        return _register(engine, payload, actor)
    except IntegrityError:
        earlier = find_report(engine, payload["client_id"])
        if earlier is None:
            raise
        return earlier
    except FormInvalid as invalid:  # references the intake checks (an unknown type)
        return _refuse(engine, payload, actor, invalid.errors)


def _client_id(payload: Any) -> str:
    if not isinstance(payload, Mapping):
        raise FormInvalid({"": ["请求体应为 JSON 对象"]})
    client_id = payload.get("client_id")
    try:
        validate_form(
            {"properties": {"client_id": report_schema()["properties"]["client_id"]}},
            {"client_id": client_id},
        )
    except FormInvalid:
        raise FormInvalid({"client_id": ["上报编号缺失或格式不正确"]}) from None
    if not isinstance(client_id, str):
        raise FormInvalid({"client_id": ["上报编号缺失或格式不正确"]})
    return client_id


def find_report(engine: Engine, client_id: str) -> Submitted | None:
    with engine.session_factory() as session:
        report = session.execute(
            select(FieldReport).where(FieldReport.client_id == client_id)
        ).scalar_one_or_none()
        return None if report is None else _answer(session, report, created=False)


def _answer(session: Session, report: FieldReport, *, created: bool) -> Submitted:
    code = session.get(Case, report.case_id).code if report.case_id else None
    files = bool(report.payload.get("photos") or report.payload.get("voice"))
    return Submitted(
        report.client_id, report.state, report.reason, report.case_id, code, created, files
    )


def _problems(
    engine: Engine,
    payload: Mapping[str, Any],
    scope: frozenset[str] | None,
    filing: photos.Filing | None,
) -> dict[str, list[str]]:
    try:
        validate_form(report_schema(), payload)
    except FormInvalid as invalid:
        return invalid.errors
    errors = _field_problems(payload, scope)
    with engine.session_factory() as session:
        if payload.get("finding") and finding_of(session, payload["finding"]) is None:
            errors["finding"] = ["所关联的排查发现不存在，请先发送该次排查记录"]
        errors |= _retired(session, payload)
        if not errors:
            errors = _file_problems(session, payload, filing)
    return errors


def _retired(session: Session, payload: Mapping[str, Any]) -> dict[str, list[str]]:
    """A type or grid an admin deactivated after the phone kept the report."""
    errors: dict[str, list[str]] = {}
    for name, model in (("dispute_type", DisputeType), ("region_code", Region)):
        active = session.scalar(select(model.active).where(model.code == payload[name]))
        if active is False:
            errors[name] = ["已停用，请重新选择后再上报"]
    return errors


def _field_problems(
    payload: Mapping[str, Any], scope: frozenset[str] | None
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if scope is not None and payload["region_code"] not in scope:
        errors["region_code"] = ["所选网格不在您的辖区内"]
    if payload["outcome"] == ReportOutcome.SETTLED and not payload.get("result", "").strip():
        errors["result"] = ["当场化解的事件请填写化解结果"]
    if payload["outcome"] == ReportOutcome.CASE and not payload.get("parties"):
        errors["parties"] = ["上报为案件时请至少填写一名当事人"]
    return errors


def _file_problems(
    session: Session, payload: Mapping[str, Any], filing: photos.Filing | None
) -> dict[str, list[str]]:
    """Raises ``PhotosMissing`` for files not fully uploaded; names files refused."""
    missing = photos.missing(session, _files(payload))
    if missing:
        raise PhotosMissing(missing)
    if filing is None:
        return {}
    files = photos.file_names(payload.get("photos", ()), payload.get("voice"))
    refused = photos.refusals(session, [(name, sha) for name, sha, _k in files], filing.limits)
    return {"photos": refused} if refused else {}


def _files(payload: Mapping[str, Any]) -> list[str]:
    return [*payload.get("photos", ()), *([payload["voice"]] if payload.get("voice") else [])]


def _refuse(
    engine: Engine, payload: Mapping[str, Any], actor: Actor, errors: Mapping[str, list[str]]
) -> Submitted:
    titles = report_schema()["properties"]
    reason = "；".join(
        f"{titles.get(field.split('.')[0], {}).get('title', '内容')}：{'，'.join(messages)}"
        for field, messages in errors.items()
    )
    with engine.session_factory() as session:
        report = _row(session, engine, payload, actor, ReportState.REFUSED)
        report.reason = reason
        session.add(report)
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
            return find_report(engine, payload["client_id"]) or _raise_conflict()
        return _answer(session, report, created=True)


def _raise_conflict() -> Submitted:
    raise FormInvalid({"client_id": ["上报编号冲突，请重试"]})


def _row(
    session: Session,
    engine: Engine,
    payload: Mapping[str, Any],
    actor: Actor,
    state: ReportState,
) -> FieldReport:
    region = payload.get("region_code")
    outcome = payload.get("outcome")
    finding = finding_of(session, payload.get("finding")) if state == ReportState.RECEIVED else None
    return FieldReport(
        finding_id=finding.id if finding is not None else None,
        client_id=payload["client_id"],
        reporter=actor.user,
        region_code=region if isinstance(region, str) else None,
        outcome=outcome if outcome in set(ReportOutcome) else ReportOutcome.CASE,
        state=state,
        payload=dict(payload),
        received_at=engine.clock.now(),
    )


def _settle(engine: Engine, payload: Mapping[str, Any], actor: Actor) -> Submitted:
    with engine.session_factory() as session:
        report = _row(session, engine, payload, actor, ReportState.RECEIVED)
        session.add(report)
        session.flush()
        engine.record_operation(
            session,
            event_type=SETTLED_EVENT,
            actor=actor.user,
            data={"report": report.client_id, "region_code": report.region_code},
        )
        session.commit()
        return _answer(session, report, created=True)


def _register(engine: Engine, payload: Mapping[str, Any], actor: Actor) -> Submitted:
    def record(session: Session, case: Case) -> None:
        report = _row(session, engine, payload, actor, ReportState.RECEIVED)
        report.case_id = case.id
        session.add(report)
        session.flush()

    receive_case(engine, intake_fields(payload), actor=actor, on_created=record)
    found = find_report(engine, payload["client_id"])
    assert found is not None  # stored with the case, in the same transaction
    return replace(found, created=True)
