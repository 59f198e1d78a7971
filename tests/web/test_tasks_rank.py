"""我的待办 按风险等级 reads the case's colour from its tasks' rows (a copy the processes
layer keeps, ``processes.task_rank``): a change of colour on the case page, a colour set
by a step, and a task that becomes ready later all keep the list in colour order."""

from __future__ import annotations

from engine import Actor
from processes.models import Case
from tests.processes.conftest import TOWNSHIP
from tests.web.test_cases import page_text, ready_task, receive
from tests.web.test_tasks_lanes import codes

CENTER = "镇综治中心"
RED = {"colour": "红", "reason": "一方扬言报复，存在民转刑风险", "leader": "王副县长"}


def received(engine, n: int, colour: str = "黄"):
    """A case of its own parties (the same ones again would be a repeated visit)."""
    party = {"role": "申请人", "name": f"张{'一二三'[n]}", "phone": f"1381234567{n}"}
    return receive(engine, risk_colour=colour, parties=[party])


def code(engine, case_id: int) -> str:
    with engine.session_factory() as session:
        return session.get(Case, case_id).code


def risk_order(client) -> list[str]:
    return codes(page_text(client.get("/tasks/?sort=risk")))


def test_a_case_raised_to_red_on_its_page_moves_to_the_top(web_engine, login_as):
    yellow = received(web_engine, 0)
    green = received(web_engine, 1, "绿")
    client = login_as("li", CENTER, region=TOWNSHIP)
    yellow_code, green_code = code(web_engine, yellow.case_id), code(web_engine, green.case_id)
    assert risk_order(client) == [yellow_code, green_code]

    response = client.post(f"/cases/{green.case_id}/risk", data=RED)

    assert response.status_code == 302
    assert risk_order(client) == [green_code, yellow_code]
    assert codes(page_text(client.get("/tasks/?risk=红"))) == [green_code]


def test_the_next_task_of_a_red_case_comes_first_too(web_engine, login_as):
    waiting = received(web_engine, 0)  # 黄, still at 分流研判
    red = received(web_engine, 1)
    client = login_as("li", CENTER, region=TOWNSHIP)
    client.post(f"/cases/{red.case_id}/risk", data=RED)
    web_engine.complete(
        ready_task(web_engine, red.instance_id, "assess").id,
        {"matter_nature": "一般纠纷", "cross_department": False, "risk_colour": "红"},
        actor=Actor.of("li", [CENTER]),
    )
    [next_task] = [t for t in web_engine.tasks_of(red.instance_id) if t.status == "ready"]
    assert (next_task.spec_id, next_task.lane) == ("assign_leader", CENTER)  # a new task

    assert risk_order(client) == [code(web_engine, red.case_id), code(web_engine, waiting.case_id)]
