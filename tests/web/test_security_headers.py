"""Every answer carries the security headers; the session cookie is HTTPS-only unless
the site is on 127.0.0.1; a session ends for good on logout and on a new password."""

from __future__ import annotations

import pytest

from engine.db import db
from webapp.accounts.service import find_user
from webapp.config import ConfigError, cookie_secure_setting, load_config

from .conftest import PASSWORD, add_test_user, make_app

PAGES = ("/login", "/healthz", "/static/app.css", "/no-such-page", "/chaxun")


@pytest.mark.parametrize("path", PAGES)
def test_every_answer_carries_the_security_headers(client, path):
    headers = client.get(path).headers

    policy = headers["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "style-src-elem 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "base-uri 'self'",
        "object-src 'none'",
    ):
        assert directive in policy
    assert "unsafe-eval" not in policy and "script-src 'self' 'unsafe-inline'" not in policy
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] in ("same-origin", "no-referrer")
    assert "geolocation=(self)" in headers["Permissions-Policy"]
    assert "Strict-Transport-Security" not in headers, "no HSTS on 127.0.0.1"


def test_the_citizen_lookup_keeps_its_stricter_referrer_policy(client):
    assert client.get("/chaxun").headers["Referrer-Policy"] == "no-referrer"


def _login(client, base_url: str = "http://localhost"):
    return client.post(
        "/login", data={"username": "zhang", "password": PASSWORD}, base_url=base_url
    )


def test_on_127_0_0_1_the_cookie_works_over_http(client, user):
    response = _login(client, "http://127.0.0.1:8000")

    assert response.status_code == 302
    assert "Secure" not in response.headers["Set-Cookie"]


def test_on_any_other_host_the_cookie_is_https_only_with_hsts(client, user):
    page = client.get("/login", base_url="http://zongzhi.example.cn")
    response = _login(client, "https://zongzhi.example.cn")

    assert "当前为 HTTP 连接" in page.get_data(as_text=True), "told before the login fails"
    assert "; Secure" in response.headers["Set-Cookie"]
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert "当前为 HTTP 连接" not in client.get("/login", base_url="https://x.cn").get_data(
        as_text=True
    )


@pytest.mark.parametrize(
    ("setting", "host", "secure"), [(False, "x.cn", False), (True, "localhost", True)]
)
def test_the_setting_overrides_the_host(app, client, user, monkeypatch, setting, host, secure):
    monkeypatch.setitem(app.config, "ZONGZHI_COOKIE_SECURE", setting)
    response = _login(client, f"http://{host}")

    assert ("; Secure" in response.headers["Set-Cookie"]) is secure
    assert ("Strict-Transport-Security" in response.headers) is secure


def test_the_setting_is_read_from_the_environment(tmp_path, monkeypatch):
    assert [cookie_secure_setting(v) for v in ("", "auto", "1", "on", "0", "false")] == [
        None,
        None,
        True,
        True,
        False,
        False,
    ]
    monkeypatch.setenv("ZONGZHI_COOKIE_SECURE", "maybe")
    with pytest.raises(ConfigError, match="ZONGZHI_COOKIE_SECURE"):
        load_config(str(tmp_path))
    monkeypatch.setenv("ZONGZHI_COOKIE_SECURE", "1")
    monkeypatch.setenv("ZONGZHI_LOGIN_RATE_LIMIT", "twenty a minute")
    with pytest.raises(ConfigError, match="ZONGZHI_LOGIN_RATE_LIMIT 无效"):
        load_config(str(tmp_path))


def _session_cookie(client) -> str:
    return client.get_cookie("session").value


def test_a_copied_cookie_no_longer_works_after_logout(app, client, user, auth):
    auth.login()
    copy = app.test_client()
    copy.set_cookie("session", _session_cookie(client))
    assert copy.get("/tasks").status_code == 200, "the copy works while the session lasts"

    auth.logout()

    assert copy.get("/tasks").status_code == 302
    assert copy.get("/tasks").location.startswith("/login")


def test_a_new_password_ends_every_session_but_the_admins_own(app, client, user, auth, login_as):
    auth.login()
    admin = app.test_client()
    add_test_user(app, "root", "管理员", region=None)
    admin.post("/login", data={"username": "root", "password": PASSWORD})
    admin.post("/admin/users/" + _id(app, "zhang") + "/password", data={"password": "new-pass-9"})

    assert client.get("/tasks").status_code == 302, "zhang's session ended"
    admin.post("/admin/users/" + _id(app, "root") + "/password", data={"password": "new-pass-8"})
    assert admin.get("/admin/users").status_code == 200, "the admin setting it stays in"


def _id(app, username: str) -> str:
    with app.app_context():
        return str(find_user(db.session, username=username).id)


def test_behind_a_trusted_proxy_the_forwarded_address_and_scheme_count(tmp_path):
    app = make_app(tmp_path, ZONGZHI_PROXY_COUNT=1, ZONGZHI_LOGIN_RATE_LIMIT="2 per minute")
    client = app.test_client()

    def attempt(address: str):
        return client.post(
            "/login",
            data={"username": "x", "password": "guess"},
            headers={"X-Forwarded-For": address, "X-Forwarded-Proto": "https"},
            base_url="http://zongzhi.example.cn",
        )

    assert attempt("10.0.0.1").status_code == 200
    assert attempt("10.0.0.1").status_code == 200
    assert attempt("10.0.0.1").status_code == 429
    other = attempt("10.0.0.2")
    assert other.status_code == 200, "another client behind the same proxy is not held up"
    assert "当前为 HTTP 连接" not in other.get_data(as_text=True), "the proxy said HTTPS"


def test_only_the_decision_table_editor_admits_style_elements(web_engine, login_as):
    designer = login_as("wang", "流程设计")
    editor = designer.get("/designer/dmn/triage.dmn/edit").headers["Content-Security-Policy"]
    library = designer.get("/designer").headers["Content-Security-Policy"]

    assert "style-src-elem 'self' 'unsafe-inline'" in editor, "dmn-js's FEEL editor needs it"
    assert "script-src 'self';" in editor
    assert "style-src-elem 'self';" in library
