"""A rising-risk alert's 研判风险预警 task (a process without a case) on the work list of
the county center whose region it was raised for, and nobody else's; its page shows the
alert's figures and the weekly report it came from, and completing it records the
judgement."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from processes.models import Region, RiskAlert
from tests.processes.snapshot_support import add_alert
from tests.web.tasks_support import (
    CENTER,
    COUNTY,
    COUNTY_CENTER,
    TOWNSHIP,
    client_for,
    only_ready,
    receive,
    set_due,
)
from webapp.tasks import service

OTHER_COUNTY = "620723"


@pytest.fixture
def alert(web_engine):
    """A red alert for 甘州区 (邻里纠纷 3 → 9) and its ready task; a second county beside."""
    with web_engine.session_factory() as session:
        session.add(Region(code=OTHER_COUNTY, name="临泽县", level="县", active=True))
        session.commit()
    alert_id, instance_id = add_alert(web_engine)
    return alert_id, only_ready(web_engine, instance_id, "judge")


def _rows(page: str) -> list[str]:
    found = re.findall(r'<tr class="task-row[^"]*">(.*?)</tr>', page, re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in found]


def test_the_county_center_of_the_region_sees_the_alert_task(app, alert):
    _alert_id, task = alert
    wang = client_for(app, "wang", COUNTY_CENTER, region=COUNTY)
    [row] = _rows(wang.get("/tasks/").get_data(as_text=True))
    assert row.startswith("研判风险预警 风险预警 类型：邻里纠纷") and "红色" in row
    assert f"/tasks/{task.id}" in wang.get("/tasks/").get_data(as_text=True)
    unrestricted = client_for(app, "zhao", COUNTY_CENTER)
    assert len(_rows(unrestricted.get("/tasks/").get_data(as_text=True))) == 1


def test_another_countys_center_and_other_roles_do_not_see_it(app, alert):
    _alert_id, task = alert
    other = client_for(app, "liu", COUNTY_CENTER, region=OTHER_COUNTY)
    assert _rows(other.get("/tasks/").get_data(as_text=True)) == []
    assert other.get(f"/tasks/{task.id}").status_code == 404
    below = client_for(app, "li", COUNTY_CENTER, "镇综治中心", region=TOWNSHIP)
    assert _rows(below.get("/tasks/").get_data(as_text=True)) == []
    assert below.get(f"/tasks/{task.id}").status_code == 404  # the county is above its scope
    grid = client_for(app, "zhou", "网格员", "督办员", region=COUNTY)
    assert _rows(grid.get("/tasks/").get_data(as_text=True)) == []
    assert grid.get(f"/tasks/{task.id}").status_code == 403  # in scope, not its lane


def test_the_task_page_shows_the_alert_and_links_the_weekly_report(app, alert, web_engine):
    _alert_id, task = alert
    wang = client_for(app, "wang", COUNTY_CENTER, region=COUNTY)
    page = wang.get(f"/tasks/{task.id}").get_data(as_text=True)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "风险预警情况" in text and "类型：邻里纠纷" in text and "甘州区" in text
    assert "本周受理 9 件" in text and "上周受理 3 件" in text and "增加 6 件（增长 200%）" in text
    assert "2026年第9周（02月23日—03月01日）" in text
    assert "研判意见" in text and "是否交办乡镇" in text
    with web_engine.session_factory() as session:
        snapshot_id = session.get(RiskAlert, _alert_id).snapshot_id
    linked = f'href="/reports/snapshots/{snapshot_id}"' in page
    assert linked == ("reports.snapshot" in app.view_functions)


def test_completing_the_task_records_the_judgement(app, alert, web_engine):
    alert_id, task = alert
    wang = client_for(app, "wang", COUNTY_CENTER, region=COUNTY)
    form = {"judgement": "漏水纠纷集中在老旧小区", "measures": "排查管道"}
    form["assign_township"] = "true"
    refused = wang.post(f"/tasks/{task.id}", data=form)
    assert refused.status_code == 422 and "办理时限" in refused.get_data(as_text=True)
    done = wang.post(f"/tasks/{task.id}", data={**form, "assign_days": "2"})
    assert done.status_code == 302
    with web_engine.session_factory() as session:
        row = session.get(RiskAlert, alert_id)
        assert (row.judgement, row.measures, row.handled_by) == (
            "漏水纠纷集中在老旧小区",
            "排查管道",
            "wang",
        )
        assert row.assigned_to == "各乡镇（街道）" and row.assigned_due_at is not None
    page = wang.get("/tasks/").get_data(as_text=True)
    assert _rows(page) == []
    message = re.sub(r"<[^>]+>", "", page[page.index('class="handon"') :].split("</p>")[0])
    assert "已提交：研判风险预警。" in message and "已办结，无后续待办" in message
    assert "案件" not in message  # an alert has no case


def test_alert_and_case_tasks_share_the_list_its_order_count_and_pages(
    app, alert, web_engine, monkeypatch
):
    for i in range(3):
        received = receive(web_engine, name=f"人{i}")
        task = only_ready(web_engine, received.instance_id)
        set_due(web_engine, task.id, web_engine.clock.now() + timedelta(days=i + 1))
    monkeypatch.setattr(service, "PER_PAGE", 2)
    wang = client_for(app, "wang", COUNTY_CENTER, CENTER, region=COUNTY)
    first = wang.get("/tasks/").get_data(as_text=True)
    second = wang.get("/tasks/?page=2").get_data(as_text=True)
    assert "共 4 项" in first and "第 1 页 / 共 2 页" in first
    assert [len(_rows(first)), len(_rows(second))] == [2, 2]
    assert _rows(second)[-1].startswith("研判风险预警")  # no deadline: last by due
    for sort in ("received", "risk"):
        listed = _rows(wang.get(f"/tasks/?sort={sort}&page=2").get_data(as_text=True))
        assert listed[-1].startswith("研判风险预警"), sort
    assert "研判风险预警" not in wang.get("/tasks/?risk=黄").get_data(as_text=True)
    mine = client_for(app, "sun", COUNTY_CENTER, region=COUNTY)
    assert len(_rows(mine.get("/tasks/").get_data(as_text=True))) == 1
