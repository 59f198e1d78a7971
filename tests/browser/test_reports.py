"""统计报表: the county center opens the dashboard over seeded cases, sees every chart
drawn, downloads the workbook and finds the page's figures in it, then issues a report on
demand and opens it and its print version."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from tests.processes.conftest import COUNTY
from tests.web.reports_support import PARTY_NAME, PARTY_PHONE

from .helpers import PHONE, follow, login, nav, shot

pytestmark = pytest.mark.browser

A4_WIDTH = {"width": 705, "height": 1000}
"""A4's printable width (210 mm less 12 mm margins) at 96 dpi: the print layout's width."""
CHARTS = ("trend", "type", "channel", "level", "region", "handoff", "risk")


def card_value(page, label: str) -> str:
    card = page.locator("article.kpi", has=page.get_by_role("heading", name=label, exact=True))
    return card.locator(".kpi-value").evaluate("el => el.firstChild.textContent").strip()


def drawn(page) -> dict[str, dict[str, float]]:
    """Per chart: its SVG's size and how many shapes it drew."""
    return page.evaluate(
        """names => Object.fromEntries(names.map(name => {
            const box = document.querySelector(`[data-chart="${name}"]`);
            const svg = box && box.querySelector('svg');
            return [name, svg ? {
                width: svg.getBoundingClientRect().width,
                height: svg.getBoundingClientRect().height,
                shapes: svg.querySelectorAll('path, rect').length,
                texts: svg.querySelectorAll('text').length,
            } : null];
        }))""",
        list(CHARTS),
    )


def assert_charts_drawn(page, *, min_width: float = 250) -> None:
    page.wait_for_selector('[data-chart="risk"][data-rendered="true"]')
    for name, chart in drawn(page).items():
        assert chart is not None, f"{name}: no SVG drawn"
        assert chart["shapes"] > 3 and chart["texts"] > 0, f"{name}: {chart}"
        assert chart["width"] >= min_width and chart["height"] >= 200, f"{name}: {chart}"


