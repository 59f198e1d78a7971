"""系统管理 · 单位: the units under their regions; add, edit, deactivate; refusals beside
their field; a department's unit follows the department; every change logged."""

from __future__ import annotations

import pytest

from engine.db import db
from processes.models import Unit
from tests.processes.conftest import COUNTY, TOWNSHIP, VILLAGE

from .admin_helpers import ADMIN, log_entries, seed_regions
from .conftest import PASSWORD, add_test_user


@pytest.fixture
def admin(login_as, app):
    seed_regions(app)
    return login_as(ADMIN, "管理员")


def _unit(app, code: str) -> dict | None:
    with app.app_context():
        unit = db.session.get(Unit, code)
        state = None if unit is None else {c.name: getattr(unit, c.name) for c in Unit.__table__.c}
        db.session.remove()
        return state


CENTER = {"code": "zhen", "name": "大满镇综治中心", "kind": "乡镇综治中心", "region_code": TOWNSHIP}


def test_add_a_center_and_see_it_under_its_region(app, admin, sa_engine):
    form = admin.get("/admin/units/new").get_data(as_text=True)
    assert 'name="csrf_token"' in form and 'value="乡镇综治中心"' in form
    created = admin.post("/admin/units/new", data=CENTER | {"active": "on"})
    assert created.status_code == 302
    village = {
        "code": "cw",
        "name": "大满村村民委员会",
        "kind": "村（社区）",
        "region_code": VILLAGE,
    }
    admin.post("/admin/units/new", data=village | {"parent_code": "zhen", "active": "on"})

    html = admin.get("/admin/units").get_data(as_text=True)
    html = html[html.index("<table") :]  # after the flashed messages
    assert "不限区划（部门等）" in html and "人民法院" in html
    assert html.index("不限区划") < html.index("大满镇</span>") < html.index("大满镇综治中心")
    assert (
        html.index("大满镇综治中心") < html.index("大满村</span>") < html.index("大满村村民委员会")
    )
    assert _unit(app, "cw")["parent_code"] == "zhen"
    [first, second] = log_entries(sa_engine, "unit_changed")
    assert first["actor"] == ADMIN and first["unit"] == "zhen" and first["before"] is None
    assert second["after"]["kind"] == "村（社区）"


def test_edit_and_deactivate(app, admin, sa_engine):
    admin.post("/admin/units/new", data=CENTER | {"active": "on"})
    page = admin.get("/admin/units/zhen/edit").get_data(as_text=True)
    assert 'value="大满镇综治中心"' in page and "代码不能修改" in page
    saved = admin.post("/admin/units/zhen/edit", data=CENTER | {"name": "大满镇综治中心（新）"})
    assert saved.status_code == 302
    assert (_unit(app, "zhen")["name"], _unit(app, "zhen")["active"]) == (
        "大满镇综治中心（新）",
        False,
    )
    assert "已停用" in admin.get("/admin/units").get_data(as_text=True)
    last = log_entries(sa_engine, "unit_changed")[-1]
    assert (last["before"]["active"], last["after"]["active"]) == (True, False)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"region_code": COUNTY}, "region_code", "乡镇综治中心的区划必须是镇级（甘州区是县级）"),
        ({"region_code": ""}, "region_code", "乡镇综治中心必须选择所在区划（镇级）"),
        ({"kind": ""}, "kind", "单位类型必须是"),
        ({"name": ""}, "name", "名称不能为空"),
        ({"code": "court"}, "code", "代码已存在：court（人民法院）"),
        ({"code": "a b"}, "code", "不能含空格"),
        ({"parent_code": "nowhere"}, "parent_code", "上级单位代码不存在：nowhere"),
    ],
)
def test_a_refused_unit_shows_why_beside_the_field(app, admin, sa_engine, data, field, message):
    response = admin.post("/admin/units/new", data=CENTER | data | {"active": "on"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "未保存：请修改下方标出的项目后再保存。" in html
    assert f'<p class="field-error" id="err-{field}">' in html and message in html
    assert f'aria-describedby="err-{field}"' in html
    if data.get("name") != "":
        assert 'value="大满镇综治中心"' in html, "the input is kept"
    assert _unit(app, "zhen") is None
    assert log_entries(sa_engine, "unit_changed") == []


def test_a_department_s_unit_follows_the_department(app, admin, sa_engine):
    page = admin.get("/admin/units/court/edit").get_data(as_text=True)
    assert "名称和启用状态随部门设置" in page and 'id="name"' not in page
    placed = admin.post("/admin/units/court/edit", data={"region_code": COUNTY, "name": "法院"})
    assert placed.status_code == 302, "the name is not read from a department unit's form"
    assert (_unit(app, "court")["region_code"], _unit(app, "court")["name"]) == (COUNTY, "人民法院")

    admin.post(
        "/admin/reference/department/new",
        data={"code": "tax", "name": "税务局", "station": "轮驻", "active": "on"},
    )
    assert _unit(app, "tax")["kind"] == "部门"
    admin.post("/admin/reference/department/tax/edit", data={"name": "税务分局", "station": "轮驻"})
    assert (_unit(app, "tax")["name"], _unit(app, "tax")["active"]) == ("税务分局", False)
    assert [e["unit"] for e in log_entries(sa_engine, "unit_changed")] == ["court", "tax", "tax"]


def test_other_roles_are_refused(app, login_as):
    seed_regions(app)
    client = login_as("clerk", "镇综治中心", region=TOWNSHIP)
    assert client.get("/admin/units").status_code == 403
    assert client.post("/admin/units/new", data=CENTER).status_code == 403
    assert client.post("/admin/units/court/edit", data={"region_code": COUNTY}).status_code == 403
    assert _unit(app, "zhen") is None


def test_the_auditor_reads_unit_changes_in_chinese(app, admin, client):
    admin.post("/admin/units/new", data=CENTER | {"active": "on"})
    admin.post("/admin/units/zhen/edit", data=CENTER | {"name": "大满镇综治中心（新）"})
    admin.post("/logout")
    add_test_user(app, "shen", "审计", region=None)
    client.post("/login", data={"username": "shen", "password": PASSWORD})
    html = client.get("/audit", query_string={"event": "unit_changed"}).get_data(as_text=True)
    assert '<option value="unit_changed" selected>单位变更</option>' in html
    assert html.count('data-label="事件">单位变更') == 2
    assert "单位名称：大满镇综治中心（新）" in html and "启用：否" in html
    assert "unit_name" not in html and "region_code" not in html
