"""Login closed as a bank's would be: throttled per address and per name, a name locked
after repeated failures (its password then not even checked) until the lock runs out or
an admin lifts it, every lock and unlock logged; a session ends for good on logout."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest

from engine.db import db
from webapp.accounts import lockout, service
from webapp.cli import cli
from webapp.throttle import counters

from .admin_helpers import ADMIN, log_entries
from .conftest import PASSWORD, add_test_user, make_app

LOCKED = "该账号已暂时锁定"
WRONG = "用户名或密码错误"
THROTTLED = "登录尝试过于频繁"


@pytest.fixture
def verifications(monkeypatch) -> list[str]:
    """Every password hash computed by a login (the real check still runs)."""
    calls: list[str] = []
    real = service.check_password_hash

    def counting(stored: str, password: str) -> bool:
        calls.append(password)
        return real(stored, password)

    monkeypatch.setattr(service, "check_password_hash", counting)
    return calls


@pytest.fixture
def lockout_only(app, monkeypatch):
    """The throttles out of the way, to watch the lockout alone (10 failures in 15 min)."""
    monkeypatch.setitem(app.config, "ZONGZHI_LOGIN_RATE_LIMIT", "1000 per minute")
    monkeypatch.setitem(app.config, "ZONGZHI_LOGIN_ACCOUNT_LIMIT", "1000 per minute")


def _login(client, username: str, password: str):
    return client.post("/login", data={"username": username, "password": password})


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_thirty_wrong_passwords_in_a_row_are_refused_without_checking_past_the_limit(
    client, user, verifications
):
    answers = [_login(client, "zhang", f"guess-{n}") for n in range(30)]

    assert len(verifications) <= 10, "past the limits no password is checked"
    assert all(answer.status_code in (200, 429) for answer in answers)
    assert answers[-1].status_code == 429
    assert THROTTLED in _text(answers[-1]) or LOCKED in _text(answers[-1])
    assert "guess" not in "".join(_text(answer) for answer in answers)


def test_ten_failures_lock_the_name_until_an_admin_lifts_it(
    app, client, user, verifications, lockout_only, login_as, sa_engine
):
    for n in range(9):
        assert WRONG in _text(_login(client, "zhang", f"guess-{n}"))
    tenth = _login(client, "zhang", "guess-9")
    assert tenth.status_code == 429 and LOCKED in _text(tenth)
    assert "30 分钟" in _text(tenth)
    for n in range(20):
        assert LOCKED in _text(_login(client, "zhang", f"more-{n}"))
    right = _login(client, "zhang", PASSWORD)

    assert right.status_code == 429 and LOCKED in _text(right)
    assert len(verifications) == 10, "a locked name's password is never checked"
    [lock] = [e for e in log_entries(sa_engine, "user_changed") if e["action"] == "lock"]
    assert lock["username"] == "zhang" and lock["failures"] == 10
    assert lock["actor"] == "system:login" and lock["address"] == "127.0.0.1"

    admin = app.test_client()
    add_test_user(app, ADMIN, "管理员", region=None)
    _login(admin, ADMIN, PASSWORD)
    page = _text(admin.get("/admin/users"))
    assert "已锁定" in page and "解除锁定" in page
    with app.app_context():
        user_id = service.find_user(db.session, username="zhang").id
    lifted = admin.post(f"/admin/users/{user_id}/unlock", follow_redirects=True)
    assert "已解除 zhang（张三）的登录锁定" in _text(lifted)
    assert "已锁定" not in _text(admin.get("/admin/users"))
    [unlock] = [e for e in log_entries(sa_engine, "user_changed") if e["action"] == "unlock"]
    assert unlock["username"] == "zhang" and unlock["actor"] == ADMIN

    assert _login(client, "zhang", PASSWORD).status_code == 302


def test_a_made_up_name_is_answered_as_a_real_one(client, user, lockout_only):
    for name in ("zhang", "nobody"):
        answers = [_text(_login(client, name, f"guess-{n}")) for n in range(11)]
        assert [WRONG in text for text in answers] == [True] * 9 + [False] * 2
        assert all(LOCKED in text for text in answers[9:])


def test_a_right_password_starts_the_count_again(client, user, lockout_only, auth):
    for n in range(9):
        _login(client, "zhang", f"guess-{n}")
    assert auth.login().status_code == 302
    auth.logout()
    for n in range(9):
        assert WRONG in _text(_login(client, "zhang", f"again-{n}"))


def test_one_address_is_throttled_whatever_the_names(client, monkeypatch, app):
    monkeypatch.setitem(app.config, "ZONGZHI_LOGIN_RATE_LIMIT", "5 per minute")
    for n in range(5):
        assert WRONG in _text(_login(client, f"name{n}", "guess"))
    refused = _login(client, "name-new", "guess")

    assert refused.status_code == 429 and THROTTLED in _text(refused)
    assert refused.headers.get("Retry-After")


def test_successful_logins_are_not_throttled(client, user, auth, monkeypatch, app):
    monkeypatch.setitem(app.config, "ZONGZHI_LOGIN_RATE_LIMIT", "3 per minute")
    for _ in range(6):
        assert auth.login().status_code == 302
        auth.logout()


def test_cli_unlocks_a_name_and_logs_it(app, client, user, lockout_only, sa_engine):
    for n in range(10):
        _login(client, "zhang", f"guess-{n}")
    runner = app.test_cli_runner()

    unlocked = runner.invoke(cli, ["users", "unlock", "zhang"])
    again = runner.invoke(cli, ["users", "unlock", "zhang"])
    unknown = runner.invoke(cli, ["users", "unlock", "nobody"])

    assert unlocked.exit_code == 0 and "已解除 zhang 的登录锁定" in unlocked.output
    assert again.exit_code == 0 and "zhang 未被锁定" in again.output
    assert unknown.exit_code == 1 and "用户不存在：nobody" in unknown.output
    [entry] = [e for e in log_entries(sa_engine, "user_changed") if e["action"] == "unlock"]
    assert entry["actor"].startswith("cli:")
    assert _login(client, "zhang", PASSWORD).status_code == 302


def test_two_workers_on_one_database_share_the_counts(tmp_path):
    """Two apps on one database, as two web workers are: the second starts with a fresh
    limiter, as a new process would, and still sees the first one's count."""
    settings = {"ZONGZHI_LOGIN_RATE_LIMIT": "3 per minute"}
    first = make_app(tmp_path, **settings)
    assert WRONG in _text(_login(first.test_client(), "a", "guess"))
    assert WRONG in _text(_login(first.test_client(), "b", "guess"))
    second = make_app(tmp_path, **settings)
    assert WRONG in _text(_login(second.test_client(), "c", "guess"))

    assert _login(first.test_client(), "d", "guess").status_code == 429
    assert _login(second.test_client(), "e", "guess").status_code == 429


