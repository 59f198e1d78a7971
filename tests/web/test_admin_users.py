"""系统管理 · 用户: create, edit, deactivate, reset a password; every change logged."""

from __future__ import annotations

import pytest
from flask import g

from engine.db import db
from tests.processes.conftest import GRID, TOWNSHIP, VILLAGE
from webapp.accounts.service import authenticate, create_user, find_user
from webapp.scope import region_scope

from .admin_helpers import ADMIN, log_entries, seed_regions
from .conftest import PASSWORD

NEW_USER = {
    "username": "liu",
    "display_name": "刘网格",
    "password": "grid-pass-1",
    "roles": ["网格员"],
    "region_code": GRID,
    "department_code": "",
}


@pytest.fixture
def regions(app):
    seed_regions(app)


@pytest.fixture
def admin(login_as):
    """A client logged in as an administrator without a region."""
    return login_as(ADMIN, "管理员")


def _user(app, username: str):
    with app.app_context():
        user = find_user(db.session, username=username)
        assert user is not None
        snapshot = (
            user.id,
            sorted(user.roles),
            user.region_code,
            user.department_code,
            user.active,
        )
        db.session.remove()
        return snapshot


def test_the_form_offers_roles_with_meanings_and_the_region_tree(admin, regions):
    html = admin.get("/admin/users/new").get_data(as_text=True)
    assert 'value="网格员"' in html and "第一响应人" in html
    assert 'value="管理员"' in html and 'name="csrf_token"' in html
    assert "\u3000\u3000\u3000大满村第一网格（网格" in html  # indented under 县 › 镇 › 村
    assert "人民法院（court）" in html  # the seeded departments


def test_admin_creates_a_user_who_logs_in_within_their_region(app, admin, regions, sa_engine):
    response = admin.post("/admin/users/new", data=NEW_USER)
    assert response.status_code == 302 and response.headers["Location"] == "/admin/users"
    listed = admin.get("/admin/users").get_data(as_text=True)
    assert "liu" in listed and "刘网格" in listed and "大满村第一网格" in listed

    _, roles, region, department, active = _user(app, "liu")
    assert (roles, region, department, active) == (["网格员"], GRID, None, True)
    [entry] = log_entries(sa_engine, "user_changed")
    assert entry["action"] == "create" and entry["actor"] == "boss"
    assert entry["before"] is None and entry["after"]["region_code"] == GRID
    assert "grid-pass-1" not in str(entry) and "password" not in str(entry)

    admin.post("/logout")
    assert (
        admin.post("/login", data={"username": "liu", "password": "grid-pass-1"}).status_code == 302
    )
    with app.test_request_context():
        user = find_user(db.session, username="liu")
        assert region_scope(db.session, user) == {GRID}
        g.pop("region_scope")
        user.region_code = TOWNSHIP
        assert region_scope(db.session, user) == {TOWNSHIP, VILLAGE, GRID}
        db.session.rollback()


def test_editing_roles_and_scope_logs_old_and_new(app, admin, regions, sa_engine):
    admin.post("/admin/users/new", data=NEW_USER)
    user_id = _user(app, "liu")[0]
    page = admin.get(f"/admin/users/{user_id}").get_data(as_text=True)
    assert "编辑用户 liu" in page and "重设密码" in page
    response = admin.post(
        f"/admin/users/{user_id}",
        data={
            "display_name": "刘调解",
            "roles": ["村调委会", "调解员"],
            "region_code": VILLAGE,
            "department_code": "justice",
            "active": "on",
        },
    )
    assert response.status_code == 302
    assert _user(app, "liu")[1:] == (["村调委会", "调解员"], VILLAGE, "justice", True)
    update = log_entries(sa_engine, "user_changed")[-1]
    assert update["action"] == "update"
    assert (update["before"]["roles"], update["after"]["roles"]) == (
        ["网格员"],
        ["村调委会", "调解员"],
    )
    assert (update["before"]["region_code"], update["after"]["region_code"]) == (GRID, VILLAGE)
    assert update["after"]["display_name"] == "刘调解"

    again = {"display_name": "刘调解", "roles": ["村调委会", "调解员"], "region_code": VILLAGE}
    admin.post(
        f"/admin/users/{user_id}", data=again | {"department_code": "justice", "active": "on"}
    )
    assert len(log_entries(sa_engine, "user_changed")) == 2, "saving unchanged logs nothing"


def test_a_deactivated_user_cannot_log_in(app, admin, regions, client, sa_engine):
    admin.post("/admin/users/new", data=NEW_USER)
    user_id = _user(app, "liu")[0]
    data = {"display_name": "刘网格", "roles": ["网格员"], "region_code": GRID}
    assert admin.post(f"/admin/users/{user_id}", data=data).status_code == 302  # no "active"
    assert _user(app, "liu")[4] is False
    listed = admin.get("/admin/users").get_data(as_text=True)
    assert "已停用" in listed
    assert log_entries(sa_engine, "user_changed")[-1]["after"]["active"] is False

    admin.post("/logout")
    refused = admin.post("/login", data={"username": "liu", "password": "grid-pass-1"})
    assert refused.status_code == 200 and "用户名或密码错误" in refused.get_data(as_text=True)


def test_a_logged_in_user_is_logged_out_once_deactivated(app, login_as, regions):
    user_client = login_as("zhou", "网格员", region=GRID)
    assert user_client.get("/").status_code == 200
    with app.app_context():
        find_user(db.session, username="zhou").active = False
        db.session.commit()
    assert user_client.get("/").status_code == 302  # back to the login page


