"""三色预警 raised by events (``bpmn/risk_raise.dmn``, ``processes/risk_raise.py``): every
row of the designers' table, the hooks where the events happen (超期 in
``case.mark_overdue``; 群体性 and 重复来访 at intake), never lowering, and a missing table
raising nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from engine import Actor
from processes.duplicates import PartyHistory
from processes.intake import receive_case
from processes.models import Case, DeadlineRule
from processes.risk_raise import RISK_RAISE, RiskEvent, judge
from tests.conftest import CST
from tests.processes.conftest import GRID, Scenario, deploy

CLERK = Actor.of("window.clerk", ["镇综治中心"])
SECOND = timedelta(seconds=1)
MATTER = {
    "channel": "窗口",
    "dispute_type": "02",
    "summary": "两户因院墙漏水发生争执",
    "region_code": GRID,
    "risk_colour": "绿",
    "parties": [{"role": "申请人", "name": "张三", "phone": "13812345678"}],
}


def end_of(month: int, day: int) -> datetime:
    return datetime(2026, month, day, 23, 59, 59, tzinfo=CST)


def inputs(event: str, colour: str = "绿", **facts) -> dict:
    return {
        "event": event,
        "colour": colour,
        "people_count": facts.get("people_count", 1),
        "collective": facts.get("collective", False),
        "open_cases": facts.get("open_cases", 0),
        "days_since_last": facts.get("days_since_last", 0),
    }


# -- the table, row by row -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "data", "raise_to", "reason"),
    [
        ("overdue_collective", inputs("超期", "黄", collective=True), "红", "群体性纠纷超期未化解"),
        ("overdue_many", inputs("超期", "黄", people_count=10), "红", "超期未化解且涉及 10 人以上"),
        ("overdue_green", inputs("超期", "绿", people_count=9), "黄", "超期未化解"),
        ("overdue_yellow", inputs("超期", "黄", people_count=9), "", ""),
        ("collective_large", inputs("群体性", people_count=30), "红", "群体性纠纷，涉及 30 人以上"),
        ("collective", inputs("群体性", people_count=29), "黄", "群体性纠纷"),
        (
            "repeat_open",
            inputs("重复来访", open_cases=1),
            "黄",
            "同一当事人有在办案件（重复来访）",
        ),
        (
            "repeat_recent",
            inputs("重复来访", days_since_last=90),
            "黄",
            "同一当事人 90 日内曾有案件（重复来访）",
        ),
        ("repeat_long_ago", inputs("重复来访", days_since_last=91), "", ""),
        ("none", inputs("其他"), "", ""),
    ],
)
def test_each_row_of_the_table(case_engine, row, data, raise_to, reason):
    deploy(case_engine, "risk_raise.dmn", "supervise.bpmn")
    assert case_engine.decide(RISK_RAISE, data) == {"raise_to": raise_to, "reason": reason}


@pytest.mark.parametrize(
    ("colour", "event", "history", "expected"),
    [
        ("绿", RiskEvent.COLLECTIVE, None, "黄"),
        ("黄", RiskEvent.COLLECTIVE, None, None),  # the table's 黄 is no raise for a 黄 case
        ("红", RiskEvent.COLLECTIVE, None, None),  # never lowered
        ("绿", RiskEvent.REPEAT, PartyHistory(1, 0), "黄"),
        ("红", RiskEvent.OVERDUE, None, None),
    ],
)
def test_judge_only_ever_raises(case_engine, colour, event, history, expected):
    deploy(case_engine, "risk_raise.dmn", "supervise.bpmn")
    case = Case(risk_colour=colour, people_count=5, collective=True)
    found = judge(case_engine.decide, case, event, history)
    assert (found.colour if found else None) == expected


def test_without_a_deployed_table_nothing_is_raised(case_engine):
    deploy(case_engine, "supervise.bpmn")
    case = Case(risk_colour="绿", people_count=50, collective=True)
    assert judge(case_engine.decide, case, RiskEvent.COLLECTIVE) is None


# -- at intake: 群体性 and 重复来访 -------------------------------------------------------------


@pytest.fixture
def library(case_engine, regions):
    deploy(case_engine)
    return case_engine


def stored(engine, case_id: int) -> Case:
    with engine.session_factory() as session:
        return session.get(Case, case_id)


def risk_events(engine, instance_id: int):
    s = Scenario.__new__(Scenario)
    s.engine, s.instance_id = engine, instance_id
    return s.events(["case_risk_changed"])


def ready(engine, instance_id: int) -> list[str]:
    return sorted(t.spec_id for t in engine.tasks_of(instance_id) if t.status == "ready")


def test_a_large_collective_matter_starts_red_and_asks_for_a_case_leader(library):
    received = receive_case(
        library, {**MATTER, "collective": True, "people_count": 40}, actor=CLERK
    )
    case = stored(library, received.case_id)
    assert case.risk_colour == "红"
    [raised] = risk_events(library, received.instance_id)
    assert raised.actor == "system"
    assert raised.data == {
        "case_id": case.id,
        "from": "绿",
        "to": "红",
        "reason": "群体性纠纷，涉及 30 人以上",
        "trigger": "群体性",
    }
    assert library.instance(received.instance_id, with_data=True).data["risk_colour"] == "红"
    library.complete(
        next(t.id for t in library.tasks_of(received.instance_id) if t.spec_id == "assess"),
        {"matter_nature": "一般纠纷", "cross_department": False, "risk_colour": "红"},
        actor=CLERK,
    )
    assert ready(library, received.instance_id) == ["assign_leader"]  # 一人一案 领导包抓


def test_a_small_collective_matter_is_at_least_yellow(library):
    received = receive_case(library, {**MATTER, "collective": True, "people_count": 6}, actor=CLERK)
    assert stored(library, received.case_id).risk_colour == "黄"
    [raised] = risk_events(library, received.instance_id)
    assert (raised.data["trigger"], raised.data["reason"]) == ("群体性", "群体性纠纷")


def test_a_party_with_an_open_case_comes_again(library):
    first = receive_case(library, MATTER, actor=CLERK)
    second = receive_case(library, {**MATTER, "summary": "同一户又来反映漏水"}, actor=CLERK)
    assert stored(library, first.case_id).risk_colour == "绿"
    assert risk_events(library, first.instance_id) == []
    assert stored(library, second.case_id).risk_colour == "黄"
    [raised] = risk_events(library, second.instance_id)
    assert (raised.data["trigger"], raised.data["reason"]) == (
        "重复来访",
        "同一当事人有在办案件（重复来访）",
    )


@pytest.mark.parametrize(("days_ago", "colour"), [(30, "黄"), (120, "绿")])
def test_a_party_whose_case_ended_recently_comes_again(library, clock, days_ago, colour):
    first = receive_case(
        library,
        {
            **MATTER,
            "parties": [{"role": "申请人", "name": "李四", "id_number": "620702199001011234"}],
        },
        actor=CLERK,
    )
    with library.session_factory() as session:
        row = session.get(Case, first.case_id)
        row.status, row.closed_at = "已结案", clock.now() - timedelta(days=days_ago)
        session.commit()
    again = receive_case(
        library,
        {
            **MATTER,
            "parties": [{"role": "申请人", "name": "李四", "id_number": "620702199001011234"}],
        },
        actor=CLERK,
    )
    assert stored(library, again.case_id).risk_colour == colour


# -- 超期: case.mark_overdue, inside the step that found the deadline passed --------------------


@pytest.fixture
def ladder(case_engine, regions):
    deploy(case_engine, "ladder.bpmn", "supervise.bpmn", "risk_raise.dmn")
    with case_engine.session_factory() as session:
        session.get(DeadlineRule, "ladder.total").amount = 1  # overdue at the end of Tue 3 March
        session.commit()
    return case_engine


def overdue_at_township(engine, clock, **case) -> Scenario:
    s = Scenario(engine, clock, "ladder", data={"start_level": "镇综治中心"}, **case)
    s.advance_to(end_of(3, 3) + SECOND)
    assert s.case().overdue
    return s


def test_an_overdue_green_case_turns_yellow_and_its_instance_follows(ladder, clock):
    s = overdue_at_township(ladder, clock, risk_colour="绿")
    [raised] = s.events(["case_risk_changed"])
    assert raised.actor == "system:scheduler"
    assert (raised.data["from"], raised.data["to"], raised.data["trigger"]) == ("绿", "黄", "超期")
    assert raised.data["reason"] == "超期未化解"
    [synced] = s.events(["variables_set"])
    assert synced.data["values"] == {"risk_colour": "黄"} and synced.seq > raised.seq
    township = s.task("镇综治中心", "township")
    assert ladder.task_instructions(township.id)[1]["risk_colour"] == "黄"


def test_an_overdue_collective_case_turns_red_and_later_slices_are_shorter(ladder, clock):
    s = overdue_at_township(ladder, clock, risk_colour="黄", collective=True)
    case = s.case()
    assert (case.risk_colour, case.case_leader) == ("红", None)  # no whistle, no lead leader yet
    s.complete(
        "镇综治中心", "township", {"level_outcome": "无法化解", "level_notes": "需镇党委协调"}
    )
    leadership = s.task("镇党委政府", "leadership")
    # ladder.leadership: 2 working days, 1 for a red case (Wed 4 March → Thu 5, not Fri 6)
    assert s.case().due_at == end_of(3, 5)
    data = ladder.task_instructions(leadership.id)[1]
    assert (data["risk_colour"], data["level_due"]) == ("红", end_of(3, 5).isoformat())


def test_a_second_overdue_raises_nothing_more(ladder, clock):
    s = overdue_at_township(ladder, clock, risk_colour="绿")
    s.advance(days=5)
    assert len(s.events(["case_risk_changed"])) == 1
