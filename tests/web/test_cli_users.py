"""``zongzhi users …`` through Flask's CLI runner."""

from __future__ import annotations

from datetime import date

import pytest

from engine.db import db
from processes.models import Unit
from processes.reference import DEMO_REGIONS
from processes.roster import candidates
from processes.stations import liaison_on_duty
from tests.processes.conftest import COUNTY, TOWNSHIP
from webapp.accounts.service import authenticate, find_user
from webapp.cli import cli

from .admin_helpers import log_entries, seed_regions

DEMO_COUNTY, DEMO_TOWNSHIP, DEMO_VILLAGE, DEMO_GRID = (code for code, *_ in DEMO_REGIONS[:4])


@pytest.fixture
def run(app):
    runner = app.test_cli_runner()

    def invoke(*args: str, stdin: str | None = None):
        return runner.invoke(cli, list(args), input=stdin)

    return invoke


def _roles_of(app, username: str) -> frozenset[str]:
    with app.app_context():
        user = find_user(db.session, username=username)
        assert user is not None
        roles = user.roles
        db.session.remove()
        return roles


def test_create_list_grant_revoke(app, run):
    created = run(
        "users",
        "create",
        "wang",
        "--name",
        "王五",
        "--password",
        "long-enough",
        "--role",
        "网格员",
        "--role",
        "SUPERVISOR",
    )
    assert created.exit_code == 0, created.output
    assert "已创建用户 wang（王五）" in created.output
    assert _roles_of(app, "wang") == {"网格员", "督办员"}

    listed = run("users", "list")
    assert listed.exit_code == 0
    assert "wang" in listed.output and "王五" in listed.output and "网格员、督办员" in listed.output

    granted = run("users", "grant", "wang", "审计", "网格员")
    assert granted.exit_code == 0, granted.output
    assert _roles_of(app, "wang") == {"网格员", "督办员", "审计"}

    revoked = run("users", "revoke", "wang", "网格员", "审计")
    assert revoked.exit_code == 0, revoked.output
    assert _roles_of(app, "wang") == {"督办员"}

    with app.app_context():
        assert authenticate(db.session, username="wang", password="long-enough") is not None


def test_unknown_role_is_named_and_nothing_is_stored(app, run):
    result = run(
        "users", "create", "wang", "--name", "王五", "--password", "long-enough", "--role", "村长"
    )
    assert result.exit_code == 1
    assert "未知角色：村长" in result.output
    assert "网格员" in result.output  # lists what is allowed
    with app.app_context():
        assert find_user(db.session, username="wang") is None


def test_grant_unknown_role_or_user_fails(run):
    run("users", "create", "wang", "--name", "王五", "--password", "long-enough")
    bad_role = run("users", "grant", "wang", "皇帝")
    assert bad_role.exit_code == 1 and "未知角色：皇帝" in bad_role.output
    no_user = run("users", "grant", "nobody", "审计")
    assert no_user.exit_code == 1 and "用户不存在：nobody" in no_user.output


def test_duplicate_username_and_short_password_fail(run):
    assert (
        run("users", "create", "wang", "--name", "王五", "--password", "long-enough").exit_code == 0
    )
    again = run("users", "create", "wang", "--name", "王五", "--password", "long-enough")
    assert again.exit_code == 1 and "用户名已存在：wang" in again.output
    short = run("users", "create", "li", "--name", "李四", "--password", "short")
    assert short.exit_code == 1 and "密码至少需要 8 个字符" in short.output


def test_password_prompt_and_no_stdin(app, run):
    prompted = run("users", "create", "li", "--name", "李四", stdin="long-enough\nlong-enough\n")
    assert prompted.exit_code == 0, prompted.output
    with app.app_context():
        assert authenticate(db.session, username="li", password="long-enough") is not None

    no_input = run("users", "create", "zhao", "--name", "赵六")
    assert no_input.exit_code == 1
    assert "未提供密码" in no_input.output


def test_usage_errors_exit_2(run):
    assert run("users", "create", "wang").exit_code == 2  # --name missing
    assert run("users", "grant", "wang").exit_code == 2  # no role given
    assert run("serve", "--port", "0").exit_code == 2


def _scope_of(app, username: str) -> tuple[str | None, str | None, bool]:
    with app.app_context():
        user = find_user(db.session, username=username)
        assert user is not None
        scope = (user.region_code, user.department_code, user.active)
        db.session.remove()
        return scope


@pytest.fixture
def regions(app):
    seed_regions(app)


def test_create_with_region_and_department_then_set(app, run, regions, sa_engine):
    created = run(
        "users", "create", "wang", "--name", "王五", "--password", "long-enough",
        "--role", "部门", "--region", COUNTY, "--department", "court",
    )  # fmt: skip
    assert created.exit_code == 0, created.output
    assert f"区划：{COUNTY}，部门：court，单位：court" in created.output
    assert _scope_of(app, "wang") == (COUNTY, "court", True)
    assert _unit_of(app, "wang") == "court", "a liaison belongs to their department's unit"
    listed = run("users", "list").output
    assert COUNTY in listed and "court" in listed and "区划" in listed

    moved = run("users", "set", "wang", "--region", TOWNSHIP, "--no-department", "--inactive")
    assert moved.exit_code == 0, moved.output
    assert _scope_of(app, "wang") == (TOWNSHIP, None, False)
    assert run("users", "set", "wang", "--no-region", "--active").exit_code == 0
    assert _scope_of(app, "wang") == (None, None, True)

    entries = log_entries(sa_engine, "user_changed")
    assert [e["action"] for e in entries] == ["create", "update", "update"]
    assert entries[1]["before"]["region_code"] == COUNTY
    assert entries[1]["after"] == {
        "display_name": "王五",
        "roles": ["部门"],
        "region_code": TOWNSHIP,
        "department_code": None,
        "unit_code": None,
        "active": False,
    }


