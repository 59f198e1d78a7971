"""The 中心吹哨 forms on the task page: 定办结时限 prefilled from the admins' rule, a limit
beyond the rule refused at its field (never shortened in silence), and the extension
request and approval checked against the latest day before anything is saved."""

from __future__ import annotations

from datetime import datetime

import pytest

from engine import Actor
from processes.models import Case
from tests.conftest import CST
from tests.web.conftest import PASSWORD, add_test_user
from tests.web.tasks_support import (
    CENTER,
    COUNTY,
    OTHER_TOWNSHIP,
    add_other_township,
    client_for,
    only_ready,
    receive,
)

COUNTY_CENTER, DEPT, LEADER = "县综治中心", "部门", "包案领导"
ASSESS = {"matter_nature": "复杂纠纷", "cross_department": True, "risk_colour": "黄"}
FOUR = {
    "lead_leader": "wang",
    "responsible_unit": "justice",
    "responsible_person": "sifa",
    "departments": "司法所",
}
"""The 四定 as the pickers submit it: the 牵头领导 and the 责任人 (of 司法所) by username."""
LONGER = {"longer_reason": "需多部门会商"}


def logged_in(app, username: str):
    client = app.test_client()
    response = client.post("/login", data={"username": username, "password": PASSWORD})
    assert response.status_code == 302, "login failed"
    return client


@pytest.fixture
def dispatch(web_engine, app):
    """A case routed to 中心吹哨, waiting for the county center's 四定; the 包案领导 wang
    and 司法所's liaison sifa have accounts."""
    add_test_user(app, "wang", LEADER, region=COUNTY)
    add_test_user(app, "sifa", DEPT, region=COUNTY, department="justice")
    received = receive(web_engine)
    task = only_ready(web_engine, received.instance_id, "assess")
    web_engine.complete(task.id, ASSESS, actor=Actor.of("c", [CENTER]))
    return received, only_ready(web_engine, received.instance_id, "dispatch")


def due_of(engine, case_id: int):
    with engine.session_factory() as session:
        return session.get(Case, case_id).due_at


def text(response) -> str:
    return response.get_data(as_text=True)


def test_the_rules_default_is_prefilled_and_the_limit_explained(dispatch, app):
    _received, task = dispatch
    page = text(client_for(app, "xian", COUNTY_CENTER, region=COUNTY).get(f"/tasks/{task.id}"))
    assert (
        'name="handle_days"' in page and 'value="10"' in page.split('name="handle_days"')[1][:200]
    )
    assert 'name="handle_date"' in page and 'type="date"' in page
    assert "黄色案件默认 10 个工作日，最长 20 个工作日，超过的不能提交" in page


def test_a_limit_beyond_the_rule_is_refused_at_its_field_and_kept(dispatch, app, web_engine):
    received, task = dispatch
    client = client_for(app, "xian", COUNTY_CENTER, region=COUNTY)
    response = client.post(f"/tasks/{task.id}", data={**FOUR, "handle_days": "25"})
    assert response.status_code == 422
    page = text(response)
    error = page[page.index('id="err-f-handle_days"') :][:400]
    assert "超过允许的最长办结时限：最迟 2026-03-30" in error
    assert "默认 10 个工作日，最多延长 10 个工作日" in error
    assert 'value="25"' in page  # what was typed is kept, never shortened to the default
    assert due_of(web_engine, received.case_id) is None

    response = client.post(f"/tasks/{task.id}", data={**FOUR, "handle_days": "15"})
    assert response.status_code == 422
    page = text(response)
    error = page[page.index('id="err-f-longer_reason"') :][:400]
    assert "长于规则默认的 10 个工作日（2026-03-16），请填写理由" in error
    response = client.post(f"/tasks/{task.id}", data={**FOUR, "handle_days": "15", **LONGER})
    assert response.status_code == 302
    assert due_of(web_engine, received.case_id) == datetime(2026, 3, 23, 23, 59, 59, tzinfo=CST)


def test_a_holiday_chosen_as_the_date_is_refused(dispatch, app, web_engine):
    received, task = dispatch
    client = client_for(app, "xian", COUNTY_CENTER, region=COUNTY)
    response = client.post(f"/tasks/{task.id}", data={**FOUR, "handle_date": "2026-04-05"})
    assert response.status_code == 422
    assert "2026-04-05 不是工作日" in text(response)
    response = client.post(
        f"/tasks/{task.id}", data={**FOUR, "handle_date": "2026-03-20", **LONGER}
    )
    assert response.status_code == 302
    assert due_of(web_engine, received.case_id) == datetime(2026, 3, 20, 23, 59, 59, tzinfo=CST)


