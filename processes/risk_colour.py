"""三色预警: a case's risk colour changed by a person at any time while the case is open.

Colour is set at intake and may change at any step; every change is history
(``case_risk_changed``: from, to, reason, and the actor). Running diagrams read
``risk_colour`` from their instance's data (red cases get shorter limits), so a change
made outside a step also reaches the running instance (``Engine.set_variables``) in the
same transaction as the case row. A case raised to 红 without a 包案领导 gets one in
the same change (一人一案 领导包抓).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from engine import Actor, Engine, FormInvalid, InstanceStatus
from engine.models import Instance

from .duplicates import TERMINAL_STATUSES
from .enums import RiskColour
from .models import Case
from .task_rank import rank_tasks

RISK_CHANGED = "case_risk_changed"
LEADER_SET = "case_leader_set"
REASON_MAX = 500
LEADER_MAX = 60

Recorder = Callable[[str, Mapping[str, Any]], None]
"""``record(event_type, data)``: appends a history event where the change happens."""

RANK = {RiskColour.GREEN: 0, RiskColour.YELLOW: 1, RiskColour.RED: 2}


def is_higher(colour: str, than: str) -> bool:
    """Whether ``colour`` is a higher risk than ``than`` (unknown colours rank lowest)."""
    return RANK.get(RiskColour(colour), -1) > RANK.get(_known(than), -1)


def _known(colour: str) -> RiskColour | None:
    try:
        return RiskColour(colour)
    except ValueError:
        return None


def is_open(case: Case) -> bool:
    """A case not closed, guided elsewhere, returned or cancelled."""
    return case.status not in TERMINAL_STATUSES


def needs_leader(case: Case) -> bool:
    """A red case without a 包案领导."""
    return case.risk_colour == RiskColour.RED and not case.case_leader


def record_colour(case: Case, colour: str, reason: str, *, record: Recorder, **extra: Any) -> bool:
    """Set the case's colour and record ``case_risk_changed``; False when unchanged."""
    colour = RiskColour(colour)
    if colour == case.risk_colour:
        return False
    data = {"case_id": case.id, "from": case.risk_colour, "to": colour, "reason": reason}
    record(RISK_CHANGED, {**data, **extra})
    case.risk_colour = colour
    session = object_session(case)
    if session is not None:
        rank_tasks(session, case.instance_id, colour)
    return True


def record_leader(case: Case, leader: str, reason: str, *, record: Recorder) -> None:
    """Give the case its 包案领导 and record ``case_leader_set``."""
    case.case_leader = leader
    record(LEADER_SET, {"case_id": case.id, "leader": leader, "reason": reason})


# -- a person's change on the case page ------------------------------------------------------


@dataclass(frozen=True)
class RiskChange:
    """What a person asks: the new colour, why, and a 包案领导 when the case needs one."""

    colour: str
    reason: str
    leader: str = ""

    @classmethod
    def from_form(cls, form: Mapping[str, Any]) -> RiskChange:
        return cls(
            colour=str(form.get("colour") or "").strip(),
            reason=str(form.get("reason") or "").strip(),
            leader=str(form.get("leader") or "").strip(),
        )


def problems(change: RiskChange, case: Case) -> dict[str, list[str]]:
    """What is wrong with ``change`` for ``case``, by form field (empty: it may be saved)."""
    errors: dict[str, list[str]] = {}
    if not is_open(case):
        errors[""] = [f"案件{case.status}，不能再调整风险等级"]
    if _known(change.colour) is None:
        errors["colour"] = ["请选择风险等级：红、黄或绿"]
    if not change.reason:
        errors["reason"] = ["请填写调整理由"]
    elif len(change.reason) > REASON_MAX:
        errors["reason"] = [f"调整理由最多 {REASON_MAX} 个字"]
    if len(change.leader) > LEADER_MAX:
        errors["leader"] = [f"包案领导最多 {LEADER_MAX} 个字"]
    elif change.leader and len(change.leader) < 2:
        errors["leader"] = ["包案领导至少 2 个字（姓名及职务）"]
    if "colour" not in errors:
        errors.update(_colour_problems(change, case))
    return errors


def _colour_problems(change: RiskChange, case: Case) -> dict[str, list[str]]:
    red = change.colour == RiskColour.RED
    if red and not case.case_leader and not change.leader:
        return {"leader": ["调为红色须同时指定包案领导（一人一案、领导包抓）"]}
    if change.leader and not red:
        return {"leader": ["只有红色案件需要指定包案领导"]}
    if change.colour == case.risk_colour and not (change.leader and needs_leader(case)):
        return {"colour": [f"风险等级已是{case.risk_colour}色，未作调整"]}
    return {}


def change_risk(engine: Engine, case_id: int, change: RiskChange, *, actor: Actor) -> None:
    """Apply a person's change to the case and its running instance in one transaction.

    Raises ``FormInvalid`` naming the fields, ``NotFound`` (engine) for a case whose
    instance vanished, ``ConflictError`` when the instance changed meanwhile.
    """
    with engine.session_factory() as session:
        case = session.get(Case, case_id)
        errors = problems(change, case) if case is not None else {"": ["案件不存在"]}
        instance_id = _running_instance(session, case) if case is not None else None
    if errors:
        raise FormInvalid(errors)

    def save(session: Session) -> None:
        _apply(engine, session, case_id, change, actor=actor)

    if instance_id is None:
        with engine.session_factory() as session:
            save(session)
            session.commit()
        return
    values = {"risk_colour": change.colour}
    if change.leader:
        values["case_leader"] = change.leader
    engine.set_variables(instance_id, values, actor=actor, reason=change.reason, before_save=save)


def _running_instance(session: Session, case: Case) -> int | None:
    if case.instance_id is None:
        return None
    status = session.scalar(select(Instance.status).where(Instance.id == case.instance_id))
    return case.instance_id if status == InstanceStatus.RUNNING else None


def _apply(
    engine: Engine,
    session: Session,
    case_id: int,
    change: RiskChange,
    *,
    actor: Actor,
) -> None:
    """Inside the change's transaction, on the case row as it is now (a change made
    meanwhile is judged again)."""
    case = session.scalars(
        select(Case)
        .where(Case.id == case_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    errors = problems(change, case)
    if errors:
        raise FormInvalid(errors)

    def record(event_type: str, data: Mapping[str, Any]) -> None:
        engine.record_operation(
            session,
            event_type=event_type,
            actor=actor.user,
            data=data,
            instance_id=case.instance_id,
        )

    record_colour(case, change.colour, change.reason, record=record)
    if change.leader:
        record_leader(case, change.leader, change.reason, record=record)
    session.flush()
