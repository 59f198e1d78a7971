"""Helpers of the 中心吹哨 scenario tests (``bpmn/whistle.bpmn``): the 四定, the departments'
报到, the responsible person's mediation, and forms submitted as the task page submits
them (the admins' rules checked first, ``processes.task_forms``)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from engine import Actor, FormInvalid, TaskView
from processes import task_forms
from processes.models import Summons, SupervisionRecord
from tests.conftest import CST
from tests.processes.conftest import Scenario, deploy

CENTER, DEPT, LEADER, SUPERVISOR = "县综治中心", "部门", "包案领导", "督办员"
PERSON, LEADER_USER = "li.tiaojie", "wang.fuxianzhang"
"""The 责任人 and the 牵头领导 the 四定 names (usernames, as the form's pickers give)."""
FOUR = {
    "lead_leader": LEADER_USER,
    "responsible_unit": "justice",
    "responsible_person": PERSON,
    "handle_days": 10,
}
NAMED = {DEPT: PERSON, LEADER: LEADER_USER}
"""Who acts for the 部门 and 包案领导 lanes when a test names nobody: the named people."""
DEPARTMENT_UNITS = (
    "court",
    "procuratorate",
    "police",
    "petition",
    "justice",
    "labour",
    "civil",
    "health",
    "housing",
    "land",
    "environment",
    "agriculture",
    "women",
)
"""The seeded departments' unit codes: a liaison helper belonging to all of them sees every
department's 报到 (each is offered to its own department's unit)."""
MEDIATED = {"mediation_outcome": "化解", "mediation_note": "三方联合调解，双方签订协议"}
FEEDBACK = {
    "feedback_text": "已达成协议并履行完毕",
    "citizen_informed": True,
    "inform_method": "电话",
}
CHASED = {"chase_method": "电话督办", "chase_note": "已电话催促司法所，承诺三日内办结"}
HANDLING = ["mediate", "request_extension"]
"""What the 部门 sees while a round of mediation runs: the mediation, and the extension
request it may file when needed."""


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=CST)


def end_of(year: int, month: int, day: int) -> datetime:
    return at(year, month, day, 23, 59, 59)


def deployed(case_engine):
    """``case_engine`` with the whistle and the supervision it calls deployed (each test
    module's ``engine`` fixture)."""
    deploy(case_engine, "whistle.bpmn", "supervise.bpmn")
    return case_engine


def task_data(s: Scenario, task: TaskView) -> dict[str, Any]:
    return s.engine.task_instructions(task.id)[1]


def submit(
    s: Scenario, role: str, spec_id: str, form: Mapping[str, Any], user: str = ""
) -> TaskView:
    """Complete the task as the task page would: the form's rule checks, then the step."""
    task = s.task(role, spec_id, user)
    with s.engine.session_factory() as session:
        errors = task_forms.check(
            session, task.form_key, data=task_data(s, task), form=form, now=s.clock.now()
        )
    if errors:
        raise FormInvalid(errors)
    s.engine.complete(task.id, dict(form), actor=Actor.of(s.who(role, user), [role]))
    return task


def dispatched(engine, clock, *departments: str, data=(), **case) -> Scenario:
    """A whistle blown: the 四定 fixed and ``departments`` summoned."""
    four = {**FOUR}
    for key in ("handle_days", "handle_date", "longer_reason"):
        if key in case:
            four[key] = case.pop(key)
    four = {k: v for k, v in four.items() if v is not None}
    s = Scenario(engine, clock, "whistle", data=data, **case)
    s.people.update(NAMED)
    submit(s, CENTER, "dispatch", {**four, "departments": list(departments)})
    return s


def summons(s: Scenario) -> dict[str, Summons]:
    return {row.department: row for row in s.rows(Summons)}


def acknowledge_one(s: Scenario, user: str) -> str:
    """One 部门报到 task completed by ``user``; returns the department it acknowledged."""
    before = {d for d, row in summons(s).items() if row.acknowledged_at}
    actor = Actor.of(user, [DEPT], DEPARTMENT_UNITS)
    task = next(t for t in s.ready(DEPT, user, DEPARTMENT_UNITS) if t.spec_id == "acknowledge")
    s.engine.complete(task.id, {"liaison": "联络员甲"}, actor=actor)
    [department] = {d for d, row in summons(s).items() if row.acknowledged_at} - before
    return department


def acknowledge_all(s: Scenario) -> None:
    while any(t.spec_id == "acknowledge" for t in s.ready(DEPT, "liaison", DEPARTMENT_UNITS)):
        acknowledge_one(s, "liaison")


def mediate_and_feed_back(s: Scenario, outcome: str = "化解") -> None:
    s.complete(DEPT, "mediate", {**MEDIATED, "mediation_outcome": outcome}, user=PERSON)
    s.complete(DEPT, "feedback", FEEDBACK, user=PERSON)


def notices(s: Scenario, reason: str) -> list[SupervisionRecord]:
    return [r for r in s.rows(SupervisionRecord) if r.reason == reason]
