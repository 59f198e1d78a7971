"""案件查询: the case list in the user's region scope, search by code or party (shown
masked), filters by status, colour, channel and overdue, pages."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest

from engine import Actor
from processes.intake import receive_case
from processes.models import Case, Party, Region
from tests.conftest import MONDAY_9AM
from tests.processes.conftest import COUNTY, GRID, TOWNSHIP
from webapp.cases import service

CLERK = Actor.of("window.clerk", ["镇综治中心"])
OTHER_TOWNSHIP = "620702102"


def _matter(name: str, phone: str, **changes) -> dict:
    return {
        "channel": "窗口",
        "dispute_type": "02",
        "summary": f"{name}与邻居因排水沟堵塞发生争执",
        "region_code": GRID,
        "risk_colour": "黄",
        "parties": [
            {"role": "申请人", "name": name, "phone": phone},
            {"role": "被申请人", "name": "邻居甲"},
        ],
        **changes,
    }


@pytest.fixture
def cases(web_engine):
    """Three cases in 大满镇 and one in 梁家墩镇."""
    with web_engine.session_factory() as session:
        session.add(
            Region(
                code=OTHER_TOWNSHIP, name="梁家墩镇", level="镇", parent_code=COUNTY, active=True
            )
        )
        session.commit()
    made = {
        "zhang": receive_case(web_engine, _matter("张三丰", "13812345678"), actor=CLERK),
        "wang": receive_case(
            web_engine,
            _matter("王五", "13900001111", risk_colour="红", channel="网格上报"),
            actor=CLERK,
        ),
        "zhao": receive_case(web_engine, _matter("赵六", "13700002222"), actor=CLERK),
        "far": receive_case(
            web_engine,
            _matter("孙七", "13600003333", region_code=OTHER_TOWNSHIP),
            actor=CLERK,
        ),
    }
    return made


def codes(response) -> list[str]:
    return re.findall(r'class="case-code" href="/cases/\d+">([^<]+)<', response.get_data(True))


def test_the_list_shows_the_region_s_cases_with_parties_masked(cases, login_as):
    client = login_as("li", "镇综治中心", region=TOWNSHIP)

    response = client.get("/cases")
    html = response.get_data(as_text=True)

    assert response.status_code == 200
    assert sorted(codes(response)) == sorted(cases[k].code for k in ("zhang", "wang", "zhao"))
    assert "张** 138****5678" in html and "等 2 人" in html
    assert "张三丰" not in html and "13812345678" not in html and "孙*" not in html


def test_the_county_and_unrestricted_users_see_every_region(cases, login_as, client):
    login_as("xian", "县综治中心", region=COUNTY)
    assert len(codes(client.get("/cases"))) == 4
    client.post("/logout")
    login_as("shen", "审计")
    assert len(codes(client.get("/cases"))) == 4


def test_search_by_code_party_name_or_phone(cases, login_as):
    client = login_as("li", "镇综治中心", region=TOWNSHIP)
    zhang = cases["zhang"].code

    assert codes(client.get("/cases", query_string={"q": zhang})) == [zhang]
    assert zhang in codes(client.get("/cases", query_string={"q": zhang[-4:]}))
    assert codes(client.get("/cases", query_string={"q": "张三"})) == [zhang]
    assert codes(client.get("/cases", query_string={"q": "13812345678"})) == [zhang]
    assert codes(client.get("/cases", query_string={"q": "5678"})) == [zhang]
    assert codes(client.get("/cases", query_string={"q": "孙七"})) == []  # another township
    empty = client.get("/cases", query_string={"q": "无此人"}).get_data(as_text=True)
    assert "没有符合条件的案件" in empty


def test_filters_by_status_colour_channel_and_overdue(cases, login_as, web_engine):
    client = login_as("li", "镇综治中心", region=TOWNSHIP)
    wang, zhao = cases["wang"].code, cases["zhao"].code

    assert codes(client.get("/cases", query_string={"risk": "红"})) == [wang]
    assert codes(client.get("/cases", query_string={"channel": "网格上报"})) == [wang]
    assert len(codes(client.get("/cases", query_string={"status": "已受理"}))) == 3
    assert codes(client.get("/cases", query_string={"status": "办理中"})) == []
    assert codes(client.get("/cases", query_string={"overdue": "1"})) == []

    with web_engine.session_factory() as session:
        case = session.get(Case, cases["zhao"].case_id)
        case.status, case.due_at = "办理中", MONDAY_9AM - timedelta(days=3)
        session.commit()
    assert codes(client.get("/cases", query_string={"overdue": "1"})) == [zhao]
    assert codes(client.get("/cases", query_string={"status": "办理中"})) == [zhao]
    html = client.get("/cases", query_string={"status": "办理中"}).get_data(as_text=True)
    assert "due-overdue" in html
    # an unknown value is ignored, not an error
    assert len(codes(client.get("/cases", query_string={"risk": "紫", "page": "x"}))) == 3


def test_pages_of_twenty_newest_first(web_engine, login_as, clock):
    with web_engine.session_factory() as session:
        for n in range(25):
            session.add(
                Case(
                    code=f"{GRID}-20260302-{n + 1:04d}",
                    channel="窗口",
                    dispute_type="02",
                    summary="批量案件",
                    region_code=GRID,
                    risk_colour="绿",
                    received_at=MONDAY_9AM + timedelta(minutes=n),
                    received_by="window.clerk",
                    parties=[Party(role="申请人", name=f"甲{n}", phone=f"1380000{n:04d}")],
                )
            )
        session.commit()
    client = login_as("li", "镇综治中心", region=TOWNSHIP)

    first = client.get("/cases")
    second = client.get(link(first, "next"))
    by_number = client.get("/cases", query_string={"page": 2})  # an address typed by hand

    assert len(codes(first)) == 20 and codes(first)[0].endswith("-0025")
    assert len(codes(second)) == 5 and codes(second)[-1].endswith("-0001")
    assert codes(by_number) == codes(second)
    assert "共 <strong>25</strong> 件" in first.get_data(as_text=True)
    assert "第 2/2 页" in second.get_data(as_text=True)
    assert codes(client.get(link(second, "prev"))) == codes(first)


def link(response, rel: str) -> str:
    """The page's 上一页 (``prev``) or 下一页 (``next``) address."""
    found = re.search(rf'href="([^"]+)" rel="{rel}"', response.get_data(as_text=True))
    assert found, f"no {rel} link"
    return html.unescape(found.group(1))


