"""Tasks a diagram gives to a unit or a person: each liaison sees and completes only their
own department's 报到, the named mediator only theirs; anyone else of the role gets 404;
a supervisor in scope opens, completes (on the holder's behalf) and reassigns them; the
holder hands a task back; a stand-in receives the holder's tasks while they are away."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.models import HistoryEvent
from webapp.audit.labels import event_label
from webapp.cases.labels import EVENT_LABELS

from .assigned_support import acknowledgements, start_assigned_case
from .tasks_support import (
    COUNTY,
    OTHER_TOWNSHIP,
    TOWNSHIP,
    add_other_township,
    client_for,
    only_ready,
)

DEPT, MEDIATOR, SUPERVISOR = "部门", "调解员", "督办员"


def text(response) -> str:
    return response.get_data(as_text=True)


def events(engine, instance_id: int, event_type: str) -> list[tuple[str, dict]]:
    with engine.session_factory() as session:
        rows = session.scalars(
            select(HistoryEvent)
            .where(HistoryEvent.instance_id == instance_id, HistoryEvent.event_type == event_type)
            .order_by(HistoryEvent.seq)
        )
        return [(row.actor, row.data) for row in rows]


@pytest.fixture
def people(app):
    return {
        "ren": client_for(app, "ren", DEPT, region=COUNTY, department="labour"),
        "zhu": client_for(app, "zhu", DEPT, region=COUNTY, department="housing"),
        "med1": client_for(app, "med1", MEDIATOR, region=TOWNSHIP),
        "med2": client_for(app, "med2", MEDIATOR, region=TOWNSHIP),
        "du": client_for(app, "du", SUPERVISOR, region=COUNTY),
    }


def test_each_liaison_sees_and_completes_only_their_own_departments_report(web_engine, people):
    started = start_assigned_case(web_engine)
    acks = acknowledgements(web_engine, started.instance_id)
    ren, zhu = people["ren"], people["zhu"]

    listed = text(ren.get("/tasks/"))
    assert listed.count('class="task-row') == 1
    assert "（人社局）" in listed and "（住建局）" not in listed
    theirs = acks["住建局"].id
    assert ren.get(f"/tasks/{theirs}").status_code == 404
    assert ren.post(f"/tasks/{theirs}", data={}).status_code == 404
    assert ren.post(f"/tasks/{theirs}/claim", data={}).status_code == 404
    assert "部门报到（住建局）" in text(zhu.get(f"/tasks/{theirs}")).replace(
        '<span class="task-item">', ""
    ).replace("</span>", "")

    response = ren.post(f"/tasks/{acks['人社局'].id}", data={})
    assert response.status_code == 302
    assert web_engine.task(acks["人社局"].id).completed_by == "ren"
    assert web_engine.task(theirs).status == "ready"


def test_a_task_assigned_to_a_person_is_theirs_alone_and_a_supervisors(web_engine, people):
    started = start_assigned_case(web_engine, departments=())
    task = only_ready(web_engine, started.instance_id, "mediate")
    med1, med2, du = people["med1"], people["med2"], people["du"]

    assert "责任人包调处" in text(med1.get("/tasks/"))
    assert "责任人包调处" not in text(med2.get("/tasks/"))
    assert med2.get(f"/tasks/{task.id}").status_code == 404
    assert med2.post(f"/tasks/{task.id}", data={}).status_code == 404
    assert med2.post(f"/tasks/{task.id}/unclaim", data={}).status_code == 404

    page = text(du.get(f"/tasks/{task.id}"))
    assert "以督办身份打开：提交将记录为代测试med1（med1）办理" in page
    assert du.post(f"/tasks/{task.id}", data={}).status_code == 302
    assert web_engine.task(task.id).completed_by == "du"
    [(actor, data)] = [e for e in events(web_engine, started.instance_id, "task_completed") if e[1]]
    assert (actor, data) == ("du", {"on_behalf_of": "med1"})


def test_a_supervisor_reassigns_to_a_person_of_the_lane_with_a_reason(web_engine, people, app):
    started = start_assigned_case(web_engine, departments=())
    task = only_ready(web_engine, started.instance_id, "mediate")
    add_other_township(web_engine)
    client_for(app, "far", MEDIATOR, region=OTHER_TOWNSHIP)  # another township: left out
    med1, med2, du = people["med1"], people["med2"], people["du"]

    form = text(du.get(f"/tasks/{task.id}"))
    choices = form[form.index('name="to_user"') : form.index("</select>")]
    assert 'value="med2"' in choices and 'value="med1"' not in choices
    assert 'value="far"' not in choices and 'value="ren"' not in choices

    refused = du.post(f"/tasks/{task.id}/assign", data={"to_user": "med2", "reason": " "})
    assert "改派未成功：请填写改派原因" in text(du.get(refused.headers["Location"]))
    assert web_engine.task(task.id).assignee == "med1"
    assert med2.post(f"/tasks/{task.id}/assign", data={}).status_code == 403  # not a supervisor

    du.post(f"/tasks/{task.id}/assign", data={"to_user": "med2", "reason": "med1 出差"})
    assert web_engine.task(task.id).assignee == "med2"
    assert med1.get(f"/tasks/{task.id}").status_code == 404
    assert "责任人包调处" in text(med2.get("/tasks/"))
    [(actor, data)] = events(web_engine, started.instance_id, "task_assigned")
    assert actor == "du"
    assert data == {"from": "med1", "to": "med2", "reason": "med1 出差", "on_behalf_of": "med1"}

    timeline = text(du.get(f"/cases/{started.case_id}?all=1"))
    assert "改派任务" in timeline and "med1 出差" in timeline
    assert EVENT_LABELS["task_assigned"] == event_label("task_assigned") == "改派任务"


def test_the_holder_hands_a_task_back_to_the_lane(web_engine, people):
    started = start_assigned_case(web_engine, departments=())
    task = only_ready(web_engine, started.instance_id, "mediate")
    med1, med2 = people["med1"], people["med2"]

    page = text(med1.get(f"/tasks/{task.id}"))
    assert "交回（退回）" in page
    med1.post(f"/tasks/{task.id}/unclaim", data={})
    assert web_engine.task(task.id).assignee is None
    assert "责任人包调处" in text(med2.get("/tasks/")), "back to every mediator"
    assert events(web_engine, started.instance_id, "task_unclaimed") == [("med1", {})]
    assert EVENT_LABELS["task_unclaimed"] == "交回任务"


def test_a_stand_in_receives_the_holders_tasks_while_they_are_away(web_engine, people, clock, app):
    started = start_assigned_case(web_engine, departments=())
    task = only_ready(web_engine, started.instance_id, "mediate")
    med1, med2 = people["med1"], people["med2"]
    today = clock.now().date()

    form = text(med1.get("/settings/stand-in"))
    assert 'value="med2"' in form and 'value="ren"' not in form
    bad = med1.post(
        "/settings/stand-in",
        data={"stand_in": "ren", "starts_on": str(today), "ends_on": str(today - timedelta(1))},
    )
    assert bad.status_code == 422
    assert "请从列表中选择代办人" in text(bad) and "结束日期不能早于开始日期" in text(bad)
    med1.post(
        "/settings/stand-in",
        data={"stand_in": "med2", "starts_on": str(today), "ends_on": str(today + timedelta(2))},
    )

    listed = text(med2.get("/tasks/"))
    assert "责任人包调处" in listed and "（代办）" in listed and "您正在代 med1 办理任务" in listed
    assert "您是 测试med1（med1） 的代办人" in text(med2.get(f"/tasks/{task.id}"))
    clock.advance(days=3)
    assert med2.get(f"/tasks/{task.id}").status_code == 404, "the range is over"
    clock.advance(days=-3)
    assert med2.post(f"/tasks/{task.id}", data={}).status_code == 302
    [(actor, data)] = [e for e in events(web_engine, started.instance_id, "task_completed") if e[1]]
    assert (actor, data) == ("med2", {"on_behalf_of": "med1"})
    [logged] = events(web_engine, None, "stand_in_set")
    assert logged[0] == "med1" and logged[1]["stand_in"] == "med2"
    assert event_label("stand_in_set") == "设置代办人"

    med1.post("/settings/stand-in", data={"action": "clear"})
    assert "尚未设置代办人" in text(med1.get("/settings/stand-in"))


def test_after_a_submit_the_next_task_naming_the_user_a_candidate_opens(web_engine, people):
    started = start_assigned_case(web_engine, departments=())
    mediate = only_ready(web_engine, started.instance_id, "mediate")
    med1, med2 = people["med1"], people["med2"]
    assert "确认调解结果" not in text(med1.get("/tasks/"))

    response = med1.post(f"/tasks/{mediate.id}", data={})
    confirm = only_ready(web_engine, started.instance_id, "confirm")
    assert response.headers["Location"] == f"/tasks/{confirm.id}"
    assert web_engine.candidates(confirm.id).users == ("med1", "backup.med")
    assert "确认调解结果" in text(med1.get("/tasks/"))
    assert med2.get(f"/tasks/{confirm.id}").status_code == 404