def test_an_extension_request_beyond_the_latest_day_is_refused_at_its_field(
    dispatch, app, web_engine
):
    received, task = dispatch
    county = Actor.of("x", [COUNTY_CENTER])
    web_engine.complete(
        task.id, {**FOUR, "departments": ["司法所"], "handle_days": 18, **LONGER}, actor=county
    )
    ack = only_ready(web_engine, received.instance_id, "acknowledge")
    web_engine.complete(ack.id, {"liaison": "联络员"}, actor=Actor.of("d", [DEPT], ["justice"]))
    asking = only_ready(web_engine, received.instance_id, "request_extension")
    client = logged_in(app, "sifa")
    page = text(client.get(f"/tasks/{asking.id}"))
    assert "需要时办理" in page and "最迟可延至 2026-03-30" in page

    response = client.post(
        f"/tasks/{asking.id}", data={"extension_days": "3", "extension_reason": "需等待鉴定"}
    )
    assert response.status_code == 422
    assert "延长后为 2026-03-31，超过允许的最长办结时限 2026-03-30" in text(response)
    response = client.post(
        f"/tasks/{asking.id}", data={"extension_days": "2", "extension_reason": "需等待鉴定"}
    )
    assert response.status_code == 302
    approval = only_ready(web_engine, received.instance_id, "approve_extension")
    leader = logged_in(app, "wang")
    response = leader.post(
        f"/tasks/{approval.id}",
        data={"extension_decision": "同意", "decision_note": "同意延至月底"},
    )
    assert response.status_code == 302
    assert due_of(web_engine, received.case_id) == datetime(2026, 3, 30, 23, 59, 59, tzinfo=CST)


# -- 四定 picks people: lists of accounts in the case's area, checked on submit --------------


def test_the_four_are_picked_from_lists_of_people_and_units_in_scope(dispatch, app, web_engine):
    _received, task = dispatch
    add_other_township(web_engine)
    add_test_user(app, "outsider", LEADER, region=OTHER_TOWNSHIP)  # not the case's area
    page = text(client_for(app, "xian", COUNTY_CENTER, region=COUNTY).get(f"/tasks/{task.id}"))
    leader = page[page.index('<select id="f-lead_leader"') :].split("</select>")[0]
    assert '<option value="wang"' in leader and "测试wang" in leader
    assert "outsider" not in leader and "sifa" not in leader  # only 包案领导 of the area
    unit = page[page.index('<select id="f-responsible_unit"') :].split("</select>")[0]
    assert '<option value="justice">司法所</option>' in unit
    person = page[page.index('<select id="f-responsible_person"') :].split("</select>")[0]
    assert 'data-narrow-by="f-responsible_unit"' in person
    assert '<option value="sifa" data-group="justice">测试sifa（司法所）</option>' in person
    assert "js/picker.js" in page


def test_a_person_not_offered_or_of_another_unit_is_refused_naming_the_field(
    dispatch, app, web_engine
):
    received, task = dispatch
    client = client_for(app, "xian", COUNTY_CENTER, region=COUNTY)
    response = client.post(f"/tasks/{task.id}", data={**FOUR, "lead_leader": "王副县长"})
    assert response.status_code == 422
    page = text(response)
    error = page[page.index('id="err-f-lead_leader"') :][:300]
    assert "「定牵头领导」请从列表中选择" in error

    response = client.post(f"/tasks/{task.id}", data={**FOUR, "responsible_unit": "police"})
    assert response.status_code == 422
    page = text(response)
    error = page[page.index('id="err-f-responsible_person"') :][:300]
    assert "「定责任人」须是所选责任单位的人员" in error
    assert due_of(web_engine, received.case_id) is None


def test_the_case_page_names_the_four_by_name_not_username(dispatch, app, web_engine):
    received, task = dispatch
    client = client_for(app, "xian", COUNTY_CENTER, region=COUNTY)
    assert client.post(f"/tasks/{task.id}", data={**FOUR, "handle_days": "10"}).status_code == 302
    page = text(client.get(f"/cases/{received.case_id}"))
    block = page[page.index("<dt>牵头领导</dt>") :][:400]
    assert "<dd>测试wang</dd>" in block
    assert "<dd>司法所</dd>" in block
    assert "<dd>测试sifa（司法所）</dd>" in block
