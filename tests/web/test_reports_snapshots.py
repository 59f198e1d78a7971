"""报表: the issued reports a user may list and open, issuing one on demand (checked, one
transaction, logged), and a report's figures staying what they were when issued."""

from __future__ import annotations

import copy
import io
import re
from datetime import date
from urllib.parse import quote

import pytest
from markupsafe import escape
from openpyxl import load_workbook
from sqlalchemy import func, select

from engine.db import db
from processes.models import ReportSnapshot
from processes.reports.metrics import FIGURES
from processes.reports.periods import Period, PeriodKind
from processes.reports.report import build_report
from processes.reports.snapshots import content_hash, issue_snapshot
from tests.processes.conftest import COUNTY, TOWNSHIP, operation_log

from .reports_support import NOW, OTHER_TOWNSHIP, PARTY_NAME, add_case, at
from .test_reports_dashboard import card

MARCH = Period.containing(PeriodKind.MONTH, date(2026, 3, 1))
FEBRUARY = Period.containing(PeriodKind.MONTH, date(2026, 2, 1))


def issue(app, region: str, period: Period, *, scheduled: bool = True) -> int:
    with app.app_context():
        row = issue_snapshot(
            db.session,
            kind=period.kind,
            region_code=region,
            period=period,
            as_of=NOW,
            issued_by="定时任务" if scheduled else "someone",
            scheduled=scheduled,
        )
        db.session.commit()
        snapshot_id = row.id
        db.session.remove()
    return snapshot_id


def snapshot_count(app) -> int:
    with app.app_context():
        count = db.session.scalar(select(func.count(ReportSnapshot.id)))
        db.session.remove()
    return count


def test_a_township_lists_and_opens_only_its_own_reports(app, figures, login_as):
    own = issue(app, TOWNSHIP, FEBRUARY)
    county = issue(app, COUNTY, FEBRUARY)
    other = issue(app, OTHER_TOWNSHIP, FEBRUARY)
    client = login_as("zhen", "镇综治中心", region=TOWNSHIP)

    listing = client.get("/reports/snapshots").get_data(as_text=True)
    assert f"/reports/snapshots/{own}" in listing
    assert f"/reports/snapshots/{county}" not in listing
    assert f"/reports/snapshots/{other}" not in listing
    assert "共 1 份报表" in listing

    page = client.get(f"/reports/snapshots/{own}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "大满镇2026年2月月总结" in html and "定时生成" in html
    for route in ("", "/print", ".xlsx"):
        for refused in (county, other, 999_999):
            url = f"/reports/snapshots/{refused}{route}"
            assert client.get(url).status_code == 404, url


def test_the_list_filters_by_kind_region_and_day_newest_first(app, figures, login_as):
    march = issue(app, COUNTY, MARCH, scheduled=False)
    february = issue(app, COUNTY, FEBRUARY)
    week = issue(app, TOWNSHIP, Period.containing(PeriodKind.WEEK, date(2026, 3, 4)))
    client = login_as("xian", "县综治中心", region=COUNTY)

    def listed(query: str = "") -> list[int]:
        html = client.get(f"/reports/snapshots{query}").get_data(as_text=True)
        return [int(found) for found in re.findall(r'href="/reports/snapshots/(\d+)"', html)]

    assert listed() == [week, february, march], "newest issued first"
    assert listed("?kind=月总结") == [february, march]
    assert listed(f"?region={TOWNSHIP}") == [week]
    assert listed("?date=2026-03-05") == [week, march]
    assert listed(f"?region={OTHER_TOWNSHIP}&kind=季汇报") == [], "nothing issued there"
    assert listed("?kind=nonsense") == [week, february, march], "an unknown value is dropped"


def test_issuing_on_demand_stores_a_report_and_logs_it(app, figures, login_as):
    client = login_as("zhen", "镇综治中心", region=TOWNSHIP)
    form = {"region": TOWNSHIP, "kind": "month", "date": "2026-03-11"}
    response = client.post("/reports/snapshots", data=form)
    assert response.status_code == 302
    snapshot_id = int(response.location.rsplit("/", 1)[1])
    with app.app_context():
        row = db.session.get(ReportSnapshot, snapshot_id)
        assert (row.kind, row.region_code, row.first, row.last) == (
            "月总结",
            TOWNSHIP,
            date(2026, 3, 1),
            date(2026, 3, 31),
        )
        assert (row.scheduled, row.issued_by) == (False, "zhen")
        [logged] = operation_log(db.session, "report_issued")
        assert logged.actor == "zhen" and logged.data["snapshot_id"] == snapshot_id
        db.session.remove()
    html = client.get(response.location).get_data(as_text=True)
    assert "已生成大满镇2026年3月报表" in html
    assert "按需生成（zhen）" in html and card(html, "受理数") == "3"
    assert PARTY_NAME not in html


def test_a_custom_range_is_issued_as_按需(app, figures, login_as):
    client = login_as("xian", "县综治中心", region=COUNTY)
    form = {"region": COUNTY, "kind": "custom", "first": "2026-02-10", "last": "2026-03-04"}
    response = client.post("/reports/snapshots", data=form)
    assert response.status_code == 302
    html = client.get(response.location).get_data(as_text=True)
    assert "甘州区2026年02月10日—2026年03月04日按需" in html
    assert card(html, "受理数") == "4"


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"region": OTHER_TOWNSHIP, "kind": "month", "date": "2026-03-01"}, "区域：请选择本辖区"),
        ({"region": COUNTY, "kind": "month", "date": "2026-03-01"}, "区域：请选择本辖区"),
        ({"region": TOWNSHIP, "kind": "year", "date": "2026-03-01"}, "报表类型：请选择"),
        ({"region": TOWNSHIP, "kind": "week", "date": ""}, "日期：请选择报表周期内的任意一天"),
        ({"region": TOWNSHIP, "kind": "day", "date": "2026-04-01"}, "日期：不能晚于今天"),
        ({"region": TOWNSHIP, "kind": "custom", "first": "2026-03-05"}, "结束日期：请选择"),
        (
            {"region": TOWNSHIP, "kind": "custom", "first": "2026-03-05", "last": "2026-03-01"},
            "结束日期：不能早于开始日期",
        ),
        (
            {"region": TOWNSHIP, "kind": "custom", "first": "2024-01-01", "last": "2026-03-01"},
            "结束日期：自定义时段最长 366 天",
        ),
    ],
)
def test_a_wrong_request_is_refused_with_the_field_named(app, figures, login_as, form, message):
    client = login_as("zhen", "镇综治中心", region=TOWNSHIP)
    response = client.post("/reports/snapshots", data=form)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html and 'aria-invalid="true"' in html
    assert snapshot_count(app) == 0


