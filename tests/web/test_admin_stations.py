"""系统管理 · 部门进驻与值班: stations at centers, and a week's rota set in one form (no
script); refusals beside their field; every change logged."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from engine.db import db
from processes.models import DutyRota, Station
from processes.stations import liaison_on_duty
from processes.units import save_unit
from tests.processes.conftest import COUNTY, GRID, TOWNSHIP

from .admin_helpers import ADMIN, log_entries
from .conftest import PASSWORD, add_test_user

MONDAY = date(2026, 3, 2)  # the clock's week (tests.conftest.MONDAY_9AM)


@pytest.fixture
def admin(login_as, app, web_engine):
    with app.app_context():
        audit = {"actor": "setup", "record": web_engine.record_operation}
        for code, name, kind, region in [
            ("zhen", "大满镇综治中心", "乡镇综治中心", TOWNSHIP),
            ("xian", "甘州区综治中心", "县综治中心", COUNTY),
        ]:
            values = {"name": name, "kind": kind, "region_code": region}
            save_unit(db.session, code=code, values=values, create=True, **audit)
        db.session.commit()
    for username, department in [("ren.a", "labour"), ("ren.b", "labour"), ("jing", "police")]:
        add_test_user(app, username, "部门", region=COUNTY, department=department)
    return login_as(ADMIN, "管理员")


def _station(admin, department: str, unit: str, mode: str, liaison: str = "") -> int:
    data = {"department_code": department, "unit_code": unit, "mode": mode, "liaison": liaison}
    response = admin.post("/admin/stations/new", data=data | {"active": "on"})
    assert response.status_code == 302, response.get_data(as_text=True)
    return _station_id(admin.application, department, unit)


def _station_id(app, department: str, unit: str) -> int:
    with app.app_context():
        found = db.session.scalar(
            select(Station.id).where(
                Station.department_code == department, Station.unit_code == unit
            )
        )
        db.session.remove()
        return found


def _on_duty(app, department: str, day: date) -> str | None:
    with app.app_context():
        who = liaison_on_duty(db.session, department_code=department, region_code=GRID, day=day)
        db.session.remove()
        return who


def test_add_stations_and_list_them(app, admin, sa_engine):
    form = admin.get("/admin/stations/new").get_data(as_text=True)
    assert 'name="csrf_token"' in form and "大满镇综治中心（乡镇综治中心，zhen）" in form
    assert '<optgroup label="人社局">' in form and "测试ren.a（ren.a）" in form
    _station(admin, "labour", "zhen", "轮驻")
    _station(admin, "police", "xian", "常驻", liaison="jing")
    listed = admin.get("/admin/stations").get_data(as_text=True)
    listed = listed[listed.index("<table") :]
    assert listed.index("甘州区综治中心") < listed.index("大满镇综治中心"), "by region"
    assert "人社局" in listed and "轮驻" in listed and "jing" in listed
    assert _on_duty(app, "police", MONDAY) == "jing"
    created = log_entries(sa_engine, "station_changed")
    assert [c["after"]["department_code"] for c in created] == ["labour", "police"]
    assert created[0]["actor"] == ADMIN


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"unit_code": "court"}, "unit_code", "只能进驻启用中的综治中心（人民法院是部门）"),
        ({"department_code": ""}, "department_code", "部门代码不存在：（未选择）"),
        ({"mode": "常驻", "liaison": "jing"}, "liaison", "测试jing（jing）不是人社局的人员"),
        ({"mode": "轮驻", "liaison": "ren.a"}, "liaison", "只有常驻部门设默认值班人"),
        ({"mode": "偶尔"}, "mode", "进驻方式必须是"),
    ],
)
def test_a_refused_station_shows_why_beside_the_field(app, admin, sa_engine, data, field, message):
    base = {"department_code": "labour", "unit_code": "zhen", "mode": "轮驻", "active": "on"}
    response = admin.post("/admin/stations/new", data=base | data)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'<p class="field-error" id="err-{field}">' in html and message in html
    assert _station_id(app, base["department_code"], "zhen") is None
    assert log_entries(sa_engine, "station_changed") == []


def test_set_a_week_s_rota_and_see_it(app, admin, sa_engine):
    station = _station(admin, "labour", "zhen", "轮驻")
    page = admin.get(f"/admin/stations/{station}/rota").get_data(as_text=True)
    assert "2026-03-02 至 2026-03-08" in page, "this week by the clock"
    assert 'for="day-2026-03-07">03-07 周六</label>' in page and "休息日" in page
    assert "（无人值班）" in page and "测试ren.b（ren.b）" in page and "jing" not in page

    week = {f"day-2026-03-0{d}": "" for d in range(2, 9)}
    week |= {"day-2026-03-02": "ren.a", "day-2026-03-03": "ren.b", "day-2026-03-04": "ren.a"}
    saved = admin.post(f"/admin/stations/{station}/rota?week=2026-03-02", data=week)
    assert saved.status_code == 302
    assert saved.location.endswith(f"/admin/stations/{station}/rota?week=2026-03-02")
    shown = admin.get(saved.location).get_data(as_text=True)
    assert "3 天有变动" in shown
    assert '<option value="ren.b" selected>' in shown and '<option value="ren.a" selected>' in shown
    assert [_on_duty(app, "labour", date(2026, 3, d)) for d in (2, 3, 4, 5)] == [
        "ren.a",
        "ren.b",
        "ren.a",
        None,
    ]

    admin.post(
        f"/admin/stations/{station}/rota?week=2026-03-02", data=week | {"day-2026-03-03": ""}
    )
    assert _on_duty(app, "labour", date(2026, 3, 3)) is None
    changes = log_entries(sa_engine, "duty_changed")
    assert [(c["day"], c["before"], c["after"]) for c in changes] == [
        ("2026-03-02", None, "ren.a"),
        ("2026-03-03", None, "ren.b"),
        ("2026-03-04", None, "ren.a"),
        ("2026-03-03", "ren.b", None),
    ]
    next_week = admin.get(f"/admin/stations/{station}/rota?week=2026-03-09").get_data(as_text=True)
    assert "2026-03-09 至 2026-03-15" in next_week and "week=2026-03-02" in next_week


def test_a_rota_naming_someone_outside_the_department_saves_nothing(app, admin, sa_engine):
    station = _station(admin, "labour", "zhen", "轮驻")
    week = {"day-2026-03-02": "ren.a", "day-2026-03-03": "jing", "day-2026-03-04": "nobody"}
    response = admin.post(f"/admin/stations/{station}/rota?week=2026-03-02", data=week)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "未保存：请修改下方标出的日子后再保存。" in html
    assert '<p class="field-error" id="err-day-2026-03-03">测试jing（jing）不是人社局的人员' in html
    assert '<p class="field-error" id="err-day-2026-03-04">用户不存在：nobody' in html
    assert '<option value="ren.a" selected>' in html, "the input is kept"
    with app.app_context():
        assert db.session.scalar(select(DutyRota.id)) is None
        db.session.remove()
    assert log_entries(sa_engine, "duty_changed") == []


def test_a_resident_station_shows_its_default_and_an_on_call_one_has_no_rota(app, admin):
    resident = _station(admin, "police", "xian", "常驻", liaison="jing")
    page = admin.get(f"/admin/stations/{resident}/rota").get_data(as_text=True)
    assert "（默认：jing）" in page
    on_call = _station(admin, "civil", "zhen", "随叫随驻")
    page = admin.get(f"/admin/stations/{on_call}/rota").get_data(as_text=True)
    assert "不排班" in page and "<select" not in page
    refused = admin.post(f"/admin/stations/{on_call}/rota", data={"day-2026-03-02": ""})
    assert "随叫随驻的部门不排班" in refused.get_data(as_text=True)
    listed = admin.get("/admin/stations").get_data(as_text=True)
    assert f"/admin/stations/{on_call}/rota" not in listed
    assert f"/admin/stations/{resident}/rota" in listed


def test_edit_a_station(app, admin, sa_engine):
    station = _station(admin, "labour", "zhen", "轮驻")
    page = admin.get(f"/admin/stations/{station}/edit").get_data(as_text=True)
    assert "人社局 进驻 大满镇综治中心" in page and 'value="轮驻" checked' in page
    made_resident = {"mode": "常驻", "liaison": "ren.b", "active": "on"}
    assert admin.post(f"/admin/stations/{station}/edit", data=made_resident).status_code == 302
    assert _on_duty(app, "labour", MONDAY) == "ren.b"
    assert admin.post(f"/admin/stations/{station}/edit", data={"mode": "常驻"}).status_code == 302
    assert _on_duty(app, "labour", MONDAY) is None, "deactivated"
    last = log_entries(sa_engine, "station_changed")[-1]
    assert (last["before"]["liaison"], last["after"]["liaison"]) == ("ren.b", None)


def test_other_roles_are_refused(app, admin, client):
    station = _station(admin, "labour", "zhen", "轮驻")
    admin.post("/logout")
    client.post("/login", data={"username": "ren.a", "password": PASSWORD})
    assert client.get(f"/admin/stations/{station}/rota").status_code == 403
    refused = client.post(f"/admin/stations/{station}/rota", data={"day-2026-03-02": "ren.a"})
    assert refused.status_code == 403
    assert _on_duty(app, "labour", MONDAY) is None
