"""二次督办 goes back to whoever resolved the case: the lane of the level that handled it,
restricted to that level's unit (recorded when the case is resolved), for every way a case
is resolved: the ladder's four levels, 当场办结, 法律服务, 中心吹哨, 三调对接."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import pytest

from engine import Actor
from processes.enums import UnitKind
from processes.models import Region, SupervisionRecord, Unit
from tests.conftest import CST
from tests.processes.conftest import COUNTY, TOWNSHIP, VILLAGE, Scenario, deploy
from tests.processes.handoff_support import assign

CENTER, COUNTY_LANE, DEPT = "镇综治中心", "县综治中心", "部门"
OTHER_VILLAGE = "620702101202"
UNITS = [  # besides the departments the migrations seed (justice 司法所, civil 民政局 …)
    ("V1CW", "大满村村民委员会", UnitKind.VILLAGE, VILLAGE),
    ("V2CW", "新华村村民委员会", UnitKind.VILLAGE, OTHER_VILLAGE),
    ("T1ZZ", "大满镇综治中心", UnitKind.TOWNSHIP_CENTER, TOWNSHIP),
    ("T1DZ", "大满镇党委政府", UnitKind.TOWNSHIP_GOVERNMENT, TOWNSHIP),
    ("C1ZZ", "甘州区综治中心", UnitKind.COUNTY_CENTER, COUNTY),
    ("TJ01", "大满镇人民调解委员会", UnitKind.MEDIATION_ORGANISATION, TOWNSHIP),
]
SETTLED = {"level_outcome": "化解", "level_result": "当事人自行和解", "level_notes": "当面调解"}
CANNOT = {"level_outcome": "无法化解", "level_notes": "双方分歧较大，本级无法化解"}
LADDER = [
    ("网格员", "grid"),
    ("村调委会", "village"),
    (CENTER, "township"),
    ("镇党委政府", "leadership"),
]
REDO_TASKS = {
    "网格员": "redo_grid",
    "村调委会": "redo_village",
    CENTER: "redo",
    "镇党委政府": "redo_leadership",
    DEPT: "redo_department",
    COUNTY_LANE: "redo_county",
    "调解员": "redo_mediator",
}


@pytest.fixture
def library(case_engine, regions):
    with case_engine.session_factory() as session:
        session.add(
            Region(code=OTHER_VILLAGE, name="新华村", level="村", parent_code=TOWNSHIP, active=True)
        )
        session.flush()
        session.add_all(
            Unit(code=code, name=name, kind=kind, region_code=region, active=True)
            for code, name, kind, region in UNITS
        )
        session.commit()
    deploy(case_engine)
    return case_engine


def person(role: str, unit: str, name: str = "") -> Actor:
    return Actor.of(name or f"{unit}.{role}", [role], [unit])


def offered(s: Scenario, actor: Actor) -> list[str]:
    return sorted(t.spec_id for t in s.engine.ready_tasks(actor) if t.instance_id == s.instance_id)


def do(s: Scenario, actor: Actor, spec_id: str, data: Mapping[str, Any] = ()) -> None:
    [task] = [
        t
        for t in s.engine.ready_tasks(actor)
        if t.instance_id == s.instance_id and t.spec_id == spec_id
    ]
    s.engine.complete(task.id, dict(data), actor=actor)


def assess(s: Scenario, nature: str, **extra) -> None:
    s.complete(
        CENTER,
        "assess",
        {"matter_nature": nature, "cross_department": False, "risk_colour": "黄", **extra},
    )


def dissatisfied(s: Scenario) -> None:
    s.complete(
        CENTER,
        "call_back",
        {"evaluation": "不满意", "performance": "赔偿款未付", "callback_note": "对方拖延付款"},
    )


def ladder_to(s: Scenario, level: str) -> Actor:
    """Climb the ladder until ``level`` settles the case; returns who settled it."""
    assess(s, "一般纠纷")
    for role, spec in LADDER:
        if role not in s.open_tasks():
            continue
        if role == level:
            unit = {"网格员": "V1CW", "村调委会": "V1CW", CENTER: "T1ZZ"}.get(role, "T1DZ")
            actor = person(role, unit)
            do(s, actor, spec, SETTLED)
            return actor
        s.complete(role, spec, CANNOT)
    raise AssertionError(f"{level} never held the case: {s.open_tasks()}")


@pytest.mark.parametrize(
    ("channel", "level", "unit", "stranger"),
    [
        ("网格上报", "网格员", "V1CW", "V2CW"),
        ("窗口", "村调委会", "V1CW", "V2CW"),
        ("窗口", CENTER, "T1ZZ", "C1ZZ"),
        ("窗口", "镇党委政府", "T1DZ", "C1ZZ"),
    ],
)
def test_a_ladder_case_goes_back_to_the_level_and_unit_that_settled_it(
    library, clock, channel, level, unit, stranger
):
    s = Scenario(library, clock, "case_main", channel=channel)
    ladder_to(s, level)
    case = s.case()
    assert (case.handled_lane, case.handled_unit) == (level, unit)
    [resolved] = s.events(["case_resolved"])
    assert (resolved.data["handled_lane"], resolved.data["handled_unit"]) == (level, unit)

    dissatisfied(s)

    redo = REDO_TASKS[level]
    assert s.open_tasks() == {level: [redo]}
    assert offered(s, person(level, unit)) == [redo]
    assert offered(s, person(level, stranger)) == []  # same lane, another unit
    assert offered(s, person(CENTER, "T1ZZ")) == ([redo] if level == CENTER else [])
    [order] = s.rows(SupervisionRecord, kind="工作任务交办单")
    assert order.target == {"V1CW": "大满村村民委员会", "T1ZZ": "大满镇综治中心"}.get(
        unit, "大满镇党委政府"
    )

    do(s, person(level, unit), redo, {"redo_note": "重新组织调解，款项已付"})
    assert s.ready_ids(CENTER) == ["call_back"]  # called back again


def test_an_on_the_spot_case_goes_back_to_the_township_center(library, clock):
    s = Scenario(library, clock, "case_main")
    assess(s, "简单诉求")
    do(s, person(CENTER, "T1ZZ"), "on_spot", {"on_spot_note": "当场答复并协调解决"})
    dissatisfied(s)

    assert s.open_tasks() == {CENTER: ["redo"]}
    assert offered(s, person(CENTER, "T1ZZ")) == ["redo"]
    assert offered(s, person(CENTER, "C1ZZ")) == []


def test_legal_service_goes_back_to_the_department_that_gave_it(library, clock):
    s = Scenario(library, clock, "case_main")
    assess(s, "法律问题")
    liaison = person(DEPT, "justice")
    do(s, liaison, "legal_service", {"legal_outcome": "已解决", "legal_note": "解答继承份额问题"})
    assert (s.case().handled_lane, s.case().handled_unit) == (DEPT, "justice")
    dissatisfied(s)

    assert s.open_tasks() == {DEPT: ["redo_department"]}
    assert offered(s, liaison) == ["redo_department"]
    assert offered(s, person(DEPT, "civil")) == []


def test_a_hand_off_goes_back_to_the_mediator_s_unit(library, clock):
    s = Scenario(library, clock, "case_main", channel="警调")
    s.complete(COUNTY_LANE, "receive", {"receipt_decision": "签收"})
    assign(s, "陈律师")  # no account: the 调委会's mediators do the work
    s.complete("调解员", "accept", {"accept_decision": "接受委派"})
    s.complete("调解员", "contact_party", {"contact_result": "同意调解", "contact_note": "同意"})
    s.complete("调解员", "mediate", {"mediation_outcome": "达成协议", "mediation_note": "签署协议"})
    assert (s.case().handled_lane, s.case().handled_unit) == ("调解员", "TJ01")
    dissatisfied(s)

    assert s.open_tasks()["调解员"] == ["redo_mediator", "remind_mediator"]
    assert "redo_mediator" in offered(s, person("调解员", "TJ01"))
    assert "redo_mediator" not in offered(s, person("调解员", "C1TY"))


# -- the callback alone, on cases resolved before the handling unit was recorded ----------


def callback_of(library, clock, **case: Any) -> Scenario:
    return Scenario(library, clock, "callback", **case)


@pytest.mark.parametrize(
    ("case", "lane", "unit"),
    [
        ({"level": "村调委会"}, "村调委会", "V1CW"),
        ({"level": "网格员"}, "网格员", "V1CW"),
        ({"level": "镇党委政府"}, "镇党委政府", "T1DZ"),
        ({}, CENTER, "T1ZZ"),
        ({"level": "中心吹哨", "route": "中心吹哨", "responsible_unit": "civil"}, DEPT, "civil"),
        ({"level": "中心吹哨", "route": "中心吹哨", "responsible_unit": "民政局"}, DEPT, "civil"),
        ({"route": "中心吹哨", "level": "县综治中心"}, COUNTY_LANE, "C1ZZ"),
    ],
)
def test_an_older_case_goes_back_to_the_unit_its_level_names(library, clock, case, lane, unit):
    s = callback_of(library, clock, **case)
    dissatisfied(s)

    assert s.open_tasks() == {lane: [REDO_TASKS[lane]]}
    assert offered(s, person(lane, unit)) == [REDO_TASKS[lane]]
    assert offered(s, person(lane, "nowhere")) == []


def test_a_unit_nobody_recorded_leaves_the_task_to_the_whole_lane(library, clock):
    s = callback_of(library, clock, level="中心吹哨", route="中心吹哨", responsible_unit="某公司")
    dissatisfied(s)

    assert s.ready_ids(DEPT) == ["redo_department"]  # any liaison in scope
    [order] = s.rows(SupervisionRecord, kind="工作任务交办单")
    assert order.target == DEPT


def test_what_was_recorded_wins_over_the_level_now(library, clock):
    s = callback_of(library, clock, level="村调委会", handled_lane=DEPT, handled_unit="civil")
    dissatisfied(s)

    assert s.open_tasks() == {DEPT: ["redo_department"]}
    assert offered(s, person(DEPT, "civil")) == ["redo_department"]


def test_the_overdue_redo_is_chased_naming_the_unit(library, clock):
    s = callback_of(library, clock, level="村调委会")
    dissatisfied(s)
    s.advance_to(datetime(2026, 3, 10, 0, 0, 1, tzinfo=CST))

    assert s.ready_ids("督办员") == ["chase"]
    [village] = s.engine.ready_tasks(person("村调委会", "V1CW"))
    assert village.spec_id == "redo_village"
    assert village.due_at == datetime(2026, 3, 9, 23, 59, 59, tzinfo=CST)
    notices = s.rows(SupervisionRecord, kind="督办提示单")
    assert [n.target for n in notices] == ["大满村村民委员会"]
