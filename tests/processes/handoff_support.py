"""What the 三调 scenario tests share: the people of the lanes, the forms they fill in, the
dates they work on, and a hand-off run up to a given step.

The official 2026 calendar (``chinese_calendar``) around the dates used, W = working day:

    Sep 16 Wed W … Sep 18 Fri W   Sep 19 Sat -  Sep 20 Sun W (make-up)   Sep 21-24 W
    Sep 25 Fri - 26 Sat - 27 Sun -  (中秋节)   Sep 28 Mon W  Sep 29 Tue W  Sep 30 Wed W
    Oct 1 Thu … Oct 7 Wed  -  (国庆节)   Oct 8 Thu W  Oct 9 Fri W  Oct 10 Sat W (make-up)
    Oct 11 Sun -   Oct 12 Mon W …   then ordinary weeks (Nov 15 Sun, Dec 6 Sun)

Times are Beijing wall time; a day-counted limit falls due at 23:59:59 of its last day.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from engine import InstanceStatus
from processes.enums import RosterKind, UnitKind
from processes.models import Case, HandoffSender, Mediation, RosterEntry, Unit
from tests.conftest import CST
from tests.processes.conftest import COUNTY, TOWNSHIP, Scenario, deploy
from webapp.tasks.detail import INSTRUCTIONS_UNAVAILABLE, render_instructions

CENTER, MEDIATOR, SUPERVISOR, HEAD = "县综治中心", "调解员", "督办员", "包案领导"
HANDOFFS = ["诉调", "警调", "访调"]
RETURN_TO = {"诉调": "退回法院登记立案", "警调": "退回公安机关处理", "访调": "退回信访程序依法办理"}

MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=CST)
BEFORE_NATIONAL_DAY = datetime(2026, 9, 29, 10, 0, tzinfo=CST)
"""Tuesday before 国庆: three working days later is Friday 10/9, five is Monday 10/12."""

SIGNED = {"receipt_decision": "签收"}
ACCEPTED = {"accept_decision": "接受委派"}
CONSENTED = {"contact_result": "同意调解", "contact_note": "电话联系被申请人，同意调解"}
AGREED = {"mediation_outcome": "达成协议", "mediation_note": "双方当面协商，签署调解协议"}
FAILED = {
    "mediation_outcome": "调解不成",
    "failure_reason": "双方分歧较大难以达成协议",
    "mediation_note": "赔偿数额分歧过大",
}
REFUSAL = {
    "refusing_party": "被申请人",
    "refusal_reason": "不愿调解，要求直接诉讼",
    "remedies": ["诉讼"],
}
REMEDIES = {"remedies": ["诉讼", "仲裁"], "return_reason": "赔偿数额分歧过大，调解不成"}
CHASED = {"chase_method": "电话督办", "chase_note": "已电话督促，承诺当日办理"}


def end_of(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 23, 59, 59, tzinfo=CST)


def deploy_handoff(case_engine) -> Any:
    deploy(case_engine, "handoff.bpmn", "mediation.bpmn", "confirmation.bpmn", "supervise.bpmn")
    return case_engine


def start(engine, clock, handoff: str, data: dict[str, Any] | None = None, **case) -> Scenario:
    return Scenario(engine, clock, "handoff", data=data or {}, channel=handoff, **case)


def with_sender(s: Scenario, handoff: str) -> int:
    """Give the case a hand-off sender, so feedback lands in its outbox."""
    with s.engine.session_factory() as session:
        sender = HandoffSender(
            code=f"sender-{s.case_id}",
            name=f"{handoff}来源系统",
            channel=handoff,
            region_code=COUNTY,
            token_hash="0" * 64,
        )
        session.add(sender)
        session.flush()
        session.execute(update(Case).where(Case.id == s.case_id).values(sender_id=sender.id))
        session.commit()
        return sender.id


def receive_spec(s: Scenario) -> str:
    """The receipt task: 访调 cases may object to the assignment while it is open."""
    ready = s.ready_ids(CENTER)
    return "receive_petition" if "receive_petition" in ready else "receive"


def sign(s: Scenario) -> None:
    s.complete(CENTER, receive_spec(s), SIGNED)


MEDIATION_UNIT = "TJ01"
MEDIATORS = {"王调解员": "wang.tiaojie", "李调解员": "li.tiaojie", "陈律师": None}
"""The roster of the scenarios: name → account (陈律师, an outside lawyer, has none)."""


def roster_entry(
    engine, name: str = "王调解员", unit: str = MEDIATION_UNIT, account: str | None = None
) -> int:
    """The id of ``name``'s entry on the roster (added, with their organisation, when
    missing): serving the township, any dispute, their account ``account`` or else as
    ``MEDIATORS`` says."""
    with engine.session_factory() as session:
        if session.get(Unit, unit) is None:
            session.add(
                Unit(
                    code=unit,
                    name="大满镇人民调解委员会",
                    kind=UnitKind.MEDIATION_ORGANISATION,
                    region_code=TOWNSHIP,
                    active=True,
                )
            )
        found = session.scalar(select(RosterEntry.id).where(RosterEntry.name == name))
        if found is None:
            entry = RosterEntry(
                name=name,
                kind=RosterKind.LAWYER if name.endswith("律师") else RosterKind.PEOPLES_MEDIATOR,
                unit_code=unit,
                region_code=TOWNSHIP,
                skills=[],
                username=account or MEDIATORS.get(name),
                active=True,
            )
            session.add(entry)
            session.flush()
            found = entry.id
        session.commit()
        return found


def assign(s: Scenario, mediator: str = "王调解员") -> None:
    """The county center picks ``mediator`` from the roster; their account acts in the
    调解员 lane from then on (an entry without one: someone of their organisation)."""
    entry = roster_entry(s.engine, mediator)
    s.complete(CENTER, "assign_mediator", {"assign_decision": "指派", "mediator_entry": str(entry)})
    s.people[MEDIATOR] = MEDIATORS.get(mediator) or f"colleague.{MEDIATION_UNIT}"
    s.units[MEDIATOR] = () if MEDIATORS.get(mediator) else (MEDIATION_UNIT,)


def receive(s: Scenario, mediator: str = "王调解员") -> None:
    """签收 and 指派调解员."""
    sign(s)
    assign(s, mediator)


def accept(s: Scenario) -> None:
    s.complete(MEDIATOR, "accept", ACCEPTED)


def mediating(engine, clock, handoff: str, data=None, **case) -> Scenario:
    """A hand-off signed for, assigned, accepted and the other party consenting: the 调解
    task is waiting."""
    s = start(engine, clock, handoff, data, **case)
    receive(s)
    accept(s)
    s.complete(MEDIATOR, "contact_party", CONSENTED)
    return s


def extension(days: int, note: str = "双方书面同意延期") -> dict[str, Any]:
    return {
        "mediation_outcome": "申请延期",
        "parties_consent": True,
        "extension_requested_by": "申请人",
        "extension_agreed_by": "申请人张三、被申请人李四书面同意",
        "extension_days": days,
        "mediation_note": note,
    }


def the_mediation(s: Scenario) -> Mediation:
    (row,) = s.rows(Mediation)
    return row


def due_of(s: Scenario, role: str, spec_id: str) -> datetime:
    return s.task(role, spec_id).due_at


def assert_finished(s: Scenario, result: str) -> dict:
    instance = s.instance()
    assert instance.status == InstanceStatus.COMPLETED
    assert s.open_tasks() == {}
    assert instance.data["handoff_result"] == result
    return instance.data


def event_types(s: Scenario, *types: str) -> list[str]:
    return [e.event_type for e in s.events(types)]


def instructions(s: Scenario, role: str, spec_id: str) -> str:
    """The task's instructions as its user reads them (rendered as the task page does)."""
    template, data = s.engine.task_instructions(s.task(role, spec_id).id)
    text = render_instructions(template, data)
    assert text and text != INSTRUCTIONS_UNAVAILABLE, f"{spec_id}: instructions did not render"
    return text
