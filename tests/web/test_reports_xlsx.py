"""The workbooks: the dashboard's and a report's, read back with openpyxl: every sheet,
the figures with their numerators and denominators, percentages as Excel percentages, the
definitions and the moment, and no personal data anywhere."""

from __future__ import annotations

import io
from datetime import date
from urllib.parse import quote

import pytest
from openpyxl import load_workbook
from sqlalchemy import update

from engine.db import db
from processes.models import Region
from processes.reports.metrics import FIGURES
from processes.reports.periods import Period, PeriodKind
from processes.reports.snapshots import issue_snapshot
from tests.processes.conftest import COUNTY, TOWNSHIP
from webapp.reports.definitions import PUBLISHED_NOTE

from .reports_support import NOW, PARTY_ID, PARTY_NAME, PARTY_PHONE

SHEETS = ["概况", "分类统计", "三调对接", "风险热点", "超期清单", "趋势", "说明"]


def workbook(response):
    assert response.status_code == 200, response.status_code
    return load_workbook(io.BytesIO(response.data))


def rows_by_first_cell(sheet) -> dict:
    return {row[0].value: row for row in sheet.iter_rows() if row[0].value is not None}


def every_text(book) -> str:
    return " ".join(
        str(cell.value)
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    )


def test_the_dashboard_workbook_holds_the_figures_shown(figures, login_as):
    client = login_as("xian", "县综治中心", region=COUNTY)
    response = client.get("/reports/export.xlsx?region=620702&kind=month&date=2026-03-20")
    disposition = response.headers["Content-Disposition"]
    assert f"filename*=UTF-8''{quote('月总结_甘州区_2026年3月.xlsx')}" in disposition
    book = workbook(response)
    assert book.sheetnames == SHEETS

    overview = rows_by_first_cell(book["概况"])
    assert overview["甘州区2026年3月月总结"][0].value == "甘州区2026年3月月总结"
    received = overview["受理数"]
    assert [c.value for c in received[:4]] == ["受理数", "件", 4, 2]
    assert received[4].value == pytest.approx(1.0) and "%" in received[4].number_format
    # 化解率 as published: 2 of the 4 received resolved; February 2 of 2: -50 points
    rate = overview["化解率"]
    assert rate[2].value == pytest.approx(2 / 4)
    assert rate[2].number_format == "0.0%"
    assert (rate[7].value, rate[8].value) == (2, 4), "numerator and denominator"
    assert rate[4].value == pytest.approx(-50.0) and "个百分点" in rate[4].number_format
    concluded = overview["办结化解率"]  # 化解数 / 办结数
    assert concluded[2].value == pytest.approx(2 / 3)
    assert (concluded[7].value, concluded[8].value) == (2, 3)
    assert "个百分点" in concluded[4].number_format
    mediation = overview["调解成功率"]  # GZ-0303 (诉调) received, no agreement yet
    assert (mediation[2].value, mediation[7].value, mediation[8].value) == (0.0, 0, 1)
    assert overview["结案调解成功率"][2].value is None
    assert overview["平均办理时长"][2].value == pytest.approx(3.0)

    breakdowns = [c.value for c in book["分类统计"]["A"]]
    for title in ("按纠纷类型", "按来源渠道", "按化解层级（本期化解的案件）", "按下级区域"):
        assert title in breakdowns
    regions = rows_by_first_cell(book["分类统计"])
    assert regions["项目"][4].value == "化解率" and regions["项目"][5].value == "办结化解率"
    # 大满镇: 3 received, 2 concluded, 2 resolved; 化解率 2 / 3, 办结化解率 2 / 2
    assert [c.value for c in regions["大满镇"][:4]] == ["大满镇", 3, 2, 2]
    assert regions["大满镇"][4].value == pytest.approx(2 / 3)
    assert regions["大满镇"][5].value == pytest.approx(1.0)
    assert regions["大满镇"][4].number_format == "0.0%"

    handoffs = rows_by_first_cell(book["三调对接"])
    assert [c.value for c in handoffs["对接类型"][5:]] == [
        "化解率", "化解率分子", "化解率分母", "办结化解率", "办结化解率分子", "办结化解率分母",
        "调解成功率", "调解成功率分子", "调解成功率分母",
        "结案调解成功率", "结案调解成功率分子", "结案调解成功率分母",
        "诉前分流率", "诉前分流率分子", "诉前分流率分母",
    ]  # fmt: skip
    court = [c.value for c in handoffs["诉调"]]
    assert court[:5] == ["诉调", 1, 0, 0, 0]
    assert court[5:8] == [0.0, 0, 1], "化解率: GZ-0303 pushed, not resolved"
    assert court[11:14] == [0.0, 0, 1], "调解成功率: no agreement yet"
    assert court[14:17] == [None, 0, 0], "结案调解成功率: no mediation concluded"
    assert handoffs["诉调"][11].number_format == "0.0%"
    hotspots = rows_by_first_cell(book["风险热点"])
    assert hotspots["红色"][1].value == 1
    assert [c.value for c in hotspots["邻里纠纷"][:4]] == ["邻里纠纷", 2, 1, 1]

    overdue = list(book["超期清单"].iter_rows(values_only=True))
    assert overdue[1][:6] == (
        "GZ-0303",
        "合同纠纷",
        "大满镇",
        "调解员",
        "大满镇人民调解委员会",
        "红",
    )
    assert overdue[1][6] == "2026-03-12 18:00"

    trend = list(book["趋势"].iter_rows(values_only=True))
    assert len(trend) == 13 and trend[-1][:5] == ("2026年3月", "2026-03-01", "2026-03-31", 4, 2)
    assert trend[0][5:] == ("化解率", "办结化解率")
    assert trend[-1][5:] == (pytest.approx(2 / 4), pytest.approx(2 / 3))

    notes = rows_by_first_cell(book["说明"])
    assert notes["统计时点"][1].value == "2026-03-20 10:00:00（北京时间）"
    assert "本期受理的案件中，截至统计时点已化解的占比" in notes["化解率"][1].value
    assert notes["办结化解率"][1].value == FIGURES["resolution_rate"].definition
    assert notes["调解成功率"][1].value == FIGURES["received_mediation_success_rate"].definition
    assert notes["结案调解成功率"][1].value == FIGURES["mediation_success_rate"].definition
    said = [row[1] for row in book["说明"].iter_rows(values_only=True) if row[0] == "说明"]
    assert said[0] == PUBLISHED_NOTE
    text = every_text(book)
    for personal in (PARTY_NAME, PARTY_PHONE, PARTY_ID):
        assert personal not in text