def test_a_report_keeps_the_figures_it_was_issued_with(app, figures, login_as):
    snapshot_id = issue(app, COUNTY, MARCH)
    with app.app_context():
        add_case(db.session, "GZ-0320", at(3, 16))
        db.session.commit()
        db.session.remove()
    client = login_as("xian", "县综治中心", region=COUNTY)
    assert card(client.get("/reports/").get_data(as_text=True), "受理数") == "5"
    stored = client.get(f"/reports/snapshots/{snapshot_id}").get_data(as_text=True)
    assert card(stored, "受理数") == "4", "never recomputed"
    printed = client.get(f"/reports/snapshots/{snapshot_id}/print").get_data(as_text=True)
    assert card(printed, "受理数") == "4" and "打印 / 另存为 PDF" in printed
    assert "统计截至 2026-03-20 10:00" in printed


def test_the_print_version_and_workbook_are_named_for_the_report(app, figures, login_as):
    snapshot_id = issue(app, COUNTY, MARCH)
    client = login_as("xian", "县综治中心", region=COUNTY)
    printed = client.get(f"/reports/snapshots/{snapshot_id}/print").get_data(as_text=True)
    assert "<title>甘州区2026年3月月总结（打印版）" in printed
    assert 'class="site-header"' not in printed, "a page of its own, without the menu"
    assert '<details class="chart-table" open>' in printed, "tables unfolded for paper"
    workbook = client.get(f"/reports/snapshots/{snapshot_id}.xlsx")
    assert workbook.status_code == 200
    assert workbook.mimetype.endswith("spreadsheetml.sheet")
    disposition = workbook.headers["Content-Disposition"]
    assert f"filename*=UTF-8''{quote('月总结_甘州区_2026年3月.xlsx')}" in disposition


PUBLISHED_KEYS = ("received_resolution_rate", "received_mediation_success_rate")
OLD_LABELS = {"resolution_rate": "化解率", "mediation_success_rate": "调解成功率"}


def as_issued_before_the_published_rates(content: dict) -> dict:
    """A report as it was stored before 化解率 and 调解成功率 followed the published
    definitions: only the rates over concluded cases, under those two names."""
    old = copy.deepcopy(content)
    old["headline"] = [
        {**{k: v for k, v in item.items() if k != "variant_of"},
         "label": OLD_LABELS.get(item["key"], item["label"])}
        for item in old["headline"]
        if item["key"] not in PUBLISHED_KEYS
    ]  # fmt: skip
    rows = [
        old["rates"], *old["handoffs"], *old["trend"],
        *(row for rows in old["breakdowns"].values() for row in rows),
    ]  # fmt: skip
    for row in rows:
        for key in PUBLISHED_KEYS:
            row.pop(key, None)
    return old


def test_a_report_stored_before_keeps_its_figures_and_their_definitions(app, figures, login_as):
    with app.app_context():
        content = as_issued_before_the_published_rates(
            build_report(db.session, region_code=COUNTY, period=MARCH, as_of=NOW)
        )
        row = ReportSnapshot(
            kind=MARCH.kind.value, region_code=COUNTY, first=MARCH.first, last=MARCH.last,
            issued_at=NOW, issued_by="定时任务", scheduled=True, content=content,
            content_hash=content_hash(content),
        )  # fmt: skip
        db.session.add(row)
        db.session.commit()
        snapshot_id = row.id
        db.session.remove()
    client = login_as("xian", "县综治中心", region=COUNTY)
    page = client.get(f"/reports/snapshots/{snapshot_id}").get_data(as_text=True)
    # its 化解率 was 化解数 / 办结数 (2 / 3), and its 口径 still says so
    assert card(page, "化解率") == "66.7%"
    assert "办结化解率" not in re.sub(r'title="[^"]*"', "", page.split("指标口径")[0])
    definitions = dict(re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", page))
    assert definitions["化解率"] == str(escape(FIGURES["resolution_rate"].definition))
    assert definitions["调解成功率"] == str(escape(FIGURES["mediation_success_rate"].definition))
    assert "以本期受理的案件为分母" not in page
    book = load_workbook(io.BytesIO(client.get(f"/reports/snapshots/{snapshot_id}.xlsx").data))
    notes = {r[0]: r[1] for r in book["说明"].iter_rows(values_only=True) if r and r[0]}
    assert notes["化解率"] == FIGURES["resolution_rate"].definition
    overview = {r[0]: r for r in book["概况"].iter_rows(values_only=True) if r and r[0]}
    assert overview["化解率"][2] == pytest.approx(2 / 3) and "办结化解率" not in overview