def test_a_lock_runs_out_by_itself(client, user, lockout_only, monkeypatch):
    start = time.time()
    monkeypatch.setattr(lockout, "time", SimpleNamespace(time=lambda: start))
    for n in range(10):
        _login(client, "zhang", f"guess-{n}")
    monkeypatch.setattr(lockout, "time", SimpleNamespace(time=lambda: start + 29 * 60))
    later = _login(client, "zhang", PASSWORD)
    assert LOCKED in _text(later) and "请 1 分钟后再试" in _text(later)

    monkeypatch.setattr(lockout, "time", SimpleNamespace(time=lambda: start + 30 * 60 + 1))
    assert _login(client, "zhang", PASSWORD).status_code == 302


def test_counters_add_up_and_start_again_when_their_time_is_up(app, sa_engine):
    with sa_engine.begin() as connection:
        values = [counters.increment(connection, "k", seconds=60, now=1000.0) for _ in range(3)]
        assert values == [1, 2, 3]
        assert counters.current(connection, "k", now=1059.0) == 3
        assert counters.current(connection, "k", now=1060.0) == 0
        assert counters.increment(connection, "k", seconds=60, now=1060.0) == 1
        assert counters.expires_at(connection, "k", now=1061.0) == 1120.0
        long_key = "x" * 1000
        assert counters.increment(connection, long_key, seconds=5, now=0.0, amount=4) == 4
        assert counters.current(connection, long_key, now=1.0) == 4
        counters.purge(connection, now=1200.0)
        assert counters.current(connection, long_key, now=1.0) == 0