def test_a_report_workbook_says_how_it_was_issued(app, figures, login_as):
    with app.app_context():
        row = issue_snapshot(
            db.session,
            kind=PeriodKind.WEEK,
            region_code=TOWNSHIP,
            period=Period.containing(PeriodKind.WEEK, date(2026, 3, 4)),
            as_of=NOW,
            issued_by="定时任务",
            scheduled=True,
        )
        db.session.commit()
        snapshot_id, content_hash = row.id, row.content_hash
        db.session.remove()
    client = login_as("zhen", "镇综治中心", region=TOWNSHIP)
    response = client.get(f"/reports/snapshots/{snapshot_id}.xlsx")
    name = "周研判_大满镇_2026年第10周（03月02日—03月08日）.xlsx"
    assert f"filename*=UTF-8''{quote(name)}" in response.headers["Content-Disposition"]
    book = workbook(response)
    notes = rows_by_first_cell(book["说明"])
    assert notes["生成方式"][1].value == "定时生成"
    assert notes["内容哈希"][1].value == content_hash
    assert notes["报表编号"][1].value == str(snapshot_id)
    assert rows_by_first_cell(book["概况"])["受理数"][2].value == 3
    assert PARTY_NAME not in every_text(book)


def test_a_name_that_looks_like_a_formula_stays_text(app, figures, login_as):
    """An area an admin named ``=HYPERLINK(…)`` is written as text, never run by Excel."""
    hostile = '=HYPERLINK("http://evil.example/","甘州区")'
    with app.app_context():
        db.session.execute(update(Region).where(Region.code == COUNTY).values(name=hostile))
        db.session.commit()
        db.session.remove()
    client = login_as("xian", "县综治中心", region=COUNTY)
    book = workbook(client.get("/reports/export.xlsx?region=620702&kind=month&date=2026-03-20"))
    cells = [cell for row in book["概况"].iter_rows() for cell in row if cell.value == hostile]
    assert cells, "the area's name is in the workbook"
    assert all(cell.data_type == "s" for cell in cells), [c.data_type for c in cells]
