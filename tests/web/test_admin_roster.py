"""系统管理 · 调解员名册: list with filters, add, edit, deactivate; refusals beside their
field (the linked account checked here); every change logged."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.db import db
from processes.models import RosterEntry
from processes.units import save_unit
from tests.processes.conftest import COUNTY, GRID, TOWNSHIP, VILLAGE
from webapp.accounts.service import change_profile

from .admin_helpers import ADMIN, log_entries
from .conftest import PASSWORD, add_test_user

MEDIATOR = {
    "name": "王调解",
    "kind": "人民调解员",
    "unit_code": "tw",
    "region_code": TOWNSHIP,
    "skills": ["02", "1001"],
    "username": "wang.tj",
    "active": "on",
}


@pytest.fixture
def admin(login_as, app, web_engine):
    # the web engine seeds the county → township → village → grid regions
    with app.app_context():
        audit = {"actor": "setup", "record": web_engine.record_operation}
        for code, name, kind, region in [
            ("tw", "大满镇人民调解委员会", "调解组织", TOWNSHIP),
            ("ty", "甘州区法院特邀调解组织", "法院特邀调解", COUNTY),
        ]:
            values = {"name": name, "kind": kind, "region_code": region}
            save_unit(db.session, code=code, values=values, create=True, **audit)
        db.session.commit()
    add_test_user(app, "wang.tj", "调解员", region=TOWNSHIP)
    return login_as(ADMIN, "管理员")


def _listed(client, query: str = "") -> str:
    """The roster table (after the flashed messages) for the filters in ``query``."""
    html = client.get(f"/admin/roster{query}").get_data(as_text=True)
    return html[html.index("<table") :]


def _entries(app) -> list[RosterEntry]:
    with app.app_context():
        rows = list(db.session.scalars(select(RosterEntry).order_by(RosterEntry.id)))
        db.session.expunge_all()
        return rows


def test_add_a_mediator_and_find_them_by_the_filters(app, admin, sa_engine):
    form = admin.get("/admin/roster/new").get_data(as_text=True)
    assert 'name="csrf_token"' in form and 'value="人民调解员" selected' in form
    assert 'id="skill-02"' in form and 'id="skill-0201"' in form
    assert '<option value="wang.tj">' in form, "mediators' accounts are offered"

    assert admin.post("/admin/roster/new", data=MEDIATOR).status_code == 302
    lawyer = MEDIATOR | {"name": "李律师", "kind": "律师", "unit_code": "ty",
                         "region_code": COUNTY, "skills": [], "username": ""}  # fmt: skip
    assert admin.post("/admin/roster/new", data=lawyer).status_code == 302
    [entry, _] = _entries(app)
    assert (entry.skills, entry.username, entry.active) == (["02", "1001"], "wang.tj", True)

    listed = _listed(admin)
    assert "王调解" in listed and "邻里纠纷" in listed and "欠薪" in listed and "李律师" in listed
    by_region = _listed(admin, f"?region={VILLAGE}")
    assert "没有符合条件的人员" in by_region
    by_township = _listed(admin, f"?region={TOWNSHIP}")
    assert "王调解" in by_township and "李律师" not in by_township
    by_kind = _listed(admin, "?kind=律师")
    assert "李律师" in by_kind and "王调解" not in by_kind
    by_skill = _listed(admin, "?skill=0101")
    assert "李律师" in by_skill and "王调解" not in by_skill  # 婚姻: only the generalist
    assert log_entries(sa_engine, "roster_changed")[0]["after"]["person"] == "王调解"


def test_edit_and_deactivate_then_the_list_hides_them(app, admin, sa_engine):
    admin.post("/admin/roster/new", data=MEDIATOR)
    [entry] = _entries(app)
    page = admin.get(f"/admin/roster/{entry.id}/edit").get_data(as_text=True)
    assert 'value="王调解"' in page and 'id="skill-02" name="skills" value="02" checked' in page
    changed = MEDIATOR | {"skills": ["01"], "username": ""}
    del changed["active"]
    assert admin.post(f"/admin/roster/{entry.id}/edit", data=changed).status_code == 302
    [entry] = _entries(app)
    assert (entry.skills, entry.username, entry.active) == (["01"], None, False)
    assert "王调解" not in _listed(admin)
    assert "王调解" in _listed(admin, "?inactive=on")
    last = log_entries(sa_engine, "roster_changed")[-1]
    assert (last["before"]["username"], last["after"]["username"]) == ("wang.tj", None)
    assert (last["before"]["active"], last["after"]["active"]) == (True, False)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"username": "nobody"}, "username", "用户不存在：nobody"),
        ({"name": ""}, "name", "姓名不能为空"),
        ({"unit_code": ""}, "unit_code", "请选择单位"),
        ({"region_code": ""}, "region_code", "请选择区划"),
        ({"kind": "法官"}, "kind", "人员类别必须是"),
    ],
)
def test_a_refused_entry_shows_why_beside_the_field(app, admin, sa_engine, data, field, message):
    response = admin.post("/admin/roster/new", data=MEDIATOR | data)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'<p class="field-error" id="err-{field}">' in html and message in html
    assert 'value="02" checked' in html, "the input is kept"
    assert _entries(app) == []
    assert log_entries(sa_engine, "roster_changed") == []


def test_an_inactive_account_cannot_be_linked(app, admin):
    add_test_user(app, "gone", "调解员", region=GRID)
    with app.app_context():
        change_profile(db.session, username="gone", changes={"active": False})
        db.session.commit()
    html = admin.post("/admin/roster/new", data=MEDIATOR | {"username": "gone"}).get_data(
        as_text=True
    )
    assert "账号已停用：gone" in html


def test_other_roles_are_refused(app, admin, client):
    admin.post("/logout")
    add_test_user(app, "clerk", "县综治中心", region=COUNTY)
    client.post("/login", data={"username": "clerk", "password": PASSWORD})
    assert client.get("/admin/roster").status_code == 403
    assert client.post("/admin/roster/new", data=MEDIATOR).status_code == 403
    assert _entries(app) == []
