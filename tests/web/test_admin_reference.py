"""系统管理 · 参考数据: regions, departments and dispute types, created and edited through
``processes.reference`` with its consistency checks; refusals shown on the form."""

from __future__ import annotations

import pytest

from engine.db import db
from processes.models import Department, DisputeType, Region
from tests.processes.conftest import COUNTY, GRID, TOWNSHIP, VILLAGE

from .admin_helpers import ADMIN, log_entries, seed_regions


@pytest.fixture
def regions(app):
    seed_regions(app)


@pytest.fixture
def admin(login_as):
    return login_as(ADMIN, "管理员")


def _get(app, model, code):
    with app.app_context():
        row = db.session.get(model, code)
        state = None if row is None else {c.name: getattr(row, c.name) for c in model.__table__.c}
        db.session.remove()
        return state


def test_the_region_list_is_a_tree(admin, regions):
    html = admin.get("/admin/reference/region").get_data(as_text=True)
    assert html.index("甘州区") < html.index("大满镇") < html.index("大满村第一网格")
    assert 'class="tree-name depth-3">大满村第一网格' in html
    assert f"/admin/reference/region/{GRID}/edit" in html


def test_create_a_village_and_edit_it(app, admin, regions, sa_engine):
    form = {"code": "620702101203", "name": "红星村", "level": "村", "parent_code": TOWNSHIP}
    created = admin.post("/admin/reference/region/new", data=form | {"active": "on"})
    assert created.status_code == 302
    assert _get(app, Region, "620702101203")["parent_code"] == TOWNSHIP

    edit = admin.get("/admin/reference/region/620702101203/edit").get_data(as_text=True)
    assert 'value="红星村"' in edit and f'value="{TOWNSHIP}" selected' in edit
    deactivated = admin.post(
        "/admin/reference/region/620702101203/edit",
        data={"name": "红星村", "level": "村", "parent_code": TOWNSHIP},
    )
    assert deactivated.status_code == 302
    assert _get(app, Region, "620702101203")["active"] is False
    assert "已停用" in admin.get("/admin/reference/region").get_data(as_text=True)

    changes = log_entries(sa_engine, "reference_changed")
    assert [c["actor"] for c in changes] == [ADMIN, ADMIN]
    assert (changes[1]["before"]["active"], changes[1]["after"]["active"]) == (True, False)


@pytest.mark.parametrize(
    ("kind", "code", "data", "message"),
    [
        (
            "region",
            "X1",
            {"name": "某村", "level": "村", "parent_code": COUNTY},
            "村级区划的上级必须是镇级",
        ),
        ("region", TOWNSHIP, {"name": "重复", "level": "镇", "parent_code": COUNTY}, "代码已存在"),
        ("region", "", {"name": "无码", "level": "县"}, "代码不能为空"),
        ("department", "d1", {"name": "", "station": "常驻"}, "名称不能为空"),
        ("department", "d2", {"name": "某局", "station": "偶尔"}, "驻点方式必须是"),
        ("dispute_type", "0101a", {"name": "三级", "parent_code": "0101"}, "只有两级"),
    ],
)
def test_a_refused_create_shows_why_and_keeps_the_input(
    app, admin, regions, sa_engine, kind, code, data, message
):
    response = admin.post(f"/admin/reference/{kind}/new", data={"code": code, **data})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'role="alert" id="form-problem">未保存：' in html and message in html
    if data["name"]:
        assert f'value="{data["name"]}"' in html
    model = {"region": Region, "department": Department, "dispute_type": DisputeType}[kind]
    if code != TOWNSHIP:
        assert _get(app, model, code) is None
    assert log_entries(sa_engine, "reference_changed") == []


def test_an_edit_that_breaks_the_tree_is_refused(app, admin, regions):
    to_grid = admin.post(
        f"/admin/reference/region/{VILLAGE}/edit",
        data={"name": "大满村", "level": "网格", "parent_code": TOWNSHIP, "active": "on"},
    )
    html = to_grid.get_data(as_text=True)
    assert "未保存：" in html and "网格级区划的上级必须是村级" in html
    assert _get(app, Region, VILLAGE)["level"] == "村"

    demote = admin.post(
        "/admin/reference/dispute_type/01/edit",
        data={"name": "婚姻家庭纠纷", "parent_code": "02", "active": "on"},
    )
    assert "下有二级分类" in demote.get_data(as_text=True)
    assert _get(app, DisputeType, "01")["parent_code"] is None


def test_department_edit_and_too_long_name(app, admin):
    page = admin.get("/admin/reference/department").get_data(as_text=True)
    assert "人民法院" in page and "轮驻" in page
    saved = admin.post(
        "/admin/reference/department/court/edit",
        data={"name": "人民法院", "station": "常驻", "active": "on"},
    )
    assert saved.status_code == 302
    assert _get(app, Department, "court")["station"] == "常驻"
    long_name = admin.post(
        "/admin/reference/department/court/edit",
        data={"name": "长" * 61, "station": "常驻", "active": "on"},
    )
    assert 'id="err-name">名称不超过 60 个字' in long_name.get_data(as_text=True)


def test_dispute_type_parents_are_first_level_only(admin):
    html = admin.get("/admin/reference/dispute_type/new").get_data(as_text=True)
    assert 'value="01"' in html and 'value="0101"' not in html


def test_unknown_kind_or_code_is_404(admin):
    assert admin.get("/admin/reference/planet").status_code == 404
    assert admin.get("/admin/reference/region/nowhere/edit").status_code == 404


def test_rows_on_a_loop_of_parents_are_still_listed(app, admin):
    with app.app_context():
        db.session.add(DisputeType(code="98", name="甲", parent_code=None, active=True))
        db.session.add(DisputeType(code="99", name="乙", parent_code="98", active=True))
        db.session.flush()
        db.session.get(DisputeType, "98").parent_code = "99"  # bypassing the checks
        db.session.commit()
    html = admin.get("/admin/reference/dispute_type").get_data(as_text=True)
    assert "/admin/reference/dispute_type/98/edit" in html
    assert "/admin/reference/dispute_type/99/edit" in html
