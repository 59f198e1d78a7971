"""我的待办 按风险等级 reads the case's colour from its tasks' rows (a copy the processes
layer keeps, ``processes.task_rank``): a change of colour on the case page, a colour set
by a step, and a task that becomes ready later all keep the list in colour order."""

from __future__ import annotations

from engine import Actor
from tests.processes.conftest import TOWNSHIP
from tests.web.test_cases import page_text, ready_task, receive
from tests.web.test_tasks_lanes import codes

CENTER = "镇综治中心"
RED = {"colour": "红", "reason": "一方扬言报复，存在民转刑风险", "leader": "王副县长"}


def risk_order(client) -> list[str]:
    return codes(page_text(client.get("/tasks/?sort=risk")))


def test_a_case_raised_to_red_on_its_page_moves_to_the_top(web_engine, login_as):
    receive(web_engine)  # 黄, received first
    green = receive(web_engine, risk_colour="绿")
    client = login_as("li", CENTER, region=TOWNSHIP)
    yellow_code, green_code = codes(page_text(client.get("/tasks/")))
    assert risk_order(client) == [yellow_code, green_code]

    response = client.post(f"/cases/{green.case_id}/risk", data=RED)

    assert response.status_code == 302
    assert risk_order(client) == [green_code, yellow_code]
    assert codes(page_text(client.get("/tasks/?risk=红"))) == [green_code]


def test_the_next_task_of_a_red_case_comes_first_too(web_engine, login_as):
    first = receive(web_engine)
    later = receive(web_engine)
    client = login_as("li", CENTER, region=TOWNSHIP)
    client.post(f"/cases/{later.case_id}/risk", data=RED)
    for received, colour in ((first, "黄"), (later, "红")):
        web_engine.complete(
            ready_task(web_engine, received.instance_id, "assess").id,
            {"matter_nature": "一般纠纷", "cross_department": False, "risk_colour": colour},
            actor=Actor.of("li", [CENTER]),
        )
    [next_task] = [t for t in web_engine.tasks_of(later.instance_id) if t.status == "ready"]
    holder = login_as("zhao", next_task.lane, region=TOWNSHIP)

    by_due = codes(page_text(holder.get("/tasks/")))
    assert len(by_due) == 2
    assert risk_order(holder) == list(reversed(by_due))  # the red one, though due later