def test_seek_pages_keep_their_place_when_newer_cases_arrive(web_engine, login_as, monkeypatch):
    """下一页 reads on from the last case shown: a case received meanwhile does not push the
    next page's first case back onto it (an offset would show it twice)."""
    monkeypatch.setattr(service, "PER_PAGE", 2)
    with web_engine.session_factory() as session:
        for n in range(5):
            session.add(_bulk_case(n))
        session.commit()
    client = login_as("li", "镇综治中心", region=TOWNSHIP)
    first = client.get("/cases")
    with web_engine.session_factory() as session:
        session.add(_bulk_case(9))  # the newest of all
        session.commit()

    second = client.get(link(first, "next"))
    third = client.get(link(second, "next"))

    assert [c[-4:] for c in codes(first)] == ["0005", "0004"]
    assert [c[-4:] for c in codes(second)] == ["0003", "0002"]
    assert [c[-4:] for c in codes(third)] == ["0001"] and 'rel="next"' not in third.get_data(
        as_text=True
    )
    back = client.get(link(third, "prev"))
    assert [c[-4:] for c in codes(back)] == ["0003", "0002"]


def _bulk_case(n: int) -> Case:
    return Case(
        code=f"{GRID}-20260302-{n + 1:04d}",
        channel="窗口",
        dispute_type="02",
        summary="批量案件",
        region_code=GRID,
        risk_colour="绿",
        received_at=MONDAY_9AM + timedelta(minutes=n),
        received_by="window.clerk",
        parties=[Party(role="申请人", name=f"甲{n}", phone=f"1380000{n:04d}")],
    )


def test_roles_outside_case_work_are_refused(web_engine, login_as):
    client = login_as("she", "流程设计")
    assert client.get("/cases").status_code == 403


def test_past_the_count_cap_the_list_says_so_and_still_pages(cases, login_as, monkeypatch):
    monkeypatch.setattr(service, "COUNT_CAP", 2)
    monkeypatch.setattr(service, "PER_PAGE", 1)
    client = login_as("xian", "县综治中心", region=COUNTY)

    first = client.get("/cases").get_data(as_text=True)
    last = client.get("/cases", query_string={"page": 4})

    assert "共 <strong>2+</strong> 件案件，第 1 页。" in first
    assert re.search(r'href="/cases\?page=2&amp;after=[\w-]+" rel="next"', first)
    assert codes(last) == [cases["zhang"].code]  # the oldest of four, newest first
    assert 'rel="next"' not in last.get_data(as_text=True)
    assert "共 <strong>2+</strong> 件" in last.get_data(as_text=True)
