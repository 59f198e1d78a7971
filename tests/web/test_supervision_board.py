"""督办台 (``/supervision``): late work in scope grouped by unit and level, one-click chases.

The scene, on the real library and the manual clock (Mon 2 March 2026, 09:00):
- OVERDUE: a window case received Mon 2 March and never resolved; by Thu 12 March its
  seven working days have passed, the ladder marked it overdue at 镇党委政府 and a 督办催办
  waits in the 督办员 lane.
- NEAR: a grid report received Thu 12 March: the grid worker's one working day ends Fri 13.
- ON_TIME: a window case received Thu 12 March: the village has until Mon 16 (2 days left).
- ELSEWHERE: like OVERDUE, in another township (outside a township user's scope).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from engine import Actor, Engine, TaskStatus
from engine.models import HistoryEvent, TaskRecord
from processes.calendar import WorkCalendar
from processes.intake import receive_case
from processes.models import Case, Region, SupervisionRecord
from tests.conftest import CST
from tests.processes.conftest import COUNTY, GRID, TOWNSHIP
from tests.web.conftest import add_test_user
from webapp.due import DueState, due_info
from webapp.supervision.late import near_cutoff

OTHER_TOWNSHIP = "620702102"
CLERK = Actor.of("window.clerk", ["镇综治中心"])
THU_12_9AM = datetime(2026, 3, 12, 9, 0, tzinfo=CST)


def matter(channel: str, region: str = GRID, colour: str = "黄") -> dict:
    return {
        "channel": channel,
        "dispute_type": "02",
        "summary": "邻里之间因排水沟堵塞发生争执",
        "region_code": region,
        "risk_colour": colour,
        "parties": [{"role": "申请人", "name": "张三", "phone": "13812345678"}],
    }


def receive_to_ladder(engine: Engine, channel: str, region: str = GRID, colour: str = "黄"):
    """Register a matter and assess it as an ordinary dispute: it enters the ladder."""
    received = receive_case(engine, matter(channel, region, colour), actor=CLERK)
    [assess] = [t for t in engine.tasks_of(received.instance_id) if t.spec_id == "assess"]
    engine.complete(
        assess.id,
        {"matter_nature": "一般纠纷", "cross_department": False, "risk_colour": colour},
        actor=CLERK,
    )
    if colour == "红":  # 一人一案: a leader in charge first, then the ladder from the township
        [leader] = [t for t in engine.tasks_of(received.instance_id) if t.status == "ready"]
        engine.complete(leader.id, {"case_leader": "王某某（副镇长）"}, actor=CLERK)
    return received


def advance_to(engine: Engine, clock, when: datetime) -> None:
    """Let time pass a few hours at a time, firing what falls due, as the scheduler would."""
    while clock.now() < when:
        clock.set(min(when, clock.now() + timedelta(hours=6)))
        while engine.fire_due_timers():
            pass


@pytest.fixture
def scene(web_engine, clock):
    with web_engine.session_factory() as session:
        session.add(Region(code=OTHER_TOWNSHIP, name="小满镇", level="镇", parent_code=COUNTY))
        session.commit()
    overdue = receive_to_ladder(web_engine, "窗口")
    elsewhere = receive_to_ladder(web_engine, "窗口", region=OTHER_TOWNSHIP, colour="红")
    advance_to(web_engine, clock, THU_12_9AM)
    near = receive_to_ladder(web_engine, "网格上报")
    on_time = receive_to_ladder(web_engine, "窗口")
    return {"overdue": overdue, "near": near, "on_time": on_time, "elsewhere": elsewhere}


def case_row(web_engine, case_id: int) -> Case:
    with web_engine.session_factory() as session:
        return session.get(Case, case_id)


def chases_of(web_engine, case_id: int) -> list[SupervisionRecord]:
    with web_engine.session_factory() as session:
        query = select(SupervisionRecord).where(
            SupervisionRecord.case_id == case_id, SupervisionRecord.chased_at.is_not(None)
        )
        return list(session.scalars(query.order_by(SupervisionRecord.id)))


def events(web_engine, event_type: str) -> list[HistoryEvent]:
    with web_engine.session_factory() as session:
        query = select(HistoryEvent).where(HistoryEvent.event_type == event_type)
        return list(session.scalars(query.order_by(HistoryEvent.seq)))


def test_the_scene_is_what_the_board_expects(scene, web_engine):
    overdue = case_row(web_engine, scene["overdue"].case_id)
    assert (overdue.overdue, overdue.level) == (True, "镇党委政府")
    near = case_row(web_engine, scene["near"].case_id)
    assert (near.level, near.due_at) == ("网格员", datetime(2026, 3, 13, 23, 59, 59, tzinfo=CST))
    assert case_row(web_engine, scene["on_time"].case_id).level == "村调委会"


def test_board_lists_overdue_and_near_cases_in_scope_grouped_with_counts(scene, login_as):
    client = login_as("du", "督办员", region=TOWNSHIP)
    page = client.get("/supervision").get_data(as_text=True)

    assert scene["overdue"].code in page
    assert scene["near"].code in page
    assert scene["on_time"].code not in page
    assert scene["elsewhere"].code not in page  # another township's case
    assert '<span class="total-number">1</span><span class="total-label">件超期' in page
    assert '<span class="total-number">1</span><span class="total-label">件临期' in page
    # grouped by the unit holding each case, at its level
    assert "大满镇党委政府" in page and "大满村第一网格网格员" in page
    assert page.index("大满村第一网格网格员 <span") < page.index("大满镇党委政府 <span")
    # the overdue case's late work: the leadership's task and the 督办 waiting
    assert "镇党委政府化解：镇党委政府（未认领）" in page
    assert "督办催办：督办员（未认领）" in page
    assert "未催办" in page


def test_a_county_supervisor_sees_every_township(scene, login_as):
    page = login_as("county.du", "督办员", region=COUNTY).get("/supervision").get_data(as_text=True)
    assert scene["elsewhere"].code in page
    assert "小满镇党委政府" in page
    assert '<span class="total-number">2</span><span class="total-label">件超期' in page


def test_filters_by_state_risk_and_unit(scene, login_as):
    client = login_as("county.du", "督办员", region=COUNTY)

    near_only = client.get("/supervision?state=near").get_data(as_text=True)
    assert scene["near"].code in near_only and scene["overdue"].code not in near_only

    red = client.get("/supervision?risk=红").get_data(as_text=True)
    assert scene["elsewhere"].code in red
    assert scene["overdue"].code not in red and scene["near"].code not in red

    unit = client.get("/supervision?unit=大满镇党委政府").get_data(as_text=True)
    assert scene["overdue"].code in unit
    assert scene["elsewhere"].code not in unit and scene["near"].code not in unit

    level = client.get("/supervision?level=网格员").get_data(as_text=True)
    assert scene["near"].code in level and scene["overdue"].code not in level

    # an unknown filter value is dropped, not an error
    assert client.get("/supervision?state=bogus&risk=紫").status_code == 200


def test_a_phone_chase_is_recorded_and_shown_on_the_board(scene, web_engine, login_as, clock):
    client = login_as("li", "镇综治中心", region=TOWNSHIP)
    near = scene["near"]

    response = client.post(
        f"/supervision/cases/{near.case_id}/chase", data={"method": "phone", "state": "near"}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/supervision?state=near#case-{near.case_id}")

    [record] = chases_of(web_engine, near.case_id)
    assert (record.kind, record.reason) == ("督办提示单", "临期预警")
    assert record.chase_method == "电话督办"
    assert (record.chased_by, record.chased_at) == ("li", clock.now())
    assert record.target == "大满村第一网格网格员"
    assert record.chase_note == "已电话督办：大满村第一网格网格员"
    [logged] = events(web_engine, "case_chased")
    assert (logged.actor, logged.instance_id) == ("li", near.instance_id)
    assert logged.data["case_id"] == near.case_id
    assert (logged.data["method"], logged.data["target"]) == ("电话督办", "大满村第一网格网格员")

    page = client.get("/supervision").get_data(as_text=True)
    assert f"已记录电话催办：{near.code}" in page
    assert "03-12 09:00 电话督办" in page
    assert "测试li · 共 1 次" in page  # the display name, not the login

    clock.advance(minutes=30)
    client.post(
        f"/supervision/cases/{near.case_id}/chase",
        data={"method": "letter", "note": "已向网格长发函，要求明日办结"},
    )
    second = chases_of(web_engine, near.case_id)[-1]
    assert (second.chase_method, second.chase_note) == ("函件督办", "已向网格长发函，要求明日办结")
    page = client.get("/supervision").get_data(as_text=True)
    assert f"已记录书面催办：{near.code}" in page
    assert "03-12 09:30 函件督办" in page and "测试li · 共 2 次" in page


def test_the_supervisor_s_chase_completes_the_waiting_supervision_task(
    scene, web_engine, login_as, clock
):
    overdue = scene["overdue"]
    client = login_as("du", "督办员", region=TOWNSHIP)
    clock.advance(hours=1)
    client.post(
        f"/supervision/cases/{overdue.case_id}/chase",
        data={"method": "letter", "note": "已向镇党委政府发督办函"},
    )

    [chase_task] = [t for t in web_engine.tasks_of(overdue.instance_id) if t.spec_id == "chase"]
    assert (chase_task.status, chase_task.completed_by) == (TaskStatus.COMPLETED, "du")
    [record] = chases_of(web_engine, overdue.case_id)
    assert (record.reason, record.target) == ("超期未化解", "镇党委政府")  # the diagram's notice
    assert (record.chase_method, record.chase_note) == ("函件督办", "已向镇党委政府发督办函")
    assert events(web_engine, "case_chased") == []
    [chased] = events(web_engine, "supervision_chased")
    assert chased.instance_id == overdue.instance_id

    page = client.get("/supervision").get_data(as_text=True)
    assert f"已记录书面催办：{overdue.code}" in page
    assert overdue.code in page  # still overdue: chased, not resolved
    assert "督办催办：" not in page
    assert "du · 共 1 次" in page


def test_a_double_submit_records_one_chase(scene, web_engine, login_as):
    client = login_as("li", "镇综治中心", region=TOWNSHIP)
    url = f"/supervision/cases/{scene['near'].case_id}/chase"
    client.post(url, data={"method": "phone"})
    page = client.post(url, data={"method": "phone"}, follow_redirects=True).get_data(as_text=True)
    assert "刚刚已记录过电话催办，未重复记录" in page
    assert len(chases_of(web_engine, scene["near"].case_id)) == 1


def test_chasing_a_case_outside_scope_is_not_found(scene, web_engine, login_as):
    client = login_as("li", "镇综治中心", region=TOWNSHIP)
    response = client.post(
        f"/supervision/cases/{scene['elsewhere'].case_id}/chase", data={"method": "phone"}
    )
    assert response.status_code == 404
    missing = client.post("/supervision/cases/999999/chase", data={"method": "phone"})
    assert missing.status_code == 404
    assert chases_of(web_engine, scene["elsewhere"].case_id) == []


def test_a_case_without_late_work_is_not_chased(scene, web_engine, login_as):
    client = login_as("li", "镇综治中心", region=TOWNSHIP)
    page = client.post(
        f"/supervision/cases/{scene['on_time'].case_id}/chase",
        data={"method": "phone"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "当前没有临期或超期事项，无需催办" in page
    assert chases_of(web_engine, scene["on_time"].case_id) == []


def test_an_unknown_method_is_refused(scene, web_engine, login_as):
    client = login_as("li", "镇综治中心", region=TOWNSHIP)
    page = client.post(
        f"/supervision/cases/{scene['near'].case_id}/chase",
        data={"method": "fax"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "请选择电话催办或书面催办" in page
    assert chases_of(web_engine, scene["near"].case_id) == []


@pytest.mark.parametrize("role", ["网格员", "调解员", "审计"])
def test_other_roles_are_refused(web_engine, login_as, role):
    client = login_as("someone", role, region=TOWNSHIP)
    assert client.get("/supervision").status_code == 403
    assert client.post("/supervision/cases/1/chase", data={"method": "phone"}).status_code == 403


def test_an_empty_board_says_so(web_engine, login_as):
    page = login_as("du", "督办员", region=TOWNSHIP).get("/supervision").get_data(as_text=True)
    assert "辖区内没有超期或临期的案件" in page


def test_the_near_cut_off_agrees_with_the_work_list_s_due_badges():
    """The board filters with a cut-off time; every deadline before it is near or overdue by
    ``due_info`` (what the work list shows), every one after it is not."""
    calendar = WorkCalendar()
    starts = [datetime(2026, 3, 2, 9, 0, tzinfo=CST) + timedelta(hours=7 * i) for i in range(40)]
    starts += [datetime(2026, 9, 30, 18, 0, tzinfo=CST), datetime(2026, 10, 7, 23, 0, tzinfo=CST)]
    for now in starts:
        cutoff = near_cutoff(now, calendar)
        for minutes in range(-600, 60 * 24 * 12, 37):
            due = now + timedelta(minutes=minutes)
            state = due_info(due, now, calendar).state
            late = state in (DueState.OVERDUE, DueState.NEAR)
            assert late == (due < cutoff), (now, due, state)
            assert (state == DueState.OVERDUE) == (due < now), (now, due, state)


def test_the_board_reads_the_task_projection_not_the_workflows(scene, web_engine, login_as):
    """A ready task past its due is listed even when the case's own deadline is fine."""
    on_time = scene["on_time"]
    with web_engine.session_factory() as session:
        [task] = session.scalars(
            select(TaskRecord).where(
                TaskRecord.instance_id == on_time.instance_id,
                TaskRecord.status == TaskStatus.READY,
            )
        )
        task.due_at = datetime(2026, 3, 11, 23, 59, 59, tzinfo=CST)
        session.commit()
    page = login_as("du", "督办员", region=TOWNSHIP).get("/supervision").get_data(as_text=True)
    assert on_time.code in page
    assert '<span class="total-number">2</span><span class="total-label">件超期' in page


def test_a_claimed_task_shows_who_holds_it_by_name(scene, web_engine, login_as, app):
    near = scene["near"]
    add_test_user(app, "wang", "网格员", region=TOWNSHIP)
    [task] = [t for t in web_engine.tasks_of(near.instance_id) if t.status == "ready"]
    web_engine.claim(task.id, actor=Actor.of("wang", ["网格员"]))
    page = login_as("li", "镇综治中心", region=TOWNSHIP).get("/supervision").get_data(as_text=True)
    assert f"{task.name}：测试wang" in page
