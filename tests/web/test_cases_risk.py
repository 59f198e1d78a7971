"""调整风险等级 on the case page: the centers and the 包案领导 change a case's colour at any
time while it is open, with a reason; the change is on the case, in the running instance
(later deadlines use it), in the history with who and why, and on the timeline."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from engine import Actor
from engine.models import HistoryEvent
from processes.models import Case
from tests.conftest import CST
from tests.processes.conftest import TOWNSHIP
from tests.web.test_cases import assess, page_text, ready_task, receive

CHANGE = {"colour": "绿", "reason": "双方已初步和解，情绪平稳"}
RED = {"colour": "红", "reason": "一方扬言报复，存在民转刑风险"}


def events(engine, *types: str) -> list[HistoryEvent]:
    with engine.session_factory() as session:
        query = select(HistoryEvent).where(HistoryEvent.event_type.in_(types))
        return list(session.scalars(query.order_by(HistoryEvent.seq)))


def stored(engine, case_id: int) -> Case:
    with engine.session_factory() as session:
        return session.get(Case, case_id)


def timeline_entry(html: str, event_type: str) -> str:
    """The timeline's entry for ``event_type`` (its ``<li>``)."""
    start = html.index(f'class="tl-entry tl-{event_type}')
    return html[start : html.index("</li>", start)]


def task_data(engine, instance_id: int, spec_id: str) -> dict:
    return engine.task_instructions(ready_task(engine, instance_id, spec_id).id)[1]


@pytest.mark.parametrize("role", ["镇综治中心", "县综治中心", "包案领导"])
def test_an_allowed_role_changes_the_colour_with_a_reason(web_engine, login_as, role):
    case = receive(web_engine)
    client = login_as("li", role, region=TOWNSHIP)

    response = client.post(f"/cases/{case.case_id}/risk", data=CHANGE)

    assert response.status_code == 302
    assert response.location.endswith(f"/cases/{case.case_id}#risk-title")
    assert stored(web_engine, case.case_id).risk_colour == "绿"
    [changed] = events(web_engine, "case_risk_changed")
    assert (changed.actor, changed.instance_id) == ("li", case.instance_id)
    assert changed.data == {
        "case_id": case.case_id,
        "from": "黄",
        "to": "绿",
        "reason": "双方已初步和解，情绪平稳",
    }
    [synced] = events(web_engine, "variables_set")
    assert synced.data["values"] == {"risk_colour": "绿"}
    assert synced.data["old"] == {"risk_colour": "黄"}
    assert task_data(web_engine, case.instance_id, "assess")["risk_colour"] == "绿"

    html = page_text(client.get(response.location))
    assert "已将风险等级由黄色调整为绿色" in html
    entry = timeline_entry(html, "case_risk_changed")
    assert '<span class="tl-who">测试li</span>' in entry and "调整风险等级" in entry
    assert "<dt>原</dt><dd>黄</dd>" in entry and "<dt>现</dt><dd>绿</dd>" in entry
    assert "<dt>原因</dt><dd>双方已初步和解，情绪平稳</dd>" in entry
    listed = page_text(client.get("/cases"))
    assert '<span class="badge risk-green">绿色</span>' in listed


def test_the_form_shows_for_the_allowed_roles_only(web_engine, login_as):
    case = receive(web_engine)
    client = login_as("li", "镇综治中心", region=TOWNSHIP)
    shown = page_text(client.get(f"/cases/{case.case_id}"))
    assert 'id="risk-form"' in shown and 'name="csrf_token"' in shown
    client.post("/logout")
    hidden = page_text(login_as("du", "督办员", region=TOWNSHIP).get(f"/cases/{case.case_id}"))
    assert 'id="risk-title"' in hidden and 'id="risk-form"' not in hidden


