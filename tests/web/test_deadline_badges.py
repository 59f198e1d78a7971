"""Deadline badges tell the truth on every page (issue 17 item 1): /tasks, the task page,
/cases, the case page, 督办台 and /chaxun show one answer (``processes.current_deadline``)
for a case and for its tasks, at each state of the case.

The real library on the manual clock (Mon 2 March 2026, 09:00); the village's two working
days end Wed 4 March 23:59.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import update

from engine import Actor, Engine
from processes.intake import receive_case
from processes.models import Case
from tests.conftest import CST
from tests.processes.conftest import COUNTY, GRID
from tests.processes.handoff_support import roster_entry
from webapp.limits import limiter

from .deadline_support import (
    board_badge,
    case_list_badge,
    case_page_badges,
    case_page_task_badge,
    lookup_deadline,
    task_page_badges,
    work_list_badge,
)

CLERK = Actor.of("window.clerk", ["镇综治中心"])
ROLES = ("镇综治中心", "村调委会", "网格员", "镇党委政府", "县综治中心", "调解员", "督办员")
PHONE = "13812345678"
VILLAGE_DUE = "剩余 2 个工作日（03-04 23:59 到期）"
RESOLVED = {
    "level_outcome": "化解",
    "level_result": "书面调解协议",
    "agreement_at": "2026-03-03",
    "level_notes": "双方签订书面调解协议，疏通排水沟",
}


@pytest.fixture(autouse=True)
def fresh_limits(app):
    with app.app_context():
        limiter.reset()


@pytest.fixture
def client(login_as, web_engine):
    """One person holding every lane of the walk, county-wide (sees every page's badge)."""
    return login_as("quan", *ROLES, region=COUNTY)


class Walk:
    """One case played through the engine, its task ids and its case row read back."""

    def __init__(self, engine: Engine, channel: str = "窗口"):
        self.engine = engine
        matter = {
            "channel": channel,
            "dispute_type": "02",
            "summary": "邻里之间因排水沟堵塞发生争执",
            "region_code": GRID,
            "risk_colour": "黄",
            "parties": [{"role": "申请人", "name": "张三", "phone": PHONE}],
        }
        received = receive_case(engine, matter, actor=CLERK)
        self.instance_id, self.case_id, self.code = (
            received.instance_id,
            received.case_id,
            received.code,
        )

    def task_id(self, spec_id: str) -> str:
        ready = [t for t in self.engine.tasks_of(self.instance_id) if t.status == "ready"]
        (task,) = [t for t in ready if t.spec_id == spec_id]
        return task.id

    def complete(self, spec_id: str, data: dict, role: str) -> None:
        actor = Actor.of(f"someone.{role}", [role])
        self.engine.complete(self.task_id(spec_id), data, actor=actor)

    def assess(self) -> None:
        data = {"matter_nature": "一般纠纷", "cross_department": False, "risk_colour": "黄"}
        self.complete("assess", data, "镇综治中心")


def case_badges(client, walk: Walk) -> set[str]:
    """Every badge of the case itself: /cases, the case page's header and 办理时限."""
    return {case_list_badge(client, walk.code), *case_page_badges(client, walk.case_id)}


def test_a_ladder_case_reads_the_same_deadline_everywhere_at_each_state(client, web_engine, clock):
    walk = Walk(web_engine)
    assert case_badges(client, walk) == {"无时限"}, "triage is not timed"
    assert work_list_badge(client, walk.code, "分流研判") == "无时限"

    walk.assess()  # the village holds it: two working days
    assert case_badges(client, walk) == {VILLAGE_DUE}
    village = walk.task_id("village")
    assert work_list_badge(client, walk.code, "村调委会化解") == VILLAGE_DUE
    assert task_page_badges(client, village) == (VILLAGE_DUE, VILLAGE_DUE)
    assert case_page_task_badge(client, walk.case_id, "村调委会化解") == VILLAGE_DUE
    assert lookup_deadline(client, walk.code, PHONE[-4:]) == "2026-03-04"
    assert board_badge(client, walk.case_id) is None, "two days left: not late"

    clock.set(datetime(2026, 3, 4, 10, 0, tzinfo=CST))  # the village's last day
    assert case_badges(client, walk) == {"今日 23:59 到期"}
    assert board_badge(client, walk.case_id) == "今日 23:59 到期"

    walk.complete("village", RESOLVED, "村调委会")  # resolved: waits for its callback
    clock.set(datetime(2026, 3, 9, 10, 0, tzinfo=CST))  # past the village's old deadline
    assert case_badges(client, walk) == {"已化解"}, "a resolved case runs no deadline"
    call_back = walk.task_id("call_back")
    assert task_page_badges(client, call_back) == ("", "已化解")
    assert work_list_badge(client, walk.code, "电话回访") == "无时限"
    assert lookup_deadline(client, walk.code, PHONE[-4:]) is None
    assert board_badge(client, walk.case_id) is None

    walk.complete(
        "call_back", {"evaluation": "不满意", "callback_note": "排水沟仍未疏通"}, "镇综治中心"
    )
    redo = work_list_badge(client, walk.code, "二次督办·重新办理")
    assert redo.startswith("剩余 "), f"the 二次督办 runs its own deadline: {redo}"
    assert case_page_task_badge(client, walk.case_id, "二次督办·重新办理") == redo
    assert case_badges(client, walk) == {"已化解"}

    walk.complete("redo_village", {"redo_note": "组织双方重新协商，已疏通"}, "村调委会")
    walk.complete(
        "call_back", {"evaluation": "满意", "callback_note": "已疏通，满意"}, "镇综治中心"
    )
    assert case_badges(client, walk) == {"已办结"}
    assert lookup_deadline(client, walk.code, PHONE[-4:]) is None


def test_a_resolved_case_with_a_late_redo_is_on_the_board_by_its_task(client, web_engine, clock):
    walk = Walk(web_engine)
    walk.assess()
    walk.complete("village", RESOLVED, "村调委会")
    walk.complete(
        "call_back", {"evaluation": "不满意", "callback_note": "排水沟仍未疏通"}, "镇综治中心"
    )
    clock.set(datetime(2026, 4, 1, 10, 0, tzinfo=CST))  # long past the 二次督办's deadline
    assert board_badge(client, walk.case_id) == "已化解"
    assert work_list_badge(client, walk.code, "二次督办·重新办理").startswith("已超期")


def test_a_hand_off_shows_the_step_now_running_not_the_receipt(client, web_engine, clock):
    walk = Walk(web_engine, channel="诉调")
    receipt = work_list_badge(client, walk.code, "签收")
    assert receipt == "剩余 3 个工作日（03-05 23:59 到期）"
    assert case_badges(client, walk) == {receipt}

    clock.set(datetime(2026, 3, 4, 9, 0, tzinfo=CST))  # signed for on Wednesday
    walk.complete("receive", {"receipt_decision": "签收"}, "县综治中心")
    assign = "剩余 3 个工作日（03-09 23:59 到期）"
    assert case_badges(client, walk) == {assign}, "after 签收 the 指派 deadline runs"
    assert work_list_badge(client, walk.code, "指派调解员") == assign

    clock.set(datetime(2026, 3, 5, 9, 0, tzinfo=CST))
    entry = str(roster_entry(web_engine, "全调解员", account="quan"))
    walk.complete(
        "assign_mediator", {"assign_decision": "指派", "mediator_entry": entry}, "县综治中心"
    )
    accept = "剩余 3 个工作日（03-10 23:59 到期）"  # 调解员签收: three working days
    assert work_list_badge(client, walk.code, "调解员确认接受委派") == accept
    assert task_page_badges(client, walk.task_id("accept")) == (accept, accept)
    assert case_page_task_badge(client, walk.case_id, "调解员确认接受委派") == accept
    assert case_badges(client, walk) == {accept}


def test_an_open_case_without_its_own_deadline_shows_its_tasks_earliest(
    app, client, web_engine, clock
):
    walk = Walk(web_engine)
    walk.assess()
    with web_engine.session_factory() as session:  # a diagram that keeps none on the case
        session.execute(update(Case).where(Case.id == walk.case_id).values(due_at=None))
        session.commit()
    assert case_badges(client, walk) == {VILLAGE_DUE}
    assert lookup_deadline(client, walk.code, PHONE[-4:]) == "2026-03-04"

    clock.set(datetime(2026, 3, 5, 10, 0, tzinfo=CST))
    page = client.get(f"/cases?q={walk.code}&overdue=1").get_data(as_text=True)
    assert walk.code in page, "the 超期 filter agrees with the badge"
