"""Login, logout, CSRF and the landing page."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime

import pytest

from engine.db import db
from engine.enums import InstanceStatus, TaskStatus
from engine.models import Instance, ProcessDefinition, ProcessVersion, TaskRecord
from webapp.accounts.models import User
from webapp.accounts.service import create_user

from .conftest import PASSWORD, AuthActions, make_app


def test_login_page_is_chinese_and_has_csrf_field(client):
    page = client.get("/login")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<html lang="zh-CN">' in html
    assert '<h1 id="login-title">登录</h1>' in html
    assert 'name="csrf_token"' in html
    assert "http://" not in html and "https://" not in html  # nothing from the network


def test_login_success_goes_home_and_greets(client, auth, user):
    response = auth.login()
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    home = client.get("/").get_data(as_text=True)
    assert "首页" in home
    assert "您好，张三" in home
    assert "镇综治中心" in home


@pytest.mark.parametrize(
    ("username", "password", "message"),
    [
        ("zhang", "wrong-password", "用户名或密码错误"),
        ("nobody", PASSWORD, "用户名或密码错误"),
        ("zhang", "", "请输入用户名和密码"),
        ("", "", "请输入用户名和密码"),
    ],
)
def test_login_failure_shows_chinese_error(client, auth, user, username, password, message):
    response = auth.login(username, password)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in html
    assert 'role="alert"' in html
    assert client.get("/").status_code == 302  # still not logged in


def test_inactive_user_cannot_log_in(app, auth, user):
    with app.app_context():
        db.session.query(User).filter_by(username=user).one().active = False
        db.session.commit()
    assert "用户名或密码错误" in auth.login().get_data(as_text=True)


def test_home_requires_login_and_remembers_where_to_go(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/healthz", "/healthz"),
        ("//evil.example/x", "/"),
        ("http://evil.example/x", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_next_only_for_same_site_paths(auth, user, next_url, expected):
    response = auth.login(next=next_url)
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_logout_needs_post_and_ends_session(client, auth, user):
    auth.login()
    assert client.get("/logout").status_code == 405
    response = auth.logout()
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert "您已安全退出" in client.get("/login").get_data(as_text=True)
    assert client.get("/").status_code == 302


@pytest.fixture
def csrf_app(tmp_path):
    app = make_app(tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        create_user(db.session, username="zhang", display_name="张三", password=PASSWORD)
        db.session.commit()
    yield app
    with app.app_context():
        db.engine.dispose()


def _token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "form has no CSRF token"
    return match.group(1)


def test_csrf_enforced_on_login_and_logout(csrf_app):
    client = csrf_app.test_client()
    auth = AuthActions(client)
    rejected = auth.login()
    assert rejected.status_code == 400
    assert "请求无效" in rejected.get_data(as_text=True)

    token = _token(client.get("/login").get_data(as_text=True))
    assert auth.login(csrf_token=token).status_code == 302

    assert client.post("/logout").status_code == 400
    token = _token(client.get("/").get_data(as_text=True))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/").status_code == 302


def _task_rows(instance_id: int):
    now = datetime.now(UTC)
    cases = [
        ("镇综治中心", None, TaskStatus.READY),  # offered to my role: counts
        ("县综治中心", "zhang", TaskStatus.READY),  # assigned to me: counts
        ("镇综治中心", "li", TaskStatus.READY),  # claimed by someone else
        ("镇综治中心", None, TaskStatus.COMPLETED),  # done
        ("网格员", None, TaskStatus.READY),  # not my role
    ]
    for role, assignee, status in cases:
        yield TaskRecord(
            id=str(uuid.uuid4()),
            instance_id=instance_id,
            process_id="p",
            spec_id="t",
            name="任务",
            lane=role,
            candidate_role=role,
            assignee=assignee,
            status=status,
            created_at=now,
        )


def test_home_counts_ready_tasks_i_can_act_on(app, client, auth, user):
    now = datetime.now(UTC)
    with app.app_context():
        version = ProcessVersion(content_hash="x" * 64, deployed_at=now, deployed_by="t")
        definition = ProcessDefinition(version=version, process_id="p", name="p", spec_json="{}")
        db.session.add(definition)
        db.session.flush()
        instance = Instance(
            definition=definition,
            process_id="p",
            version_id=version.id,
            status=InstanceStatus.RUNNING,
            state="{}",
            serializer_version="1",
            started_by="t",
            started_at=now,
            updated_at=now,
        )
        db.session.add(instance)
        db.session.flush()
        db.session.add_all(_task_rows(instance.id))
        db.session.commit()
    auth.login()
    html = client.get("/").get_data(as_text=True)
    assert re.search(r'class="stat-number">\s*2\s*<', html)
