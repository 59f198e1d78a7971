"""回访 (``bpmn/callback.bpmn``): evaluation and same-day feedback, 二次督办 on
dissatisfaction with its cap, the overdue redo chased by 督办, and 回访复核 after closing."""

from __future__ import annotations

from datetime import datetime

import pytest

from engine import InstanceStatus
from processes.models import (
    CallbackRecord,
    HandoffSender,
    OutboxMessage,
    ProgressReport,
    SupervisionRecord,
)
from tests.conftest import CST
from tests.processes.conftest import COUNTY, Scenario, deploy

CENTER, SUPERVISOR = "镇综治中心", "督办员"


@pytest.fixture
def library(case_engine, regions):
    deploy(case_engine, "callback.bpmn", "supervise.bpmn")
    return case_engine


def start(library, clock, **case) -> Scenario:
    return Scenario(library, clock, "callback", **case)


def call_back(s: Scenario, evaluation: str, note: str = "") -> None:
    s.complete(CENTER, "call_back", {"evaluation": evaluation, "callback_note": note})


def test_satisfied_closes_the_case_and_feeds_back_the_same_day(library, clock):
    s = start(library, clock)
    assert s.ready_ids(CENTER) == ["call_back"]
    s.complete(CENTER, "call_back", {"evaluation": "满意", "performance": "已按协议疏通排水沟"})

    case = s.case()
    assert (case.status, case.evaluation, case.closed_at) == ("已结案", "满意", clock.now())
    [record] = s.rows(CallbackRecord)
    assert (record.round, record.evaluation, record.fed_back_at) == (1, "满意", clock.now())
    assert record.performance == "已按协议疏通排水沟"
    assert s.open_tasks() == {}
    assert s.rows(SupervisionRecord) == []


def test_recheck_comes_thirty_days_after_closing_then_the_callback_ends(library, clock):
    s = start(library, clock)
    call_back(s, "基本满意")
    assert s.case().evaluation == "基本满意"
    # closed Mon 3/2; 30 calendar days later is Wed 4/1, a working day
    s.advance_to(datetime(2026, 4, 1, 23, 59, 59, tzinfo=CST))
    assert s.open_tasks() == {}
    s.advance(seconds=2)
    s.complete(CENTER, "recheck", {"rebound": False, "recheck_note": "协议已履行，未出现反弹"})

    assert s.instance().status == InstanceStatus.COMPLETED
    [report] = s.rows(ProgressReport, kind="反馈")
    assert report.text == "协议已履行，未出现反弹"


def test_dissatisfied_reopens_to_the_unit_with_a_new_deadline_then_calls_back_again(library, clock):
    s = start(library, clock)
    call_back(s, "不满意", "排水沟仍未疏通")

    [order] = s.rows(SupervisionRecord)
    assert (order.kind, order.reason, order.content) == (
        "工作任务交办单",
        "回访不满意",
        "排水沟仍未疏通",
    )
    # 5 working days after Mon 3/2: Mon 3/9, end of day
    assert order.due_at == datetime(2026, 3, 9, 23, 59, 59, tzinfo=CST)
    assert s.case().status != "已结案"
    s.complete(CENTER, "redo", {"redo_note": "组织双方重新协商，已疏通"})
    assert s.ready_ids(CENTER) == ["call_back"]
    call_back(s, "满意")

    assert [r.evaluation for r in s.rows(CallbackRecord)] == ["不满意", "满意"]
    assert [r.round for r in s.rows(CallbackRecord)] == [1, 2]
    assert s.case().status == "已结案"
    assert [r.text for r in s.rows(ProgressReport, kind="进展")] == ["组织双方重新协商，已疏通"]


def test_a_red_case_gets_the_shorter_redo_limit(library, clock):
    s = start(library, clock, risk_colour="红")
    call_back(s, "不满意")
    [order] = s.rows(SupervisionRecord)
    assert order.due_at == datetime(2026, 3, 5, 23, 59, 59, tzinfo=CST)  # 3 working days


def test_dissatisfaction_stops_reopening_at_the_round_cap(library, clock):
    s = start(library, clock)
    for _ in range(2):
        call_back(s, "不满意")
        s.complete(CENTER, "redo", {"redo_note": "再次办理"})
    call_back(s, "不满意")  # third round: the cap (3) is reached

    assert len(s.rows(SupervisionRecord)) == 2
    assert s.case().status == "已结案"
    assert [r.round for r in s.rows(CallbackRecord)] == [1, 2, 3]


def test_an_overdue_redo_is_chased_by_the_supervisor(library, clock):
    s = start(library, clock)
    call_back(s, "不满意")
    s.advance_to(datetime(2026, 3, 10, 0, 0, 1, tzinfo=CST))

    assert s.ready_ids(SUPERVISOR) == ["chase"]
    assert s.ready_ids(CENTER) == ["redo"]  # the unit still has to redo it
    s.complete(SUPERVISOR, "chase", {"chase_method": "电话督办", "chase_note": "电话催促责任人"})
    notice = s.rows(SupervisionRecord, kind="督办提示单")
    assert [(n.reason, n.chase_method) for n in notice] == [("超期未化解", "电话督办")]


def test_a_pushed_case_sends_its_evaluation_to_the_sender(library, clock):
    with library.session_factory() as session:
        sender = HandoffSender(
            code="court-1",
            name="甘州区人民法院",
            channel="诉调",
            region_code=COUNTY,
            token_hash="0" * 64,
        )
        session.add(sender)
        session.commit()
        sender_id = sender.id
    s = start(library, clock, sender_id=sender_id, channel="诉调")
    call_back(s, "满意")

    [message] = s.rows(OutboxMessage)
    assert (message.kind, message.payload["outcome"], message.status) == ("回访", "满意", "pending")
