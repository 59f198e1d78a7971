"""Attachments in the browser: the mediator picks the signed 调解协议书 PDF on the 调解
form; a program named .pdf is refused beside the field with the file and the reason; the
case page then lists the agreement and a site photo uploaded there (looked at)."""

from __future__ import annotations

import pytest

from engine.db import db
from tests.attachment_samples import EXE, PDF, photo_with_gps
from tests.processes.conftest import TOWNSHIP
from tests.web.attachment_support import store_dir, to_mediation
from webapp.accounts.models import User

from .helpers import PHONE, follow, login, screenshot_dir, shot

pytestmark = pytest.mark.browser
__all__ = ["store_dir"]  # the fixture


def expect(target):
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(target)


def _files(tmp_path) -> dict[str, str]:
    made = {"协议书.pdf": PDF, "伪装.pdf": EXE, "现场.jpg": photo_with_gps((640, 480))}
    paths = {}
    for name, content in made.items():
        path = tmp_path / name
        path.write_bytes(content)
        paths[name] = str(path)
    return paths


def test_the_mediator_attaches_the_agreement_and_the_case_page_lists_it(
    pages, guard, add_user, web_engine, app, store_dir, tmp_path
):
    received, task = to_mediation(web_engine)
    add_user("wang.tj", "调解员", region=TOWNSHIP)
    with app.app_context():
        db.session.query(User).filter_by(username="wang.tj").update(
            {"display_name": "王调解", "unit_code": "TJ01"}
        )
        db.session.commit()
    files = _files(tmp_path)

    mediator = pages.open()
    mediator.context.set_default_timeout(20_000)
    login(mediator, "wang.tj")
    mediator.goto(f"/tasks/{task.id}")
    mediator.get_by_role("radio", name="达成协议", exact=True).check()
    mediator.get_by_label("调解情况").fill("双方同意共同出资修缮院墙，当场签署协议")
    mediator.get_by_label("调解协议书").set_input_files(files["伪装.pdf"])
    guard.expect_status(422)  # the refused form comes back with its errors
    follow(mediator.get_by_role("button", name="提交"))
    expect(mediator.locator("#err-f-agreement_file")).to_have_text(
        "文件 伪装.pdf 的内容不是 PDF（实际为可执行程序），已拒绝"
    )
    shot(mediator, "attachments-01-disguised-refused")

    mediator.get_by_role("radio", name="达成协议", exact=True).check()
    mediator.get_by_label("调解协议书").set_input_files(files["协议书.pdf"])
    follow(mediator.get_by_role("button", name="提交"))
    expect(mediator.locator(".flash, [role=status], .alert").first).to_contain_text("已提交")

    mediator.goto(f"/cases/{received.case_id}")
    card = mediator.locator("section[aria-labelledby=attachments-title]")
    card.get_by_label("附件类别").select_option("现场照片")
    card.get_by_label("选择文件").set_input_files(files["现场.jpg"])
    follow(card.get_by_role("button", name="上传附件"))
    expect(mediator.locator("main")).to_contain_text("已上传附件（现场照片）：现场.jpg")
    rows = mediator.locator("#attachment-list tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("调解协议书")
    expect(rows.nth(0)).to_contain_text("协议书.pdf")
    expect(rows.nth(1)).to_contain_text("现场.jpg")
    expect(mediator.locator("main")).to_contain_text("上传附件")  # on the timeline too
    mediator.locator("#attachments-title").scroll_into_view_if_needed()
    shot(mediator, "attachments-02-case-page")

    phone = pages.open(PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    login(phone, "wang.tj")
    phone.goto(f"/cases/{received.case_id}")
    phone_card = phone.locator("section[aria-labelledby=attachments-title]")
    expect(phone_card).to_contain_text("协议书.pdf")
    thumb = phone_card.locator("img.attachment-thumb")
    thumb.scroll_into_view_if_needed()
    phone.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=thumb.element_handle()
    )
    phone_card.screenshot(path=str(screenshot_dir() / "attachments-03-phone-card.png"))
    shot(phone, "attachments-04-phone-case-page")  # fits the phone's width