def _unit_of(app, username: str) -> str | None:
    with app.app_context():
        unit = find_user(db.session, username=username).unit_code
        db.session.remove()
        return unit


def test_a_user_s_unit_is_set_cleared_and_follows_their_department(app, run, sa_engine):
    run("users", "create", "li", "--name", "李四", "--password", "long-enough", "--unit", "police")
    assert _unit_of(app, "li") == "police"
    assert _scope_of(app, "li")[1] is None, "a unit alone does not make a department liaison"
    run("users", "set", "li", "--department", "court")
    assert _unit_of(app, "li") == "police", "a unit other than the department stays"

    run("users", "create", "wang", "--name", "王五", "--password", "long-enough",
        "--department", "court")  # fmt: skip
    moved = run("users", "set", "wang", "--department", "labour")
    assert moved.exit_code == 0, moved.output
    assert "部门 labour，单位 labour" in moved.output
    assert run("users", "set", "wang", "--no-unit").exit_code == 0
    assert (_scope_of(app, "wang")[1], _unit_of(app, "wang")) == ("labour", None)
    assert "labour" in run("users", "list").output

    bad = run("users", "set", "wang", "--unit", "nowhere")
    assert bad.exit_code == 1 and "单位代码不存在：nowhere" in bad.output
    assert run("users", "set", "wang", "--unit", "court", "--no-unit").exit_code == 2
    last = log_entries(sa_engine, "user_changed")[-1]
    assert (last["before"]["unit_code"], last["after"]["unit_code"]) == ("labour", None)


def test_unknown_region_or_department_is_refused(app, run, regions):
    bad = run(
        "users", "create", "wang", "--name", "王五", "--password", "long-enough",
        "--region", "999", "--department", "nowhere",
    )  # fmt: skip
    assert bad.exit_code == 1
    assert "区划代码不存在：999" in bad.output and "部门代码不存在：nowhere" in bad.output
    with app.app_context():
        assert find_user(db.session, username="wang") is None
    run("users", "create", "wang", "--name", "王五", "--password", "long-enough")
    assert run("users", "set", "wang", "--region", "999").exit_code == 1
    assert run("users", "set", "nobody", "--region", COUNTY).exit_code == 1
    assert run("users", "set", "wang").exit_code == 2  # nothing to change
    assert run("users", "set", "wang", "--region", COUNTY, "--no-region").exit_code == 2


def test_password_reset(app, run, sa_engine):
    run("users", "create", "wang", "--name", "王五", "--password", "long-enough")
    assert run("users", "password", "wang", "--password", "short").exit_code == 1
    done = run("users", "password", "wang", "--password", "another-pass")
    assert done.exit_code == 0, done.output
    with app.app_context():
        assert authenticate(db.session, username="wang", password="another-pass") is not None
    entry = log_entries(sa_engine, "user_changed")[-1]
    assert entry["action"] == "reset_password" and "another-pass" not in str(entry)


def test_demo_users_get_the_region_and_unit_of_their_role(app, run):
    result = run("init", "--demo")
    assert result.exit_code == 0, result.output
    assert "已创建 7 个演示单位、4 条调解员名册与部门驻点" in result.output
    expected = {
        "demo_wangge": (DEMO_GRID, None),
        "demo_cuntiao": (DEMO_VILLAGE, None),
        "demo_zhenzongzhi": (DEMO_TOWNSHIP, None),
        "demo_zhendangwei": (DEMO_TOWNSHIP, None),
        "demo_xianzongzhi": (DEMO_COUNTY, None),
        "demo_duban": (DEMO_COUNTY, None),
        "demo_baoan": (DEMO_COUNTY, None),
        "demo_bumen": (DEMO_COUNTY, "justice"),
        "demo_renshe": (DEMO_COUNTY, "labour"),  # two more liaisons for a 吹哨 to summon
        "demo_zhujian": (DEMO_COUNTY, "housing"),
        "demo_shenji": (None, None),
        "admin": (None, None),
    }
    assert {name: _scope_of(app, name)[:2] for name in expected} == expected
    units = {
        "demo_wangge": "大满村村民委员会",
        "demo_cuntiao": "大满村村民委员会",
        "demo_zhenzongzhi": "大满镇综治中心",
        "demo_zhendangwei": "大满镇党委政府",
        "demo_tiaojie": "大满镇人民调解委员会",
        "demo_xianzongzhi": "甘州区综治中心",
        "demo_duban": "甘州区综治中心",
        "demo_baoan": "甘州区综治中心",
        "demo_bumen": "司法所",
        "demo_renshe": "人社局",
        "demo_zhujian": "住建局",
        "demo_sheji": "甘州区综治中心",
        "demo_shenji": "甘州区综治中心",
        "demo_guanli": "甘州区综治中心",
        "admin": "甘州区综治中心",
    }
    with app.app_context():
        names = {
            username: db.session.get(Unit, find_user(db.session, username=username).unit_code).name
            for username in units
        }
        on_duty = liaison_on_duty(
            db.session, department_code="justice", region_code=DEMO_GRID, day=date(2026, 3, 2)
        )
        labour = liaison_on_duty(
            db.session, department_code="labour", region_code=DEMO_GRID, day=date(2026, 3, 2)
        )
        mediators = [view.username for view in candidates(db.session, region_code=DEMO_GRID)]
        db.session.remove()
    assert names == units
    assert (on_duty, labour) == ("demo_bumen", "demo_renshe")
    assert mediators == ["demo_tiaojie", None]

    again = run("init", "--demo")
    assert again.exit_code == 0 and "演示单位" not in again.output
