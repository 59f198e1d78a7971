"""分流研判 starts from what intake recorded: the risk colour is already chosen (as
registered, or as raised at intake) and the matter single-department, so the worker
confirms rather than retypes; what they submit is what counts."""

from __future__ import annotations

import pytest

from tests.web.tasks_support import CENTER, TOWNSHIP, only_ready, receive
from tests.web.test_tasks_form import field_block


@pytest.fixture
def center(login_as):
    return login_as("li", CENTER, region=TOWNSHIP)


def assess_page(engine, center, **options) -> tuple[str, str]:
    received = receive(engine, **options)
    task = only_ready(engine, received.instance_id, "assess")
    return task.id, center.get(f"/tasks/{task.id}").get_data(as_text=True)


def test_the_intake_colour_is_chosen_and_the_matter_single_department(web_engine, center):
    _task, page = assess_page(web_engine, center)

    colour = field_block(page, "risk_colour")
    assert 'value="黄" checked' in colour
    assert 'value="红" checked' not in colour and 'value="绿" checked' not in colour
    assert 'value="false" checked' in field_block(page, "cross_department")
    assert " checked" not in field_block(page, "matter_nature")  # the worker's own judgement


def test_a_red_intake_is_prefilled_red(web_engine, center):
    _task, page = assess_page(web_engine, center, risk="红")
    assert 'value="红" checked' in field_block(page, "risk_colour")


def test_a_colour_raised_at_intake_is_what_the_form_shows(web_engine, center):
    # a collective matter (群体性) is raised one colour at intake (risk_raise.dmn)
    _task, page = assess_page(web_engine, center, risk="绿", collective=True, people_count=30)
    colour = field_block(page, "risk_colour")
    assert 'value="绿" checked' not in colour and " checked" in colour


def test_the_worker_confirms_with_one_choice(web_engine, center):
    task_id, _page = assess_page(web_engine, center)

    response = center.post(
        f"/tasks/{task_id}",
        data={"matter_nature": "一般纠纷", "cross_department": "false", "risk_colour": "黄"},
    )

    assert response.status_code == 302
    assert web_engine.task(task_id).status == "completed"
