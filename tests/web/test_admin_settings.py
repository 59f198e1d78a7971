"""系统管理 · 时限规则 and 节假日: tuned through ``processes.deadlines`` and
``processes.calendar``; every change in the operation log."""

from __future__ import annotations

from datetime import date

import pytest

from engine.db import db
from processes.models import DeadlineRule, HolidayOverride

from .admin_helpers import ADMIN, log_entries


@pytest.fixture
def admin(login_as):
    return login_as(ADMIN, "管理员")


def _rule(app, key):
    with app.app_context():
        rule = db.session.get(DeadlineRule, key)
        state = (rule.amount, rule.red_amount, rule.warn_hours, rule.unit)
        db.session.remove()
        return state


def _some_rule_key(app) -> str:
    with app.app_context():
        key = db.session.query(DeadlineRule.key).order_by(DeadlineRule.key).first()[0]
        db.session.remove()
        return key


def _form(app, key, **changes):
    with app.app_context():
        rule = db.session.get(DeadlineRule, key)
        form = {
            "name": rule.name,
            "amount": str(rule.amount),
            "unit": rule.unit,
            "red_amount": "" if rule.red_amount is None else str(rule.red_amount),
            "warn_hours": str(rule.warn_hours),
            "extendable_by": rule.extendable_by,
            "max_extension": "" if rule.max_extension is None else str(rule.max_extension),
            "basis": rule.basis,
        }
        if rule.pausable:
            form["pausable"] = "on"
        db.session.remove()
    return form | changes


def test_rules_are_listed_and_edited_with_the_change_logged(app, admin, sa_engine):
    key = _some_rule_key(app)
    assert key in admin.get("/admin/rules").get_data(as_text=True)
    amount = _rule(app, key)[0]
    response = admin.post(f"/admin/rules/{key}", data=_form(app, key, amount=str(amount + 1)))
    assert response.status_code == 302
    assert _rule(app, key)[0] == amount + 1
    [entry] = log_entries(sa_engine, "deadline_rule_changed")
    assert entry["actor"] == ADMIN and entry["key"] == key
    assert (entry["before"]["amount"], entry["after"]["amount"]) == (amount, amount + 1)


@pytest.mark.parametrize(
    ("changes", "where", "message"),
    [
        ({"amount": "三"}, 'id="err-amount"', "请填写不带小数的非负整数"),
        ({"warn_hours": ""}, 'id="err-warn_hours"', "必填"),
        ({"amount": "99999"}, 'id="err-amount"', "不能超过 9999"),
        ({"amount": "2", "red_amount": "5"}, 'id="form-problem"', "红色案件时限不能长于一般时限"),
    ],
)
def test_a_refused_rule_edit_shows_why(app, admin, sa_engine, changes, where, message):
    key = _some_rule_key(app)
    before = _rule(app, key)
    html = admin.post(f"/admin/rules/{key}", data=_form(app, key, **changes)).get_data(as_text=True)
    assert where in html and message in html
    assert _rule(app, key) == before
    assert log_entries(sa_engine, "deadline_rule_changed") == []


def test_unknown_rule_is_404(admin):
    assert admin.get("/admin/rules/no.such.rule").status_code == 404


def test_a_year_the_library_does_not_know_is_flagged(admin):
    html = admin.get("/admin/calendar?year=2099").get_data(as_text=True)
    assert 'id="coverage-warning"' in html and "2099 年的放假和调休安排尚未导入" in html
    known = admin.get("/admin/calendar?year=2024").get_data(as_text=True)
    assert 'id="coverage-warning"' not in known


def test_set_and_remove_a_holiday(app, admin, sa_engine):
    added = admin.post(
        "/admin/calendar", data={"day": "2099-10-01", "kind": "holiday", "note": "国庆"}
    )
    assert added.status_code == 302 and added.headers["Location"].endswith("year=2099")
    html = admin.get("/admin/calendar?year=2099").get_data(as_text=True)
    assert "2099-10-01" in html and "国庆" in html
    assert 'id="coverage-warning"' in html, "one corrected day does not cover a year"

    removed = admin.post("/admin/calendar/2099-10-01/remove")
    assert removed.status_code == 302
    with app.app_context():
        assert db.session.get(HolidayOverride, date(2099, 10, 1)) is None
    entries = log_entries(sa_engine, "calendar_changed")
    assert [(e["action"], e["actor"]) for e in entries] == [("set", ADMIN), ("remove", ADMIN)]


def test_calendar_form_errors_at_the_field(admin):
    html = admin.post("/admin/calendar", data={"day": "2099-13-01", "kind": "holiday"}).get_data(
        as_text=True
    )
    assert 'id="err-day">日期格式应为 YYYY-MM-DD' in html and 'value="2099-13-01"' in html
    html = admin.post("/admin/calendar", data={"day": "2099-10-01", "kind": "maybe"}).get_data(
        as_text=True
    )
    assert 'id="err-kind"' in html


def test_landing_page_links_every_section(admin):
    html = admin.get("/admin/").get_data(as_text=True)
    for path in (
        "/admin/users",
        "/admin/reference/region",
        "/admin/reference/department",
        "/admin/reference/dispute_type",
        "/admin/rules",
        "/admin/calendar",
    ):
        assert f'href="{path}' in html
