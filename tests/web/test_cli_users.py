"""``zongzhi users …`` through Flask's CLI runner."""

from __future__ import annotations

import pytest

from engine.db import db
from webapp.accounts.service import authenticate, find_user
from webapp.cli import cli


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
