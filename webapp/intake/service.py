"""受理登记: the choices the form offers, and registering a matter with its checks.

Registering runs, in order: the form's own checks and the intake schema (every error at
once), the clerk's region scope, the duplicate warning (open cases of the same parties,
in every region), then ``processes.intake.receive_case``, which stores the case and
starts its process in one transaction (and commits it: the engine's unit of work).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import Actor, Engine, FormInvalid
from engine.forms import validate_form
from processes.deadlines import local
from processes.duplicates import OpenCase, open_cases_sharing_parties
from processes.intake import Received, intake_schema, receive_case
from processes.models import Case, DisputeType, Region

from ..scope import may_see
from .form import IntakeInput

CHANNELS: tuple[str, ...] = tuple(intake_schema()["properties"]["channel"]["enum"])
"""来源渠道 as the intake schema lists them; the window's own (窗口) is the default."""
DUPLICATE_OVERRIDDEN = "intake_duplicate_overridden"
"""Operation-log event: the clerk registered a new case despite open cases of its parties."""


@dataclass(frozen=True)
class RegionChoice:
    code: str
    label: str
    depth: int


@dataclass(frozen=True)
class TypeChoice:
    code: str
    name: str
    parent_code: str | None


@dataclass(frozen=True)
class DuplicateRow:
    """An open case of the same party as the clerk may see it (``visible``: in scope)."""

    case: OpenCase
    visible: bool


@dataclass
class Outcome:
    received: Received | None = None
    errors: dict[str, list[str]] = field(default_factory=dict)
    duplicates: list[DuplicateRow] = field(default_factory=list)


def region_choices(session: Session, root: str | None) -> list[RegionChoice]:
    """Active regions from ``root`` down (every region when ``None``), in tree order."""
    rows = session.execute(
        select(Region.code, Region.name, Region.level, Region.parent_code)
        .where(Region.active.is_(True))
        .order_by(Region.code)
    ).all()
    children: dict[str | None, list[tuple[str, str, str]]] = defaultdict(list)
    known = {row.code for row in rows}
    for code, name, level, parent in rows:
        children[parent if parent in known else None].append((code, name, level))
    starts = list(children[None]) if root is None else _row_of(rows, root)
    choices: list[RegionChoice] = []
    stack = [(row, 0) for row in reversed(starts)]
    while stack:
        (code, name, level), depth = stack.pop()
        choices.append(RegionChoice(code, f"{name}（{level}）", depth))
        stack.extend((child, depth + 1) for child in reversed(children.get(code, ())))
    return choices


def _row_of(rows, root: str) -> list[tuple[str, str, str]]:
    return [(r.code, r.name, r.level) for r in rows if r.code == root]


def type_choices(session: Session) -> tuple[list[TypeChoice], list[TypeChoice]]:
    """Active dispute types: the first level, and second-level ones under an active parent."""
    rows = [
        TypeChoice(code, name, parent)
        for code, name, parent in session.execute(
            select(DisputeType.code, DisputeType.name, DisputeType.parent_code)
            .where(DisputeType.active.is_(True))
            .order_by(DisputeType.code)
        )
    ]
    top = [row for row in rows if row.parent_code is None]
    top_codes = {row.code for row in top}
    return top, [row for row in rows if row.parent_code in top_codes]


def register(
    engine: Engine,
    entry: IntakeInput,
    *,
    actor: Actor,
    scope: frozenset[str] | None,
    acknowledged: Collection[int] = (),
) -> Outcome:
    """Check and store the matter; or say why not (field errors, unacknowledged duplicates)."""
    with engine.session_factory() as session:
        errors = _check(entry, scope) or _retired(session, entry.fields)
        if errors:
            return Outcome(errors=errors)
        duplicates = open_cases_sharing_parties(session, entry.fields["parties"])
    unseen = {case.case_id for case in duplicates} - set(acknowledged)
    if unseen:
        rows = [DuplicateRow(case, may_see(scope, case.region_code)) for case in duplicates]
        return Outcome(duplicates=rows)

    def log_override(session: Session, case: Case) -> None:
        engine.record_operation(
            session,
            event_type=DUPLICATE_OVERRIDDEN,
            actor=actor.user,
            data={"case_id": case.id, "open_cases": sorted(c.case_id for c in duplicates)},
        )

    try:
        received = receive_case(
            engine, entry.fields, actor=actor, on_created=log_override if duplicates else None
        )
    except FormInvalid as invalid:
        return Outcome(errors=invalid.errors)
    return Outcome(received=received)


def _check(entry: IntakeInput, scope: frozenset[str] | None) -> dict[str, list[str]]:
    errors = {key: list(messages) for key, messages in entry.errors.items()}
    try:
        validate_form(intake_schema(), entry.fields)
    except FormInvalid as invalid:
        for key, messages in invalid.errors.items():
            errors.setdefault(key, messages)  # the form's own message says it better
    region = entry.fields.get("region_code")
    if region and "region_code" not in errors and not may_see(scope, region):
        errors["region_code"] = ["发生地不在您的辖区内，请选择本辖区的区划"]
    return errors


def _retired(session: Session, fields: Mapping[str, Any]) -> dict[str, list[str]]:
    """Types and regions an admin has deactivated are not offered, nor taken."""
    errors: dict[str, list[str]] = {}
    for name, model in (
        ("dispute_type", DisputeType),
        ("dispute_subtype", DisputeType),
        ("region_code", Region),
    ):
        code = fields.get(name)
        if code and session.scalar(select(model.active).where(model.code == code)) is False:
            errors[name] = ["已停用，请重新选择"]
    return errors


def local_day(moment: datetime) -> str:
    """``2026-03-02``: the day in Beijing time."""
    return f"{local(moment):%Y-%m-%d}"
