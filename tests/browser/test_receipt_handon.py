"""The window registers a walk-in and prints its 受理回执 (A4, then the 80 mm receipt
printer, as the print dialog lays them out); the township center then triages the case and
reads where it went; the village committee opens it and reads what the center wrote. The
caller of a resolved case reveals the phone to call; the rework reads the complaint."""

from __future__ import annotations

import re

import pytest

from engine import Actor
from tests.processes.conftest import TOWNSHIP
from webapp.config import center_phones

from .helpers import PHONE_NUMBER, follow, login, nav, receive_to_ladder, register_walk_in, shot

pytestmark = pytest.mark.browser

MM = 96 / 25.4
"""CSS pixels per millimetre."""
POINTS_PER_MM = 72 / 25.4
A4_SHEET = {"width": round(210 * MM), "height": round(297 * MM)}
ROLL = {"width": round(80 * MM), "height": round(297 * MM)}
CENTER_PHONE = "0936-8212345"


@pytest.fixture
def center_phone(app):
    before = app.config.get("ZONGZHI_CENTER_PHONE")
    app.config["ZONGZHI_CENTER_PHONE"] = center_phones(f"{TOWNSHIP}={CENTER_PHONE}")
    yield CENTER_PHONE
    app.config["ZONGZHI_CENTER_PHONE"] = before


def page_size_mm(pdf: bytes) -> tuple[float, float]:
    """The first page's width and height in millimetres, from the PDF's MediaBox."""
    found = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert found, "no MediaBox in the PDF"
    return float(found.group(1)) / POINTS_PER_MM, float(found.group(2)) / POINTS_PER_MM


def print_receipt(page, name: str, sheet: dict[str, int]) -> tuple[float, tuple[float, float]]:
    """Lay the page out as the print dialog does on ``sheet`` and screenshot it: the slip's
    width and the paper's size (from a PDF printed with the page's own paper size), in mm."""
    screen = page.viewport_size
    page.set_viewport_size(sheet)
    page.emulate_media(media="print")
    assert not page.get_by_role("navigation", name="主导航").is_visible()
    assert not page.get_by_role("button", name="打印回执").is_visible()
    shot(page, name)
    width = page.locator("article.receipt").bounding_box()["width"] / MM
    paper = page_size_mm(page.pdf(prefer_css_page_size=True))
    page.emulate_media(media="screen")
    page.set_viewport_size(screen)
    return width, paper


