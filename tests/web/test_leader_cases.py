"""我包案的案件: a 包案领导 sees the cases naming them 包案领导 or 牵头领导 (and only those),
overdue first then by deadline, with the current level, holder and deadline badge,
parties masked, paged."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest

from engine.db import db
from processes.models import Case, Party
from tests.conftest import CST, MONDAY_9AM
from tests.processes.conftest import COUNTY, GRID, TOWNSHIP, VILLAGE

LEADER = "包案领导"


def add_case(app, code: str, *, received: int = 0, **fields) -> int:
    """A case row in 大满村 received ``received`` hours after Monday 9:00."""
    values = {
        "channel": "窗口",
        "dispute_type": "02",
        "summary": "张三丰与邻居因排水沟堵塞发生争执",
        "region_code": GRID,
        "risk_colour": "黄",
        "status": "办理中",
        "level": "村调委会",
        **fields,
    }
    with app.app_context():
        case = Case(
            code=code,
            received_at=MONDAY_9AM + timedelta(hours=received),
            received_by="clerk",
            parties=[Party(role="申请人", name="张三丰", phone="13812345678")],
            **values,
        )
        db.session.add(case)
        db.session.commit()
        return case.id


def codes(response) -> list[str]:
    return re.findall(r'class="case-code" href="/cases/\d+">([^<]+)<', response.get_data(True))


@pytest.fixture
def leader_cases(app, web_engine, clock):
    """The clock is Wednesday 3/4 10:00; ``bao``'s cases, and others'."""
    clock.set(datetime(2026, 3, 4, 10, 0, tzinfo=CST))
    due = datetime(2026, 3, 9, 23, 59, 59, tzinfo=CST)
    late = datetime(2026, 3, 3, 23, 59, 59, tzinfo=CST)
    add_case(app, "A-soon", case_leader="bao", due_at=due, risk_colour="红")
    add_case(app, "B-late", lead_leader="bao", due_at=late, level="中心吹哨", owner_unit="民政局")
    add_case(app, "C-typed", case_leader="测试bao", level=None, status="已受理")
    add_case(app, "D-sooner", case_leader="bao", due_at=due - timedelta(days=2))
    add_case(app, "E-closed", case_leader="bao", status="已结案", due_at=None, received=1)
    add_case(app, "F-flagged", case_leader="bao", lead_leader="bao", due_at=due, overdue=True)
    add_case(app, "X-other", case_leader="li", lead_leader="zhou", due_at=late)


def test_a_leader_sees_their_cases_overdue_first_then_by_deadline(leader_cases, login_as):
    client = login_as("bao", LEADER, region=COUNTY)

    response = client.get("/leader")
    html = response.get_data(as_text=True)

    assert response.status_code == 200
    assert codes(response) == ["B-late", "F-flagged", "D-sooner", "A-soon", "C-typed", "E-closed"]
    assert '共 <strong>6</strong> 件，其中 <strong class="late-count">2</strong> 件已超期' in html
    assert "X-other" not in html


def test_each_row_shows_level_holder_deadline_and_role_with_parties_masked(leader_cases, login_as):
    client = login_as("bao", LEADER, region=COUNTY)

    html = client.get("/leader").get_data(as_text=True)
    rows = {code: row for code, row in _rows(html)}

    assert "已超期 1 个工作日" in rows["B-late"] and "民政局" in rows["B-late"]
    assert "中心吹哨" in rows["B-late"] and "牵头领导" in rows["B-late"]
    assert "大满村调委会" in rows["A-soon"] and "红色" in rows["A-soon"]
    assert "剩余 3 个工作日" in rows["A-soon"] and "包案领导" in rows["A-soon"]
    assert "包案领导、牵头领导" in rows["F-flagged"] and "已超期" in rows["F-flagged"]
    assert "待分流" in rows["C-typed"] and "无时限" in rows["C-typed"]
    assert "张** 138****5678" in html and "张**与邻居" in html
    assert "张三丰" not in html and "13812345678" not in html


def _rows(html: str) -> list[tuple[str, str]]:
    found = re.findall(r"<tr[^>]*>(.*?)</tr>", html, flags=re.S)
    return [
        (re.search(r'class="case-code"[^>]*>([^<]+)<', row).group(1), row)
        for row in found
        if "case-code" in row
    ]


def test_a_typed_name_counts_only_inside_the_leader_s_area(app, leader_cases, login_as):
    add_case(app, "T-town", case_leader="测试wu", region_code=TOWNSHIP)
    add_case(app, "V-village", lead_leader="测试wu", region_code=VILLAGE)
    add_case(app, "O-out", case_leader="测试wu", region_code=COUNTY)
    client = login_as("wu", LEADER, region=TOWNSHIP)

    assert sorted(codes(client.get("/leader"))) == ["T-town", "V-village"]


def test_another_leader_sees_none_of_them(leader_cases, login_as):
    client = login_as("zhao", LEADER, region=COUNTY)

    html = client.get("/leader").get_data(as_text=True)

    assert codes_of(html) == []
    assert "暂无由您包案或牵头的案件" in html


def codes_of(html: str) -> list[str]:
    return re.findall(r'class="case-code" href="/cases/\d+">([^<]+)<', html)


def test_the_list_pages_by_twenty(app, web_engine, clock, login_as):
    for number in range(23):
        due = MONDAY_9AM + timedelta(days=3, hours=number)
        add_case(app, f"P-{number:02d}", case_leader="bao", due_at=due)
    client = login_as("bao", LEADER, region=COUNTY)

    first = client.get("/leader")
    second = client.get("/leader?page=2")

    assert codes(first) == [f"P-{n:02d}" for n in range(20)]
    assert codes(second) == ["P-20", "P-21", "P-22"]
    assert "第 2/2 页" in second.get_data(as_text=True)
    assert 'href="/leader?page=1" rel="prev"' in second.get_data(as_text=True)


def test_the_menu_offers_the_page_to_leaders_only(web_engine, app, client, login_as):
    login_as("bao", LEADER, region=COUNTY)
    assert 'href="/leader"' in client.get("/").get_data(as_text=True)
    client.post("/logout")
    login_as("li", "镇综治中心", region=TOWNSHIP)
    assert 'href="/leader"' not in client.get("/").get_data(as_text=True)
    assert client.get("/leader").status_code == 403