def test_reset_password(app, admin, regions, sa_engine):
    admin.post("/admin/users/new", data=NEW_USER)
    user_id = _user(app, "liu")[0]
    short = admin.post(f"/admin/users/{user_id}/password", data={"password": "short"})
    assert short.status_code == 200
    assert 'id="err-password"' in short.get_data(as_text=True)
    done = admin.post(f"/admin/users/{user_id}/password", data={"password": "new-pass-123"})
    assert done.status_code == 302
    with app.app_context():
        assert authenticate(db.session, username="liu", password="new-pass-123") is not None
        assert authenticate(db.session, username="liu", password="grid-pass-1") is None
    entry = log_entries(sa_engine, "user_changed")[-1]
    assert entry["action"] == "reset_password" and "new-pass-123" not in str(entry)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"username": "boss"}, "username", "用户名已存在：boss"),
        ({"username": ""}, "username", "用户名不能为空"),
        ({"password": "short"}, "password", "密码至少需要 8 个字符"),
        ({"display_name": " "}, "display_name", "姓名不能为空"),
        ({"region_code": "999999"}, "region_code", "区划代码不存在：999999"),
        ({"department_code": "nowhere"}, "department_code", "部门代码不存在：nowhere"),
        ({"roles": ["村长"]}, "roles", "未知角色：村长"),
    ],
)
def test_validation_errors_are_shown_at_the_field_with_input_kept(
    app, admin, regions, changes, field, message
):
    response = admin.post("/admin/users/new", data=NEW_USER | changes)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'<p class="field-error" id="err-{field}">{message}' in html
    assert f'aria-describedby="err-{field}' in html
    if field != "display_name":
        assert 'value="刘网格"' in html  # what was typed is kept
    if field not in ("region_code",):
        assert f'value="{GRID}" selected' in html
    with app.app_context():
        assert find_user(db.session, username="liu") is None


def test_several_errors_are_shown_at_once(admin, regions):
    data = NEW_USER | {"username": "boss", "password": "x", "region_code": "nope"}
    html = admin.post("/admin/users/new", data=data).get_data(as_text=True)
    assert all(f'id="err-{f}"' in html for f in ("username", "password", "region_code"))


def test_an_admin_cannot_lock_themselves_out(app, admin, sa_engine):
    boss_id = _user(app, "boss")[0]
    page = admin.get(f"/admin/users/{boss_id}").get_data(as_text=True)
    assert "这是您自己的账号" in page
    deactivate = admin.post(
        f"/admin/users/{boss_id}", data={"display_name": "老板", "roles": ["管理员"]}
    )
    assert "不能停用自己的账号" in deactivate.get_data(as_text=True)
    demote = admin.post(
        f"/admin/users/{boss_id}",
        data={"display_name": "老板", "roles": ["审计"], "active": "on"},
    )
    assert "不能收回自己的管理员角色" in demote.get_data(as_text=True)
    assert _user(app, "boss")[1:] == (["管理员"], None, None, True)
    assert log_entries(sa_engine, "user_changed") == []

    renamed = admin.post(
        f"/admin/users/{boss_id}",
        data={"display_name": "老板", "roles": ["管理员", "审计"], "active": "on"},
    )
    assert renamed.status_code == 302, "other changes to one's own account are fine"


def test_another_admin_may_deactivate_an_admin(app, admin, login_as, client):
    with app.app_context():
        create_user(
            db.session, username="deputy", display_name="副", password=PASSWORD, roles=["管理员"]
        )
        db.session.commit()
    deputy_id = _user(app, "deputy")[0]
    response = admin.post(f"/admin/users/{deputy_id}", data={"display_name": "副", "roles": []})
    assert response.status_code == 302
    assert _user(app, "deputy")[1:] == ([], None, None, False)


def test_unknown_user_is_404(admin):
    assert admin.get("/admin/users/9999").status_code == 404
    assert (
        admin.post("/admin/users/9999/password", data={"password": "long-enough"}).status_code
        == 404
    )


def test_the_user_s_unit_is_chosen_on_the_form_and_logged(app, admin, regions, sa_engine):
    form = admin.get("/admin/users/new").get_data(as_text=True)
    assert 'id="unit_code"' in form and "人民法院（部门，court）" in form
    liaison = NEW_USER | {"username": "ma", "roles": ["部门"], "department_code": "court"}
    assert admin.post("/admin/users/new", data=liaison).status_code == 302
    with app.app_context():
        assert find_user(db.session, username="ma").unit_code == "court", "the department's"
        db.session.remove()
    user_id = _user(app, "ma")[0]
    edit = admin.get(f"/admin/users/{user_id}").get_data(as_text=True)
    assert 'value="court" selected>人民法院（部门，court）' in edit

    moved = {"display_name": "马", "roles": ["部门"], "department_code": "court", "active": "on"}
    admin.post(f"/admin/users/{user_id}", data=moved | {"unit_code": "police"})
    last = log_entries(sa_engine, "user_changed")[-1]
    assert (last["before"]["unit_code"], last["after"]["unit_code"]) == ("court", "police")
    assert "公安派出所" in admin.get("/admin/users").get_data(as_text=True)

    refused = admin.post(f"/admin/users/{user_id}", data=moved | {"unit_code": "nowhere"})
    html = refused.get_data(as_text=True)
    assert 'id="err-unit_code">单位代码不存在：nowhere' in html
    assert 'id="unit_code" name="unit_code" aria-invalid="true"' in html
