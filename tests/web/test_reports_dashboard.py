"""领导驾驶舱: who may open it, what region each user sees and picks, the figures shown."""

from __future__ import annotations

import json
import re

import pytest
from markupsafe import escape

from processes.reports.metrics import FIGURES
from processes.reports.report import HEADLINE_KEYS
from tests.processes.conftest import COUNTY, TOWNSHIP, VILLAGE

from .reports_support import OTHER_TOWNSHIP, PARTY_NAME, PARTY_PHONE


def card(html: str, label: str) -> str:
    """The value shown on the headline card ``label``."""
    match = re.search(rf'<h2 class="kpi-label">{label}</h2>\s*<p class="kpi-value">([^<]*)', html)
    assert match, f"no card {label}"
    return match.group(1)


def kpi(html: str, key: str) -> str:
    """The whole headline card of figure ``key``."""
    match = re.search(rf'<article class="kpi[^"]*" data-key="{key}".*?</article>', html, re.S)
    assert match, f"no card {key}"
    return match.group(0)


def charts(html: str) -> dict:
    match = re.search(
        r'<script type="application/json" id="report-charts">(.*?)</script>', html, re.S
    )
    assert match, "the charts' data block is missing"
    return json.loads(match.group(1))


def test_the_county_sees_this_month_of_the_whole_county(figures, login_as):
    client = login_as("xian", "县综治中心", region=COUNTY)
    page = client.get("/reports/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "甘州区 · 2026年3月" in html
    assert card(html, "受理数") == "4"
    assert card(html, "化解数") == "2"
    assert card(html, "办结数") == "3"
    assert card(html, "超期在办") == "1"
    # 化解率 as published: GZ-0301, GZ-0302 resolved of the 4 received; 办结化解率 beside
    # it: of the 3 concluded (GZ-0304 guided); 调解成功率: GZ-0303 (诉调) still mediating
    assert card(html, "化解率") == "50.0%"
    assert card(html, "办结化解率") == "66.7%"
    assert card(html, "调解成功率") == "0.0%"
    assert card(html, "结案调解成功率") == "—"
    assert re.search(r'class="kpi kpi-secondary" data-key="resolution_rate"', html)
    # February's receipts were both resolved by the end of February: 100% -> -50 points
    assert "-50.0个百分点" in kpi(html, "received_resolution_rate")
    assert 'href="/cases/' in html and figures.overdue_code in html
    assert PARTY_NAME not in html and PARTY_PHONE not in html
    data = charts(html)
    assert sum(data["trend"]["received"]) >= 6
    assert data["region"]["labels"] == ["大满镇", "党寨镇"]
    assert {item["colour"]: item["value"] for item in data["risk"]} == {"红": 1, "黄": 0, "绿": 0}


def test_the_definitions_are_the_metric_functions_own(figures, login_as):
    client = login_as("xian", "县综治中心", region=COUNTY)
    html = client.get("/reports/").get_data(as_text=True)
    panel = re.search(
        r'<details class="card definitions" id="definitions".*?</details>', html, re.S
    )
    assert panel and "<summary>指标口径</summary>" in panel.group(0)
    terms = re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", panel.group(0))
    assert sorted(HEADLINE_KEYS) == sorted(FIGURES), "every figure is a card, once"
    figures = [FIGURES[key] for key in HEADLINE_KEYS]
    assert [label for label, _ in terms] == [figure.label for figure in figures]
    for (_, text), figure in zip(terms, figures, strict=True):
        assert text == str(escape(figure.definition))
    assert "本期受理的案件中，截至统计时点已化解的占比" in dict(terms)["化解率"]
    assert dict(terms)["办结化解率"].startswith("化解数 ÷ 办结数")
    # each card says its 口径 on hover
    assert f'title="{escape(FIGURES["resolution_rate"].definition)}"' in kpi(
        html, "resolution_rate"
    )


def test_a_township_user_sees_its_township_and_may_pick_only_below_it(figures, login_as):
    client = login_as("zhen", "镇综治中心", region=TOWNSHIP)
    html = client.get("/reports/").get_data(as_text=True)
    assert "大满镇 · 2026年3月" in html
    assert card(html, "受理数") == "3"
    options = re.findall(r'<option value="(\d+)"', html)
    assert set(options) == {TOWNSHIP, VILLAGE}, "grids are not offered, nor other areas"
    village = client.get(f"/reports/?region={VILLAGE}").get_data(as_text=True)
    assert card(village, "受理数") == "2", "the village and its grid"
    for outside in (COUNTY, OTHER_TOWNSHIP, "no-such-region"):
        assert client.get(f"/reports/?region={outside}").status_code == 404, outside
        assert client.get(f"/reports/export.xlsx?region={outside}").status_code == 404


def test_a_past_month_and_the_other_kinds(figures, login_as):
    client = login_as("xian", "县综治中心", region=COUNTY)
    february = client.get("/reports/?kind=month&date=2026-02-15").get_data(as_text=True)
    assert "甘州区 · 2026年2月" in february and card(february, "受理数") == "2"
    week = client.get("/reports/?kind=week&date=2026-03-04").get_data(as_text=True)
    assert "2026年第10周" in week and card(week, "受理数") == "4"
    day = client.get("/reports/?kind=day&date=2026-03-05").get_data(as_text=True)
    assert "2026年03月05日" in day and card(day, "受理数") == "1"
    quarter = client.get("/reports/?kind=quarter").get_data(as_text=True)
    assert "2026年第一季度" in quarter and card(quarter, "受理数") == "6"
    future = client.get("/reports/?kind=month&date=2027-01-01").get_data(as_text=True)
    assert "2026年3月" in future, "a day not yet come shows the current period"


@pytest.mark.parametrize("role", ["县综治中心", "镇综治中心", "镇党委政府", "包案领导", "督办员"])
def test_the_report_roles_open_it(figures, login_as, role):
    client = login_as("someone", role, region=COUNTY)
    assert client.get("/reports/").status_code == 200
    assert client.get("/reports/snapshots").status_code == 200


@pytest.mark.parametrize(
    "role", ["网格员", "村调委会", "部门", "调解员", "审计", "管理员", "流程设计"]
)
def test_other_roles_are_refused(figures, login_as, role):
    client = login_as("someone", role, region=COUNTY)
    assert client.get("/reports/").status_code == 403
    assert client.get("/reports/export.xlsx").status_code == 403
    assert client.get("/reports/snapshots").status_code == 403