def assert_cards_laid_out(page, *, first_row: int) -> None:
    """Every headline card whole (nothing spilling out of it, none past the page's edge),
    ``first_row`` cards in the first row, and each published rate in one row with its
    second definition beside it (化解率 | 办结化解率, 调解成功率 | 结案调解成功率)."""
    boxes = page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('article.kpi')].map(card => {
            const box = card.getBoundingClientRect();
            const spill = [...card.querySelectorAll('*')].some(el => {
                const r = el.getBoundingClientRect();
                return r.right > box.right + 0.5 || r.bottom > box.bottom + 0.5;
            });
            return [card.dataset.key, {top: Math.round(box.top), left: box.left,
                                       right: box.right, spill: spill}];
        }))"""
    )
    assert len(boxes) == 13, list(boxes)
    assert not [key for key, box in boxes.items() if box["spill"]], "a card's text spills out"
    width = page.evaluate("document.documentElement.clientWidth")
    assert all(box["right"] <= width for box in boxes.values()), "a card runs off the page"
    first = boxes["received"]["top"]
    assert sum(box["top"] == first for box in boxes.values()) == first_row
    for published, second in (
        ("received_resolution_rate", "resolution_rate"),
        ("received_mediation_success_rate", "mediation_success_rate"),
    ):
        assert boxes[published]["top"] == boxes[second]["top"], (published, second)
        assert boxes[published]["right"] < boxes[second]["left"], (published, second)


def sheet_values(path) -> dict[str, list[tuple]]:
    book = load_workbook(path)
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


def test_the_county_reads_the_dashboard_and_its_workbook(pages, add_user, figures, tmp_path):
    add_user("xianzx", "县综治中心", region=COUNTY)
    page = pages.open()
    login(page, "xianzx")
    nav(page, "统计报表")
    assert page.get_by_role("heading", name="领导驾驶舱").is_visible()
    assert page.get_by_text("甘州区 · 2026年3月").is_visible()
    assert_charts_drawn(page)
    bars = page.locator('[data-chart="trend"] svg path').count()
    assert bars > 10, "the trend draws bars for each of twelve months and a rate line"
    received, resolved = card_value(page, "受理数"), card_value(page, "化解数")
    rate = card_value(page, "化解率")
    assert (received, resolved, rate) == ("4", "2", "50.0%"), "化解率 of the 4 received"
    assert card_value(page, "办结化解率") == "66.7%", "化解数 / 办结数, beside it"
    assert card_value(page, "调解成功率") == "0.0%" and card_value(page, "结案调解成功率") == "—"
    assert_cards_laid_out(page, first_row=7)
    overdue = page.locator(".overdue-table tbody tr")
    assert overdue.count() == 1 and figures.overdue_code in overdue.inner_text()
    assert overdue.get_by_role("link", name=figures.overdue_code).count() == 1
    shot(page, "34-reports-dashboard")

    with page.expect_download() as download:
        page.get_by_role("link", name="导出 Excel").click()
    assert download.value.suggested_filename == "月总结_甘州区_2026年3月.xlsx"
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    sheets = sheet_values(saved)
    assert list(sheets) == ["概况", "分类统计", "三调对接", "风险热点", "超期清单", "趋势", "说明"]
    headline = {row[0]: row for row in sheets["概况"][4:]}
    assert headline["受理数"][2] == int(received)
    assert headline["化解数"][2] == int(resolved)
    assert f"{headline['化解率'][2] * 100:.1f}%" == rate
    assert (headline["化解率"][7], headline["化解率"][8]) == (2, 4)
    assert (headline["办结化解率"][7], headline["办结化解率"][8]) == (2, 3)
    assert sheets["超期清单"][1][0] == figures.overdue_code
    every_cell = " ".join(str(v) for rows in sheets.values() for row in rows for v in row)
    assert PARTY_NAME not in every_cell and PARTY_PHONE not in every_cell

    page.set_viewport_size(A4_WIDTH)  # what 打印 lays out: no menu, no pickers, charts refitted
    page.emulate_media(media="print")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert not page.get_by_role("navigation", name="主导航").is_visible()
    assert not page.get_by_role("button", name="查看").is_visible()
    assert_cards_laid_out(page, first_row=1)  # 受理数 across, then four by four
    assert_charts_drawn(page, min_width=600)
    shot(page, "34b-reports-dashboard-print")


def test_a_report_issued_on_demand_and_its_print_version(pages, add_user, figures):
    add_user("xianzx", "县综治中心", region=COUNTY)
    page = pages.open()
    login(page, "xianzx")
    page.goto("/reports/snapshots")
    page.get_by_label("报表类型").select_option(label="周研判")
    page.get_by_label("日期 （周期内任一天）").fill("2026-03-04")
    follow(page.get_by_role("button", name="生成报表"))
    assert page.get_by_role(
        "heading", name="甘州区2026年第10周（03月02日—03月08日）周研判"
    ).is_visible()
    assert page.get_by_text("按需生成（xianzx）").is_visible()
    assert card_value(page, "受理数") == "4"
    assert_charts_drawn(page)
    shot(page, "35-reports-snapshot")

    page.get_by_role("navigation", name="统计报表").get_by_role("link", name="报表").click()
    page.wait_for_url("**/reports/snapshots")
    listed = page.locator(".snapshot-table tbody tr")
    assert listed.count() == 1 and "按需" in listed.inner_text()
    shot(page, "39-reports-list")
    follow(listed.get_by_role("link"))

    follow(page.get_by_role("link", name="打印版"))
    assert page.get_by_role("button", name="打印 / 另存为 PDF").is_visible()
    assert_charts_drawn(page)
    shot(page, "36-reports-print")
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page>") > 1

    page.set_viewport_size(A4_WIDTH)
    page.emulate_media(media="print")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert not page.get_by_role("button", name="打印 / 另存为 PDF").is_visible()
    assert_charts_drawn(page, min_width=600)
    shot(page, "37-reports-print-media")


def test_the_dashboard_on_a_phone(pages, add_user, figures):
    add_user("zhenzx", "镇综治中心", region="620702101")
    phone = pages.open(PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    login(phone, "zhenzx")
    phone.goto("/reports/")
    assert phone.get_by_text("大满镇 · 2026年3月").is_visible()
    assert_cards_laid_out(phone, first_row=1)  # 受理数 across, then two by two
    assert_charts_drawn(phone, min_width=280)
    shot(phone, "38-reports-phone")


def test_the_county_enters_the_courts_filings(pages, add_user, figures):
    pages.guard.expect_status(422)  # the refused entry's answer
    add_user("xianzx", "县综治中心", region=COUNTY)
    page = pages.open()
    login(page, "xianzx")
    nav(page, "统计报表")
    follow(page.get_by_role("link", name="录入法院收案数"))
    page.get_by_label("月份").fill("2026-02")
    page.get_by_label("一审民事收案数（件）").fill("2000000")
    follow(page.get_by_role("button", name="保存"))
    assert page.get_by_text("一审民事收案数：请填写 0 到 1000000 之间的整数（件）").is_visible()
    page.get_by_label("一审民事收案数（件）").fill("20")
    follow(page.get_by_role("button", name="保存"))
    assert page.get_by_text("已录入甘州区 2026年2月一审民事收案数：20 件。").is_visible()
    shot(page, "40-reports-court-filings")

    page.goto("/reports/?kind=month&date=2026-02-01")
    assert card_value(page, "诉前分流率") == "5.0%"