def test_window_receipt_in_both_widths_then_the_hand_on_message(pages, add_user, center_phone):
    add_user("chuang", "镇综治中心", region=TOWNSHIP)
    add_user("cunwei", "村调委会", region=TOWNSHIP)
    page = pages.open()
    login(page, "chuang")

    code = register_walk_in(page, name="王小五", phone="13912345678")

    assert page.url.endswith("/receipt")
    slip = page.locator("article.receipt")
    text = slip.inner_text()
    assert "大满镇综治中心" in text and "受理回执" in text and code in text
    assert "王**" in text and "王小五" not in text
    assert "13912345678" not in text and "5678" not in text
    assert "案件编号 + 手机号后 4 位" in text and "/chaxun" in text
    assert f"咨询电话：{center_phone}" in text
    assert slip.locator("svg.case-qr").is_visible()
    shot(page, "50-receipt-screen")

    a4_width, (width, height) = print_receipt(page, "51-receipt-a4-print", A4_SHEET)
    assert a4_width > 150, f"the A4 slip spans the sheet: {a4_width:.0f} mm"
    assert (round(width), round(height)) == (210, 297), "A4 paper"

    follow(page.get_by_role("link", name="80 mm 小票"))
    roll_width, (width, _height) = print_receipt(page, "52-receipt-80mm-print", ROLL)
    assert 70 <= roll_width <= 73, f"72 mm printable on an 80 mm roll: {roll_width:.1f} mm"
    assert round(width) == 80, "80 mm paper"

    follow(page.get_by_role("link", name="查看案件"))
    nav(page, "我的待办")
    follow(page.locator("tbody tr", has_text=code).get_by_role("link", name=re.compile("^办理")))
    form = page.locator("form.schema-form")
    form.locator("fieldset", has_text="事项性质").get_by_label("一般纠纷").check()
    form.locator("fieldset", has_text="是否涉及多个部门").get_by_label("否").check()
    form.locator("fieldset", has_text="风险等级").get_by_label("黄").check()
    page.get_by_label("风险研判说明").fill("邻里小事，双方愿意调解")
    follow(page.get_by_role("button", name="提交", exact=True))

    message = page.locator(".flash .handon")
    assert page.url.endswith("/tasks/"), "the village's task is not the center's to open"
    said = message.inner_text()
    assert said.startswith("已提交：分流研判。"), said
    assert re.search(r"「村调委会化解」已交 村调委会（大满村调委会），\d\d-\d\d 到期", said), said
    assert message.get_by_role("link", name=code).is_visible()
    shot(page, "53-handon-after-triage")

    village = pages.open()
    login(village, "cunwei")
    nav(village, "我的待办")
    follow(village.locator("tbody tr", has_text=code).get_by_role("link", name=re.compile("^办理")))
    panel = village.locator("section.previous-holder")
    assert "分流研判\n测试chuang（大满镇综治中心）" in panel.inner_text()
    assert "邻里小事，双方愿意调解" in panel.inner_text()
    shot(village, "54-task-previous-holder")


def test_the_caller_reveals_the_phone_and_the_rework_reads_the_complaint(
    pages, add_user, web_engine
):
    received = receive_to_ladder(web_engine)
    [village] = [t for t in web_engine.tasks_of(received.instance_id) if t.spec_id == "village"]
    settled = {"level_outcome": "化解", "level_result": "当事人自行和解", "level_notes": "已和解"}
    web_engine.complete(village.id, settled, actor=Actor.of("cun", ["村调委会"]))
    add_user("huifang", "镇综治中心", region=TOWNSHIP)
    page = pages.open()
    login(page, "huifang")
    nav(page, "我的待办")
    row = page.locator("tbody tr", has_text="电话回访")
    follow(row.get_by_role("link", name=re.compile("^办理")))

    assert PHONE_NUMBER not in page.content()
    follow(page.get_by_role("button", name="显示完整号码"))
    assert page.get_by_role("link", name=PHONE_NUMBER).get_attribute("href") == (
        f"tel:{PHONE_NUMBER}"
    )
    assert page.get_by_text("本次查看已记入操作日志").is_visible()
    shot(page, "55-callback-phone-revealed")

    page.locator("fieldset", has_text="满意程度").get_by_label("不满意").check()
    page.get_by_label("回访情况").fill("当事人称对方未按约修缮排水沟")
    follow(page.get_by_role("button", name="提交", exact=True))

    said = page.locator(".flash .handon").inner_text()
    assert "「二次督办·重新办理」已交 村调委会（大满村调委会）" in said, (
        "the rework goes back to the village that settled the case: " + said
    )
    assert page.url.endswith("/tasks/"), "the rework is not the caller's to open"

    add_user("cunwei", "村调委会", region=TOWNSHIP)
    page = pages.open()
    login(page, "cunwei")
    nav(page, "我的待办")
    row = page.locator("tbody tr", has_text="二次督办·重新办理")
    follow(row.get_by_role("link", name=re.compile("^办理")))
    assert page.get_by_role("heading", name="二次督办·重新办理").is_visible()
    panel = page.locator("section.previous-holder")
    assert "不满意" in panel.inner_text()
    assert "当事人称对方未按约修缮排水沟" in panel.inner_text()
    assert PHONE_NUMBER not in page.content(), "the reveal is for the one page"
    shot(page, "56-rework-reads-the-complaint")
