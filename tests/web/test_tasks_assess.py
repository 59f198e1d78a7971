"""分流研判 starts from what intake recorded: the risk colour is already chosen (as
registered, or as raised at intake) and the matter single-department, so the worker
confirms rather than retypes; what they submit is what counts. Beside the form the
triage table previews where each kind of matter would go."""

from __future__ import annotations

import re

import pytest

from engine import Actor
from tests.web.tasks_support import CENTER, TOWNSHIP, only_ready, receive
from tests.web.test_tasks_form import field_block

CENTER_ACTOR = Actor.of("li", [CENTER])


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


def hints(page: str) -> str:
    start = page.index('class="card route-hints"')
    card = page[start : page.index("</section>", start)]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", card))


def test_the_page_previews_where_each_kind_of_matter_would_go(web_engine, center):
    _task, page = assess_page(web_engine, center)

    shown = hints(page)
    assert "分流预判" in shown
    assert "简单诉求 当场办结" in shown and "一般纠纷 四级七天" in shown
    assert "复杂纠纷 中心吹哨" in shown and "法律问题 法律服务" in shown
    assert "不宜调解 不宜调解" in shown


def test_a_collective_matter_previews_the_whistle_even_for_a_simple_request(web_engine, center):
    _task, page = assess_page(web_engine, center, collective=True, people_count=12)
    assert "简单诉求 中心吹哨" in hints(page)


def test_other_tasks_have_no_preview(web_engine, center):
    task_id, _page = assess_page(web_engine, center)
    center.post(
        f"/tasks/{task_id}",
        data={"matter_nature": "简单诉求", "cross_department": "false", "risk_colour": "黄"},
    )
    [on_spot] = [t for t in web_engine.ready_tasks(CENTER_ACTOR) if t.spec_id == "on_spot"]
    assert 'class="card route-hints"' not in center.get(f"/tasks/{on_spot.id}").get_data(True)
