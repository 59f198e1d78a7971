"""法院收案数: the county center enters the court's monthly civil filings, each change is
an operation-log entry, a wrong entry names its field, and the figure feeds 诉前分流率."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from engine.db import db
from processes.models import CourtFiling
from tests.processes.conftest import COUNTY, TOWNSHIP, operation_log

from .test_reports_dashboard import card


def filings(app) -> list[tuple[str, date, int, str]]:
    with app.app_context():
        rows = db.session.execute(
            select(
                CourtFiling.region_code,
                CourtFiling.month,
                CourtFiling.civil_cases,
                CourtFiling.entered_by,
            ).order_by(CourtFiling.month)
        ).all()
        db.session.remove()
    return [tuple(row) for row in rows]


def changes(app) -> list[dict]:
    with app.app_context():
        logged = [
            (event.actor, event.data) for event in operation_log(db.session, "court_filing_changed")
        ]
        db.session.remove()
    return logged


def test_the_county_enters_and_corrects_a_month(app, figures, login_as):
    client = login_as("xian", "县综治中心", region=COUNTY)
    page = client.get("/reports/court-filings").get_data(as_text=True)
    assert "法院收案数" in page and "甘州区" in page

    entered = client.post(
        "/reports/court-filings",
        data={"region": COUNTY, "month": "2026-02", "civil_cases": "20"},
        follow_redirects=True,
    )
    assert "已录入甘州区 2026年2月一审民事收案数：20 件" in entered.get_data(as_text=True)
    corrected = client.post(
        "/reports/court-filings",
        data={"region": COUNTY, "month": "2026-02", "civil_cases": "25"},
        follow_redirects=True,
    )
    assert "由 20 件改为 25 件" in corrected.get_data(as_text=True)
    same = client.post(
        "/reports/court-filings",
        data={"region": COUNTY, "month": "2026-2", "civil_cases": "25"},
        follow_redirects=True,
    )
    assert "仍为 25 件，未作修改" in same.get_data(as_text=True)

    assert filings(app) == [(COUNTY, date(2026, 2, 1), 25, "xian")]
    assert changes(app) == [
        ("xian", {"region": COUNTY, "month": "2026-02", "before": None, "after": 20}),
        ("xian", {"region": COUNTY, "month": "2026-02", "before": 20, "after": 25}),
    ]
    year = client.get("/reports/court-filings?year=2026").get_data(as_text=True)
    assert ">25</span>" in year


def test_the_figure_gives_the_diversion_rate(app, figures, login_as):
    client = login_as("xian", "县综治中心", region=COUNTY)
    february = "/reports/?region=620702&kind=month&date=2026-02-01"
    before = client.get(february).get_data(as_text=True)
    assert card(before, "诉前分流率") == "—"
    assert 'href="/reports/court-filings">录入法院收案数</a>' in before
    client.post(
        "/reports/court-filings", data={"region": COUNTY, "month": "2026-02", "civil_cases": "20"}
    )
    html = client.get(february).get_data(as_text=True)
    assert card(html, "诉前分流率") == "5.0%", "one 诉调 case of 20 filings"


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        (
            {"region": TOWNSHIP, "month": "2026-02", "civil_cases": "5"},
            "region",
            "区域：请选择本辖区内的县（区）",
        ),
        (
            {"region": COUNTY, "month": "2026-13", "civil_cases": "5"},
            "month",
            "月份：请按“年-月”填写",
        ),
        ({"region": COUNTY, "month": "二月", "civil_cases": "5"}, "month", "月份：请按“年-月”填写"),
        ({"region": COUNTY, "month": "2026-04", "civil_cases": "5"}, "month", "月份：不能晚于本月"),
        (
            {"region": COUNTY, "month": "1999-12", "civil_cases": "5"},
            "month",
            "月份：不能早于 2000 年",
        ),
        (
            {"region": COUNTY, "month": "2026-02", "civil_cases": "-5"},
            "civil_cases",
            "一审民事收案数：请填写 0 到",
        ),
        (
            {"region": COUNTY, "month": "2026-02", "civil_cases": "12.5"},
            "civil_cases",
            "之间的整数",
        ),
        ({"region": COUNTY, "month": "2026-02", "civil_cases": ""}, "civil_cases", "之间的整数"),
    ],
)
def test_a_wrong_entry_names_its_field(app, figures, login_as, form, field, message):
    client = login_as("xian", "县综治中心", region=COUNTY)
    response = client.post("/reports/court-filings", data=form)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    assert f'aria-describedby="err-{field}"' in html
    assert filings(app) == [] and changes(app) == []


@pytest.mark.parametrize("role", ["镇综治中心", "镇党委政府", "包案领导", "督办员", "审计"])
def test_only_the_county_center_enters_figures(app, figures, login_as, role):
    client = login_as("someone", role, region=COUNTY)
    assert client.get("/reports/court-filings").status_code == 403
    data = {"region": COUNTY, "month": "2026-02", "civil_cases": "5"}
    assert client.post("/reports/court-filings", data=data).status_code == 403
    if role != "审计":
        dashboard = client.get("/reports/").get_data(as_text=True)
        assert 'href="/reports/court-filings"' not in dashboard, "no tab they cannot open"
    assert filings(app) == []
