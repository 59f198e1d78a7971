"""The process designer in the browser modeler: every shipped diagram opens without import
warnings; a timer changed to something broken is outlined with its message on 校验, then
fixed and deployed, after which new cases run on the new version while a case started
before stays on the old one; a diagram saved by the modeler deploys unchanged by the CLI."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.models import TimerRecord
from tests.conftest import BPMN_DIR

from .helpers import login, receive_to_ladder, shot

pytestmark = pytest.mark.browser

SHIPPED = sorted(path.name for path in BPMN_DIR.glob("*.bpmn"))


def expect(target):
    """Playwright's auto-waiting assertions (imported late: without playwright the
    fixtures skip or fail the test with the reason)."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(target)


def open_in_modeler(page, name: str, query: str = "") -> None:
    page.goto(f"/designer/files/{name}/edit{query}")
    page.locator('.modeler-page[data-state="ready"]').wait_for()


def import_warnings(page) -> list[str]:
    return page.evaluate("window.ZZDesigner.app.importWarnings")


def test_every_shipped_diagram_opens_in_the_modeler_without_import_warnings(page, add_user):
    add_user("designer", "流程设计")
    login(page, "designer")
    warnings = {}
    for name in SHIPPED:
        open_in_modeler(page, name)
        assert page.locator("svg g.djs-element[data-element-id]").count() > 5, name
        warnings[name] = import_warnings(page)
        if name == "whistle.bpmn":
            shot(page, "designer-01-whistle-opened")
    assert warnings == {name: [] for name in SHIPPED}


def timer_due(engine, instance_id: int, spec_id: str):
    with engine.session_factory() as session:
        return session.scalars(
            select(TimerRecord.due_at).where(
                TimerRecord.instance_id == instance_id, TimerRecord.spec_id == spec_id
            )
        ).one()


def select_element(page, element_id: str) -> None:
    page.locator(f'svg g.djs-shape[data-element-id="{element_id}"]').click()
    page.locator("#props-title", has_text="属性：").wait_for()


def set_timer(page, kind: str, expression: str) -> None:
    panel = page.locator("#props-panel")
    panel.get_by_label("定时器类型").select_option(kind)
    expect(panel.get_by_label("定时器类型")).to_have_value(kind)
    panel.get_by_label("表达式", exact=True).fill(expression)
    panel.get_by_label("表达式", exact=True).press("Tab")


def validate(page) -> str:
    """Click 校验 and return the summary the answer produced."""
    with page.expect_response(re.compile(r"/validate$")):
        page.get_by_role("button", name="校验", exact=True).click()
    summary = page.locator("#problems .problems-summary")
    summary.wait_for()
    return summary.inner_text()


def test_a_designer_breaks_a_timer_sees_it_outlined_fixes_it_and_deploys(
    page, guard, add_user, web_engine, clock
):
    old = receive_to_ladder(web_engine)
    old_version = web_engine.instance(old.instance_id).version_id
    old_lapse = timer_due(web_engine, old.instance_id, "village_lapse")
    add_user("designer", "流程设计")
    login(page, "designer")
    open_in_modeler(page, "ladder.bpmn")

    select_element(page, "village_lapse")
    assert page.locator("#props-title").inner_text() == "属性：村调委会超期"
    set_timer(page, "timeDuration", "P3D")
    assert validate(page).startswith("发现 1 个错误")
    lapse = page.locator('svg g.djs-element[data-element-id="village_lapse"]')
    expect(lapse).to_have_class(re.compile(r"\bzz-problem\b"))
    badge = page.locator('.djs-overlays[data-container-id="village_lapse"] .zz-problem-badge')
    expect(badge).to_be_visible()
    expect(badge).to_contain_text("缺少引号")
    problem = page.locator("#problems .problem", has_text="village_lapse")
    expect(problem).to_contain_text('ISO 8601 时间要写成字符串 "P3D"')
    shot(page, "designer-02-timer-outlined")

    guard.expect_status(422)  # the rejected deploy's answer
    page.get_by_role("button", name="部署…").click()
    page.get_by_label("修改说明（必填）").fill("村调委会时限改为 3 天")
    page.locator("#deploy-dialog").get_by_role("button", name="部署", exact=True).click()
    expect(page.locator("#modeler-status")).to_contain_text("部署被拒绝")
    expect(page.locator("#problems .problems-summary")).to_contain_text("当前版本保持不变")
    assert web_engine.latest_version_id() == old_version, "a rejected deploy stores nothing"

    problem.get_by_role("button").click()
    expect(page.locator("#props-title")).to_have_text("属性：村调委会超期")
    set_timer(page, "timeDuration", '"P3D"')
    assert validate(page) == "校验通过，没有发现问题。"
    expect(lapse).not_to_have_class(re.compile(r"\bzz-problem\b"))

    page.get_by_role("button", name="部署…").click()
    page.get_by_label("修改说明（必填）").fill("村调委会超期改为固定 3 天")
    page.locator("#deploy-dialog").get_by_role("button", name="部署", exact=True).click()
    result = page.locator("#deploy-result")
    expect(result).to_contain_text("已部署为版本 #")
    new_version = web_engine.latest_version_id()
    assert new_version != old_version
    expect(result).to_contain_text(f"已部署为版本 #{new_version}")
    shot(page, "designer-03-deployed")

    new = receive_to_ladder(web_engine)
    assert web_engine.instance(new.instance_id).version_id == new_version
    assert web_engine.instance(old.instance_id).version_id == old_version
    assert timer_due(web_engine, new.instance_id, "village_lapse") == clock.now() + timedelta(
        days=3
    )
    assert (
        timer_due(web_engine, old.instance_id, "village_lapse")
        == old_lapse
        != clock.now() + timedelta(days=3)
    )
