"""The task page's 前一环节 panel (what the holder before wrote: the level's hand-up and its
notes, the agreed result, the callback complaint a 二次督办 answers, the 督办 behind a chase)
and 显示完整号码 on the tasks whose holder must telephone a party, logged as the case
page's 显示完整信息 is."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from sqlalchemy import select

from engine import Actor
from engine.db import db
from engine.models import HistoryEvent
from tests.conftest import CST
from tests.web.tasks_support import CENTER, TOWNSHIP, client_for, only_ready, receive

VILLAGE_ROLE, SUPERVISOR = "村调委会", "督办员"
PHONE = "13812345678"
ORDINARY = {"matter_nature": "一般纠纷", "cross_department": False, "risk_colour": "黄"}
SETTLED = {"level_outcome": "化解", "level_result": "当事人自行和解", "level_notes": "双方已和解"}


def panel(page: str) -> str:
    """The 前一环节 panel as text."""
    found = re.search(r'<section class="card previous-holder".*?</section>', page, re.S)
    assert found, "no 前一环节 panel on the page"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(0))).strip()


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def at_village(web_engine, clock):
    received = receive(web_engine)
    task = only_ready(web_engine, received.instance_id, "assess")
    web_engine.complete(task.id, ORDINARY, actor=Actor.of("li", [CENTER]))
    clock.set(datetime(2026, 3, 3, 10, 0, tzinfo=CST))
    return received, only_ready(web_engine, received.instance_id, "village")


@pytest.fixture
def center(app):
    return client_for(app, "zhen", CENTER, region=TOWNSHIP)


def test_the_township_reads_what_the_village_wrote_when_it_handed_up(
    at_village, app, center, web_engine
):
    received, village = at_village
    cun = client_for(app, "cun", VILLAGE_ROLE, region=TOWNSHIP)
    cun.post(
        f"/tasks/{village.id}",
        data={"level_outcome": "无法化解", "level_notes": "上门调解两次，被申请人拒不赔偿"},
    )
    township = only_ready(web_engine, received.instance_id, "township")

    shown = panel(text(center.get(f"/tasks/{township.id}")))

    heading = "前一环节 村调委会化解 测试cun（大满村调委会） · 2026-03-03 10:00 提交"
    assert shown.startswith(heading)
    assert "本级化解结果 无法化解 办理情况 上门调解两次，被申请人拒不赔偿" in shown
    # the ladder's own handover note of that step says the same: not repeated
    assert "上交镇综治中心" not in shown and "案件记录" not in shown


def test_an_automatic_hand_up_says_the_limit_passed_and_shows_the_notice(
    at_village, app, center, web_engine, clock
):
    received, _village = at_village
    clock.set(datetime(2026, 3, 5, 9, 0, tzinfo=CST))
    while web_engine.fire_due_timers():
        pass
    township = only_ready(web_engine, received.instance_id, "township")

    shown = panel(text(center.get(f"/tasks/{township.id}")))

    assert "「村调委会超期」时限到达，系统自动转来 2026-03-05 09:00" in shown
    assert "村调委会超过化解时限未化解，系统自动上交镇综治中心" in shown
    assert "督办提示单：超期未化解" in shown and "督办对象：村调委会" in shown


def test_the_callback_reads_the_agreed_result(at_village, app, center, web_engine, clock):
    received, village = at_village
    web_engine.complete(village.id, SETTLED, actor=Actor.of("cun", [VILLAGE_ROLE]))
    call_back = only_ready(web_engine, received.instance_id, "call_back")

    shown = panel(text(center.get(f"/tasks/{call_back.id}")))

    assert "村调委会化解 cun · 2026-03-03 10:00 提交" in shown
    assert "本级化解结果 化解 化解方式 当事人自行和解 办理情况 双方已和解" in shown


def test_second_supervision_shows_the_complaint_it_answers(
    at_village, app, center, web_engine, clock
):
    received, village = at_village
    web_engine.complete(village.id, SETTLED, actor=Actor.of("cun", [VILLAGE_ROLE]))
    clock.set(datetime(2026, 3, 4, 15, 0, tzinfo=CST))
    call_back = only_ready(web_engine, received.instance_id, "call_back")
    web_engine.complete(
        call_back.id,
        {"evaluation": "不满意", "performance": "赔偿款未付", "callback_note": "对方拖延付款"},
        actor=Actor.of("zhen", [CENTER]),
    )
    redo = only_ready(web_engine, received.instance_id, "redo_village")  # back to the village
    cun = client_for(app, "cun", VILLAGE_ROLE, region=TOWNSHIP)

    page = text(cun.get(f"/tasks/{redo.id}"))
    shown = panel(page)

    assert "电话回访 测试zhen（大满镇综治中心） · 2026-03-04 15:00 提交" in shown
    assert "满意程度 不满意 协议履行情况 赔偿款未付 回访情况 对方拖延付款" in shown
    assert 'previous-fields previous-complaint"' in page  # marked as what the task answers
    assert "化解结果 2026-03-03 10:00 当事人自行和解：双方已和解" in shown


def test_the_chase_of_an_overdue_ladder_shows_its_notice(at_village, app, web_engine, clock):
    received, _village = at_village
    clock.set(datetime(2026, 3, 12, 9, 0, tzinfo=CST))
    while web_engine.fire_due_timers():
        pass
    chase = only_ready(web_engine, received.instance_id, "chase")
    supervisor = client_for(app, "du", SUPERVISOR, region=TOWNSHIP)

    shown = panel(text(supervisor.get(f"/tasks/{chase.id}")))

    assert "「七个工作日未化解」时限到达，系统自动转来" in shown
    assert "督办提示单：超期未化解" in shown


# -- 显示完整号码 -------------------------------------------------------------------------


def reveals(app) -> list[HistoryEvent]:
    with app.app_context():
        query = select(HistoryEvent).where(HistoryEvent.event_type == "personal_data_viewed")
        return list(db.session.scalars(query))


@pytest.fixture
def call_back(at_village, web_engine):
    received, village = at_village
    web_engine.complete(village.id, SETTLED, actor=Actor.of("cun", [VILLAGE_ROLE]))
    return received, only_ready(web_engine, received.instance_id, "call_back")


def test_the_caller_reveals_the_full_phone_and_the_reveal_is_logged(call_back, app, center):
    received, task = call_back
    page = text(center.get(f"/tasks/{task.id}"))
    assert "138****5678" in page and PHONE not in page
    assert "显示完整号码" in page

    response = center.post(f"/tasks/{task.id}/phone")

    assert response.status_code == 200
    page = text(response)
    assert f'<a class="full-phone" href="tel:{PHONE}">{PHONE}</a>' in page
    assert "已显示完整号码。本次查看已记入操作日志" in page
    assert 'name="evaluation"' in page  # the form is there to fill in after the call
    [event] = reveals(app)
    assert (event.actor, event.instance_id) == ("zhen", received.instance_id)
    assert event.data == {
        "case_id": received.case_id,
        "code": received.code,
        "user": "zhen",
        "task": "电话回访",
        "fields": "联系电话",
    }
    case_page = text(center.get(f"/cases/{received.case_id}"))
    assert "查看当事人完整信息" in case_page
    assert "<dt>任务</dt><dd>电话回访</dd>" in case_page
    assert PHONE not in text(center.get(f"/tasks/{task.id}")), "shown once, not kept"


def test_no_reveal_on_a_task_that_is_no_call(at_village, app, center):
    _received, village = at_village
    cun = client_for(app, "cun", VILLAGE_ROLE, region=TOWNSHIP)
    assert "显示完整号码" not in text(cun.get(f"/tasks/{village.id}"))
    assert cun.post(f"/tasks/{village.id}/phone").status_code == 403
    assert reveals(app) == []


def test_no_reveal_for_someone_the_call_is_not_offered_to(call_back, app):
    _received, task = call_back
    cun = client_for(app, "cun2", VILLAGE_ROLE, region=TOWNSHIP)
    assert cun.post(f"/tasks/{task.id}/phone").status_code == 403
    assert reveals(app) == []