@pytest.mark.parametrize("role", ["督办员", "部门", "网格员", "调解员", "审计", "管理员"])
def test_other_roles_are_refused_and_nothing_changes(web_engine, login_as, role):
    case = receive(web_engine)
    client = login_as("zhou", role, region=TOWNSHIP)
    assert client.post(f"/cases/{case.case_id}/risk", data=CHANGE).status_code == 403
    assert stored(web_engine, case.case_id).risk_colour == "黄"
    assert events(web_engine, "case_risk_changed", "variables_set") == []


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({"reason": "理由"}, "colour", "请选择风险等级"),
        ({"colour": "紫", "reason": "理由"}, "colour", "请选择风险等级"),
        ({"colour": "绿", "reason": "  "}, "reason", "请填写调整理由"),
        ({"colour": "黄", "reason": "复核"}, "colour", "风险等级已是黄色，未作调整"),
        ({"colour": "红", "reason": "扬言报复"}, "leader", "调为红色须同时指定包案领导"),
        ({"colour": "绿", "reason": "和解", "leader": "王副县长"}, "leader", "只有红色案件"),
    ],
)
def test_refusals_are_named_at_the_field_and_nothing_is_saved(
    web_engine, login_as, form, field, message
):
    case = receive(web_engine)
    client = login_as("li", "镇综治中心", region=TOWNSHIP)

    response = client.post(f"/cases/{case.case_id}/risk", data=form)

    assert response.status_code == 422
    html = page_text(response)
    error = html[html.index(f'id="err-{field}"') :][:200]
    assert message in error
    assert 'aria-invalid="true"' in html
    assert form.get("reason", "").strip() in html  # what was typed is kept
    assert stored(web_engine, case.case_id).risk_colour == "黄"
    assert events(web_engine, "case_risk_changed", "variables_set") == []


def test_raising_to_red_names_the_case_leader(web_engine, login_as):
    case = receive(web_engine)
    client = login_as("li", "县综治中心", region=TOWNSHIP)

    response = client.post(f"/cases/{case.case_id}/risk", data={**RED, "leader": "王副县长"})

    assert response.status_code == 302
    row = stored(web_engine, case.case_id)
    assert (row.risk_colour, row.case_leader) == ("红", "王副县长")
    [leader] = events(web_engine, "case_leader_set")
    assert (leader.actor, leader.data["leader"], leader.data["reason"]) == (
        "li",
        "王副县长",
        RED["reason"],
    )
    [synced] = events(web_engine, "variables_set")
    assert synced.data["values"] == {"risk_colour": "红", "case_leader": "王副县长"}
    html = page_text(client.get(f"/cases/{case.case_id}"))
    assert "包案领导：王副县长" in html
    assert 'id="risk-leader"' not in html  # a case with a leader is not asked again


def test_a_red_case_without_a_leader_is_flagged_and_gets_one(web_engine, login_as):
    case = receive(web_engine)
    with web_engine.session_factory() as session:  # e.g. raised by the risk rule on overdue
        session.get(Case, case.case_id).risk_colour = "红"
        session.commit()
    client = login_as("li", "县综治中心", region=TOWNSHIP)
    html = page_text(client.get(f"/cases/{case.case_id}"))
    assert "红色高风险案件尚未指定包案领导" in html

    response = client.post(
        f"/cases/{case.case_id}/risk",
        data={"colour": "红", "reason": "补定包案领导", "leader": "赵书记"},
    )

    assert response.status_code == 302
    assert stored(web_engine, case.case_id).case_leader == "赵书记"
    assert events(web_engine, "case_risk_changed") == []  # the colour did not change
    [leader] = events(web_engine, "case_leader_set")
    assert leader.data["leader"] == "赵书记"
    html = page_text(client.get(response.location))
    assert "已指定包案领导：赵书记" in html
    assert "红色高风险案件尚未指定包案领导" not in html


def test_a_closed_case_keeps_its_colour(web_engine, login_as):
    case = receive(web_engine)
    with web_engine.session_factory() as session:
        session.get(Case, case.case_id).status = "已结案"
        session.commit()
    client = login_as("li", "镇综治中心", region=TOWNSHIP)
    assert 'id="risk-form"' not in page_text(client.get(f"/cases/{case.case_id}"))
    response = client.post(f"/cases/{case.case_id}/risk", data=CHANGE)
    assert response.status_code == 422
    assert "案件已结案，不能再调整风险等级" in page_text(response)
    assert stored(web_engine, case.case_id).risk_colour == "黄"


def test_later_deadlines_of_the_running_case_use_the_new_colour(web_engine, login_as, clock):
    case = receive(web_engine)
    assess(web_engine, case.instance_id)  # 一般纠纷 → 四级七天, at the village committee
    client = login_as("li", "县综治中心", region=TOWNSHIP)
    response = client.post(f"/cases/{case.case_id}/risk", data={**RED, "leader": "王副县长"})
    assert response.status_code == 302

    village = ready_task(web_engine, case.instance_id, "village")
    web_engine.complete(
        village.id,
        {"level_outcome": "无法化解", "level_notes": "双方分歧较大，需镇里协调"},
        actor=Actor.of("cun", ["村调委会"]),
    )
    township = ready_task(web_engine, case.instance_id, "township")
    # ladder.township: 2 working days, 1 for a red case (Mon 2 March → Tue 3 March)
    assert township.due_at == datetime(2026, 3, 3, 23, 59, 59, tzinfo=CST)
    assert stored(web_engine, case.case_id).due_at == township.due_at
