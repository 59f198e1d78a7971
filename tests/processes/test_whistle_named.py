"""The people the 四定 names get the work (``bpmn/whistle.bpmn``): the 责任人 and only they
are offered 包调处, 包跟踪 and 包反馈; the 牵头领导 gets the leader's tasks, also when the
deadline is missed; each summoned department's 报到 goes to its liaison on duty that day
(``processes.stations``), else to the department's own people."""

from __future__ import annotations

from datetime import date

import pytest

from engine import Actor, PermissionDenied, StepFailed
from processes.enums import StationMode, UnitKind
from processes.models import DutyRota, Station, Unit
from tests.processes.conftest import COUNTY, Scenario
from tests.processes.whistle_support import (
    CENTER,
    DEPT,
    FEEDBACK,
    FOUR,
    LEADER,
    LEADER_USER,
    MEDIATED,
    PERSON,
    acknowledge_all,
    at,
    deployed,
    dispatched,
    end_of,
    submit,
)

OTHER_PERSON, OTHER_LEADER = "zhou.sifa", "chen.fuxianzhang"
"""Holders of the same roles the 四定 did not name."""
ON_DUTY, OFF_DUTY, HOUSING = "renshe.zhang", "renshe.li", "zhujian.wang"


@pytest.fixture
def engine(case_engine, regions):
    return deployed(case_engine)


def offered(s, spec_id: str, user: str, role: str = DEPT, units=()) -> bool:
    tasks = [t for t in s.ready(role, user, units) if t.spec_id == spec_id]
    return bool(tasks)


def test_only_the_named_person_is_offered_the_three_and_the_named_leader_the_leaders_tasks(
    engine, clock
):
    s = dispatched(engine, clock, "司法所", handle_days=3)
    acknowledge_all(s)
    for user, expected in ((PERSON, True), (OTHER_PERSON, False)):
        assert offered(s, "mediate", user) is expected
        assert offered(s, "request_extension", user) is expected
    mediate = s.task(DEPT, "mediate", PERSON)
    assert mediate.assignee == PERSON
    with pytest.raises(PermissionDenied):
        engine.complete(mediate.id, MEDIATED, actor=Actor.of(OTHER_PERSON, [DEPT]))

    s.advance(days=3, minutes=1)  # the first 包跟踪 falls due
    assert offered(s, "progress_report", PERSON)
    assert not offered(s, "progress_report", OTHER_PERSON)

    s.advance_to(end_of(2026, 3, 5))
    s.advance(seconds=2)  # the 四定 deadline is missed: 督办, and the 牵头领导 is told
    assert s.case().overdue
    leader = s.task(LEADER, "leader_supervise", LEADER_USER)
    assert leader.assignee == LEADER_USER
    assert not offered(s, "leader_supervise", OTHER_LEADER, LEADER)
    with pytest.raises(PermissionDenied):
        engine.complete(
            leader.id, {"leader_instructions": "限期"}, actor=Actor.of(OTHER_LEADER, [LEADER])
        )
    s.complete(LEADER, "leader_supervise", {"leader_instructions": "限三日内化解"})

    s.complete(DEPT, "mediate", MEDIATED)
    assert offered(s, "feedback", PERSON) and not offered(s, "feedback", OTHER_PERSON)
    s.complete(DEPT, "feedback", FEEDBACK)
    assert s.case().status == "已化解"


def test_an_extension_request_goes_to_the_named_leader(engine, clock):
    s = dispatched(engine, clock, "司法所", handle_days=3)
    acknowledge_all(s)
    submit(s, DEPT, "request_extension", {"extension_days": 2, "extension_reason": "需等待鉴定"})
    approval = s.task(LEADER, "approve_extension", LEADER_USER)
    assert approval.assignee == LEADER_USER
    assert not offered(s, "approve_extension", OTHER_LEADER, LEADER)


def test_a_limit_longer_than_the_default_needs_a_reason_even_when_the_form_is_bypassed(
    engine, clock
):
    s = dispatched(engine, clock, "司法所", handle_days=12, longer_reason="需两部门会商")
    [fixed] = s.events(["case_four_fixed"])
    assert fixed.data["longer_reason"] == "需两部门会商"

    bare = Scenario(engine, clock, "whistle")
    task = bare.task(CENTER, "dispatch")
    form = {**FOUR, "handle_days": 12, "departments": ["司法所"]}
    with pytest.raises(StepFailed, match=r"长于规则默认的 10 个工作日.*请填写理由"):
        engine.complete(task.id, form, actor=Actor.of("c", [CENTER]))
    assert bare.case().due_at is None


# -- 部门报到: the liaison on duty that day, else the department --------------------------------


def station_labour_on_the_rota(engine) -> None:
    """人社局 stationed 轮驻 at the county center, renshe.zhang on duty Mon 2 March."""
    with engine.session_factory() as session:
        session.add(
            Unit(code="CTR", name="甘州区综治中心", kind=UnitKind.COUNTY_CENTER, region_code=COUNTY)
        )
        session.flush()
        station = Station(department_code="labour", unit_code="CTR", mode=StationMode.ROTATING)
        session.add(station)
        session.flush()
        session.add(DutyRota(station_id=station.id, day=date(2026, 3, 2), username=ON_DUTY))
        session.commit()


def test_each_summoned_department_sees_only_its_own_report_the_rota_naming_who(engine, clock):
    station_labour_on_the_rota(engine)
    clock.set(at(2026, 3, 2, 9, 0))
    s = dispatched(engine, clock, "人社局", "住建局")
    assert s.instance().data["ack_holders"] == {
        "人社局": {"liaison": ON_DUTY, "unit": "labour"},
        "住建局": {"liaison": "", "unit": "housing"},  # 随叫随驻: no rota, the department
    }
    [labour] = s.ready(DEPT, ON_DUTY, ["labour"])
    assert (labour.spec_id, labour.assignee) == ("acknowledge", ON_DUTY)
    assert s.ready(DEPT, OFF_DUTY, ["labour"]) == []  # off duty that day
    [housing] = s.ready(DEPT, HOUSING, ["housing"])
    assert housing.spec_id == "acknowledge" and housing.id != labour.id
    assert s.ready(DEPT, "someone.else", []) == []  # a liaison of no summoned department
    zhujian = Actor.of(HOUSING, [DEPT], ["housing"])
    with pytest.raises(PermissionDenied):
        engine.complete(labour.id, {"liaison": "李联络员"}, actor=zhujian)

    engine.complete(labour.id, {"liaison": "张联络员"}, actor=Actor.of(ON_DUTY, [DEPT], ["labour"]))
    engine.complete(housing.id, {"liaison": "王联络员"}, actor=zhujian)
    assert offered(s, "mediate", PERSON)
