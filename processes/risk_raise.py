"""三色预警 raised by events, by the designers' decision table ``risk_raise``
(``bpmn/risk_raise.dmn``, edited and deployed like ``triage.dmn``).

The events: 超期 (a case marked overdue: ``case.mark_overdue``), 群体性 (a collective
matter at intake) and 重复来访 (a party with another open or earlier case, found by phone
or ID number: ``duplicates.party_history``). The table answers the colour to raise to and
why; the system only raises, never lowers. Each raise is a ``case_risk_changed`` event
(actor 系统 or the step's actor, reason from the table, ``trigger`` naming the event);
a raise to 红 gives a case without a 包案领导 its whistle's 牵头领导 when it has one,
otherwise the case page asks the center to name one.

A missing or failing table never stops the work that raised the event: it is logged and
nothing is raised.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy.orm import Session

from engine import SYSTEM, DecisionFailed, Engine, NotFound, current_step
from engine.variables import set_in_step

from .deadlines import local
from .duplicates import PartyHistory, party_history
from .enums import RiskColour
from .models import Case
from .risk_colour import Recorder, is_higher, record_colour, record_leader

log = logging.getLogger(__name__)

RISK_RAISE = "risk_raise"
"""The decision: inputs event, colour, people_count, collective, open_cases,
days_since_last; outputs raise_to ("" for none) and reason."""
DECIDE_KEY = "zongzhi.decide"
"""Where a session of the application's engine carries ``Engine.decide`` (see
``engine_factory``), so an action inside a step can put the table to its case."""

Decide = Callable[[str, Mapping[str, Any]], dict[str, Any]]


class RiskEvent(StrEnum):
    """What may raise a case's colour; each is a value of the table's ``event`` input."""

    OVERDUE = "超期"
    COLLECTIVE = "群体性"
    REPEAT = "重复来访"


@dataclass(frozen=True)
class RiskRaise:
    """The table's answer for one event: raise to ``colour`` because ``reason``."""

    event: RiskEvent
    colour: RiskColour
    reason: str


def decision_inputs(
    case: Case, event: RiskEvent, history: PartyHistory | None = None
) -> dict[str, Any]:
    """What the table reads of the case and the event."""
    return {
        "event": event.value,
        "colour": case.risk_colour,
        "people_count": case.people_count or 1,
        "collective": bool(case.collective),
        "open_cases": history.open_cases if history else 0,
        "days_since_last": (history.days_since_last or 0) if history else 0,
    }


def judge(
    decide: Decide | None, case: Case, event: RiskEvent, history: PartyHistory | None = None
) -> RiskRaise | None:
    """The raise the table asks for, or None (no rule, no higher colour, no table)."""
    if decide is None:
        log.warning("no decision function bound: %s not evaluated", RISK_RAISE)
        return None
    try:
        outcome = decide(RISK_RAISE, decision_inputs(case, event, history))
    except NotFound:
        log.warning("decision table %s is not deployed: colour not raised", RISK_RAISE)
        return None
    except DecisionFailed:
        log.exception("decision table %s failed for case %s", RISK_RAISE, case.id)
        return None
    colour = str(outcome.get("raise_to") or "")
    if colour not in {c.value for c in RiskColour} or not is_higher(colour, case.risk_colour):
        return None
    reason = str(outcome.get("reason") or "") or f"{event.value}，风险等级上调"
    return RiskRaise(event, RiskColour(colour), reason)


def apply_raise(case: Case, found: RiskRaise, *, record: Recorder) -> dict[str, Any]:
    """Raise the case as ``found`` says and record it; returns the instance variables that
    changed with it (``risk_colour``, and ``case_leader`` when one was given)."""
    record_colour(case, found.colour, found.reason, record=record, trigger=found.event.value)
    values: dict[str, Any] = {"risk_colour": found.colour.value}
    if found.colour == RiskColour.RED and not case.case_leader and case.lead_leader:
        record_leader(
            case, case.lead_leader, "风险升为红色，由中心吹哨的牵头领导包案", record=record
        )
        values["case_leader"] = case.lead_leader
    return values


def raise_in_step(
    case: Case, event: RiskEvent, history: PartyHistory | None = None
) -> RiskRaise | None:
    """From an action inside a step: put the event to the table and raise the case; the
    running instance's data follows when the step is saved (``set_in_step``)."""
    step = current_step()
    found = judge(step.session.info.get(DECIDE_KEY), case, event, history)
    if found is None:
        return None
    values = apply_raise(case, found, record=step.record)
    set_in_step(values, reason=found.reason)
    return found


def raise_at_intake(
    engine: Engine, session: Session, case: Case, parties: Iterable[Mapping[str, Any]]
) -> list[RiskRaise]:
    """At intake, in the start's transaction (before the first step, so the diagram starts
    with the raised colour): a collective matter, then a repeat party, each put to the
    table; every raise is recorded with actor 系统."""

    def record(event_type: str, data: Mapping[str, Any]) -> None:
        engine.record_operation(
            session,
            event_type=event_type,
            actor=SYSTEM.user,
            data=data,
            instance_id=case.instance_id,
        )

    events: list[tuple[RiskEvent, PartyHistory | None]] = []
    if case.collective:
        events.append((RiskEvent.COLLECTIVE, None))
    today = local(engine.clock.now()).date()
    history = party_history(session, parties, today=today, exclude_case_id=case.id)
    if history.repeat:
        events.append((RiskEvent.REPEAT, history))
    raised = []
    for event, facts in events:
        found = judge(engine.decide, case, event, facts)
        if found is not None:
            apply_raise(case, found, record=record)
            raised.append(found)
    return raised


def bind_decisions(
    session_factory: Callable[[], Session], decide: Callable[[], Decide]
) -> Callable[[], Session]:
    """A session factory whose sessions carry ``decide()`` under ``DECIDE_KEY``."""

    def sessions() -> Session:
        session = session_factory()
        session.info[DECIDE_KEY] = decide()
        return session

    return sessions
