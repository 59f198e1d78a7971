"""The mediator picked from the roster gets the mediation (``bpmn/mediation.bpmn``): the
county center picks a 名册 entry at 指派调解员; the person's account, and only it, is
offered 确认接受委派, 联系对方当事人, 调解 and the rest; another 调解员 is refused. A
mediator who declines sends the case back to 指派, and the next pick's account gets it. A
person without an account (an outside 律师) is served by their organisation's 调解员.
"""

from __future__ import annotations

import json
import re

import pytest

from engine import Actor, PermissionDenied, SourceFile, StepFailed
from engine.bundle import collect_set
from processes.models import RosterEntry
from tests.conftest import BPMN_DIR, FORMS_DIR
from tests.processes.handoff_support import (
    ACCEPTED,
    CENTER,
    CONSENTED,
    MEDIATION_UNIT,
    MEDIATOR,
    deploy_handoff,
    roster_entry,
    sign,
    start,
    the_mediation,
)

WANG, LI = "wang.tiaojie", "li.tiaojie"
MEDIATOR_TASKS = ["accept", "contact_party", "mediate"]


@pytest.fixture
def engine(case_engine, regions):
    return deploy_handoff(case_engine)


def offered(s, user: str, units=()) -> list[str]:
    return s.ready_ids(MEDIATOR, user, units)


def pick(s, name: str) -> int:
    entry = roster_entry(s.engine, name)
    s.complete(CENTER, "assign_mediator", {"assign_decision": "指派", "mediator_entry": str(entry)})
    return entry


def test_the_picked_mediator_and_only_they_are_offered_the_mediation(engine, clock):
    s = start(engine, clock, "诉调")
    sign(s)
    roster_entry(engine, "李调解员")
    entry = pick(s, "王调解员")

    (assigned,) = s.events(["mediation_assigned"])
    assert (assigned.data["roster_id"], assigned.data["mediator_account"]) == (entry, WANG)
    assert the_mediation(s).mediator == "王调解员"
    for spec_id, data in zip(MEDIATOR_TASKS, (ACCEPTED, CONSENTED), strict=False):
        assert offered(s, WANG) == [spec_id]
        assert offered(s, LI) == [] and offered(s, "colleague", [MEDIATION_UNIT]) == []
        task = s.task(MEDIATOR, spec_id, WANG)
        assert task.assignee == WANG
        with pytest.raises(PermissionDenied):
            engine.complete(task.id, data, actor=Actor.of(LI, [MEDIATOR]))
        s.complete(MEDIATOR, spec_id, data, user=WANG)
    assert offered(s, WANG) == ["mediate"]
    assert s.case().owner_unit == "大满镇人民调解委员会"


def test_a_mediator_who_declines_sends_the_case_back_to_be_assigned_anew(engine, clock):
    s = start(engine, clock, "警调")
    sign(s)
    pick(s, "王调解员")
    s.complete(
        MEDIATOR,
        "accept",
        {"accept_decision": "拒绝委派", "decline_reason": "系一方亲属，需回避"},
        user=WANG,
    )

    assert s.open_tasks() == {CENTER: ["assign_mediator"]}
    assert offered(s, WANG) == []
    assert the_mediation(s).mediator is None
    pick(s, "李调解员")
    assert offered(s, LI) == ["accept"] and offered(s, WANG) == []
    s.complete(MEDIATOR, "accept", ACCEPTED, user=LI)
    assert offered(s, LI) == ["contact_party"]
    assert the_mediation(s).mediator == "李调解员"


def test_a_mediator_without_an_account_is_served_by_their_organisation(engine, clock):
    s = start(engine, clock, "诉调")
    sign(s)
    pick(s, "陈律师")

    colleague, elsewhere = ("tj01.clerk", [MEDIATION_UNIT]), ("other.clerk", ["TJ02"])
    assert offered(s, *colleague) == ["accept"]
    assert offered(s, *elsewhere) == [] and offered(s, WANG) == []
    s.complete(MEDIATOR, "accept", ACCEPTED, *colleague)
    assert offered(s, *colleague) == ["contact_party"]
    assert the_mediation(s).mediator == "陈律师"


def test_an_entry_deactivated_since_it_was_offered_cannot_be_assigned(engine, clock):
    s = start(engine, clock, "诉调")
    sign(s)
    entry = roster_entry(engine, "王调解员")
    with engine.session_factory() as session:
        session.get(RosterEntry, entry).active = False
        session.commit()
    with pytest.raises(StepFailed, match="已停用"):
        s.complete(
            CENTER, "assign_mediator", {"assign_decision": "指派", "mediator_entry": str(entry)}
        )
    assert s.open_tasks() == {CENTER: ["assign_mediator"]}


# -- a case started before the roster picker ------------------------------------------------


def _before_the_picker(engine) -> None:
    """Deploy the 三调 diagrams as they were: the mediator's name typed, nobody assigned."""
    files, _ = collect_set(
        [BPMN_DIR / f for f in ("handoff.bpmn", "mediation.bpmn", "confirmation.bpmn")]
        + [BPMN_DIR / "supervise.bpmn"],
        [FORMS_DIR],
    )
    typed = {"type": "string", "title": "调解员", "minLength": 2, "maxLength": 120}
    old = []
    for f in files:
        content = f.content
        if f.name == "handoff/assign.schema.json":
            schema = json.loads(content)
            del schema["properties"]["mediator_entry"]
            schema["properties"]["mediator"] = typed
            schema["allOf"][0]["else"]["required"] = ["mediator"]
            content = json.dumps(schema, ensure_ascii=False).encode()
        elif f.kind == "bpmn":
            content = re.sub(
                rb'\s*<spiffworkflow:property name="(assignee|candidateUnits)"[^>]*/>', b"", content
            )
            content = content.replace(
                b'<spiffworkflow:parameter id="entry" type="str" value="mediator_entry" />',
                b'<spiffworkflow:parameter id="mediator" type="str" value="mediator" />',
            ).replace(b'mediator = mediator_picked["name"]', b"mediator_picked = {}")
        old.append(SourceFile(f.name, f.kind, content))
    engine.deploy_set(old, actor="designer", note="指派时填写调解员姓名")


def test_a_case_of_the_typed_name_version_keeps_working_after_the_picker_is_deployed(
    case_engine, regions, clock
):
    _before_the_picker(case_engine)
    s = start(case_engine, clock, "诉调")
    deploy_handoff(case_engine)  # the picker's version: the case stays on its own
    assert s.instance().version_id != case_engine.latest_version_id()
    sign(s)
    s.complete(CENTER, "assign_mediator", {"assign_decision": "指派", "mediator": "赵调解员"})

    assert the_mediation(s).mediator == "赵调解员"
    assert offered(s, "anyone.tiaojie") == ["accept"]  # the whole lane, as before
    s.complete(MEDIATOR, "accept", ACCEPTED)
    s.complete(MEDIATOR, "contact_party", CONSENTED)
    assert s.ready_ids(MEDIATOR) == ["mediate"]
    assert s.case().owner_unit == "赵调解员"
