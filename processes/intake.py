"""Receiving a matter: validate it, store the case and its parties once, start the
intake-and-triage diagram in the same transaction.

Every channel comes in here: the window and online forms, grid reports, 12345 work orders
and the three hand-offs (through the hand-off API). The diagram (``case_main``) then gives
the code, sets the colour's consequences and routes the case.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib.resources import files
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import Actor, Engine, FormInvalid
from engine.forms import validate_form

from .enums import HANDOFF_CHANNELS
from .models import Case, DisputeType, Party, Region
from .risk_raise import raise_at_intake
from .task_rank import rank_tasks

CASE_PROCESS = "case_main"
INTAKE_FORM = "intake/case.schema.json"


@dataclass(frozen=True)
class Received:
    case_id: int
    instance_id: int
    code: str


@cache
def intake_schema() -> dict[str, Any]:
    """The 受理登记 form: one schema for the window, online, grid and API intakes."""
    return json.loads(files("forms").joinpath(INTAKE_FORM).read_text(encoding="utf-8"))


def receive_case(
    engine: Engine,
    fields: Mapping[str, Any],
    *,
    actor: Actor,
    sender_id: int | None = None,
    on_created: Callable[[Session, Case], None] | None = None,
) -> Received:
    """Register a matter and start its process; raises ``FormInvalid`` naming bad fields.

    ``on_created(session, case)`` runs in the same transaction once the case row exists
    (the hand-off API records the sender's push id there, so a push and its case are one).
    """
    validate_form(intake_schema(), fields)
    created: dict[str, int] = {}

    def create_case(session: Session, instance_id: int) -> dict[str, Any]:
        _check_references(session, fields)
        case = _new_case(fields, actor=actor, instance_id=instance_id, at=engine.clock.now())
        case.sender_id = sender_id
        session.add(case)
        session.flush()
        created["case_id"] = case.id
        rank_tasks(session, instance_id, case.risk_colour)  # before its first tasks
        raise_at_intake(engine, session, case, fields["parties"])  # 群体性, 重复来访
        if on_created is not None:
            on_created(session, case)
        return start_data(case)

    instance_id = engine.start(CASE_PROCESS, actor=actor, before_run=create_case)
    with engine.session_factory() as session:
        code = session.execute(select(Case.code).where(Case.id == created["case_id"])).scalar()
    return Received(created["case_id"], instance_id, code or "")


def start_data(case: Case) -> dict[str, Any]:
    """What the diagrams need to route and time a case; the rest stays in the case row."""
    return {
        "case_id": case.id,
        "channel": case.channel,
        "handoff": case.channel if case.channel in HANDOFF_CHANNELS else "",
        "dispute_type": case.dispute_type,
        "risk_colour": case.risk_colour,
        "collective": case.collective,
        "people_count": case.people_count,
    }


def _check_references(session: Session, fields: Mapping[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    if session.get(Region, fields["region_code"]) is None:
        errors["region_code"] = [f"区划代码 {fields['region_code']} 不存在"]
    for field in ("dispute_type", "dispute_subtype"):
        code = fields.get(field)
        if code and session.get(DisputeType, code) is None:
            errors[field] = [f"纠纷类型代码 {code} 不存在"]
    subtype = fields.get("dispute_subtype")
    if subtype and "dispute_subtype" not in errors:
        parent = session.execute(
            select(DisputeType.parent_code).where(DisputeType.code == subtype)
        ).scalar()
        if parent != fields["dispute_type"]:
            errors["dispute_subtype"] = [f"细类 {subtype} 不属于纠纷类型 {fields['dispute_type']}"]
    if errors:
        raise FormInvalid(errors)


def _new_case(fields: Mapping[str, Any], *, actor: Actor, instance_id: int, at) -> Case:
    amount = fields.get("amount")
    return Case(
        channel=fields["channel"],
        source_ref=fields.get("source_ref"),
        dispute_type=fields["dispute_type"],
        dispute_subtype=fields.get("dispute_subtype"),
        summary=fields["summary"],
        request=fields.get("request", ""),
        region_code=fields["region_code"],
        place=fields.get("place", ""),
        people_count=fields.get("people_count", 1),
        collective=fields.get("collective", False),
        amount=Decimal(str(amount)) if amount is not None else None,
        risk_colour=fields["risk_colour"],
        instance_id=instance_id,
        received_at=at,
        received_by=actor.user,
        parties=[Party(**party) for party in fields["parties"]],
    )
