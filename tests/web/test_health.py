"""The app factory's settings and ``/healthz``."""

from __future__ import annotations

import stat

import pytest
from sqlalchemy import text

from engine.db import db
from webapp import create_app
from webapp.config import ConfigError, load_config, persistent_secret_key

from .conftest import make_app


def test_healthz_ok_without_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_503_when_database_unreachable(tmp_path):
    missing = tmp_path / "no-such-dir" / "x.db"
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{missing}", "TESTING": True, "SECRET_KEY": "t"}
    )
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "error"}


def test_secret_key_generated_once_and_private(tmp_path):
    first = persistent_secret_key(tmp_path / "instance")
    second = persistent_secret_key(tmp_path / "instance")
    assert first == second and len(first) == 64
    mode = stat.S_IMODE((tmp_path / "instance" / "secret_key").stat().st_mode)
    assert mode == 0o600


def test_defaults_use_instance_folder(tmp_path, monkeypatch):
    for name in ("ZONGZHI_DATABASE_URL", "ZONGZHI_SECRET_KEY", "ZONGZHI_TIMER_POLL_SECONDS"):
        monkeypatch.delenv(name, raising=False)
    cfg = load_config(str(tmp_path / "inst"))
    assert cfg["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'inst' / 'zongzhi.db'}"
    assert cfg["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"]["timeout"] == 15
    assert cfg["ZONGZHI_TIMER_POLL_SECONDS"] == 30
    assert (tmp_path / "inst" / "secret_key").exists()


def test_environment_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("ZONGZHI_DATABASE_URL", "postgresql+psycopg://u@db/zz")
    monkeypatch.setenv("ZONGZHI_SECRET_KEY", "from-env")
    monkeypatch.setenv("ZONGZHI_TIMER_POLL_SECONDS", "5")
    monkeypatch.setenv("ZONGZHI_LOG_LEVEL", "debug")
    cfg = load_config(str(tmp_path / "inst"))
    assert cfg["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db/zz"
    assert cfg["SECRET_KEY"] == "from-env"
    assert cfg["ZONGZHI_TIMER_POLL_SECONDS"] == 5
    assert cfg["ZONGZHI_LOG_LEVEL"] == "DEBUG"
    # every query planned for its own parameters (no generic plan for a user's region)
    assert cfg["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"] == {"prepare_threshold": None}
    assert not (tmp_path / "inst").exists()


def test_bad_poll_seconds_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("ZONGZHI_TIMER_POLL_SECONDS", "soon")
    with pytest.raises(ConfigError, match="ZONGZHI_TIMER_POLL_SECONDS 应为正整数"):
        load_config(str(tmp_path))


def test_sqlite_foreign_keys_are_on(tmp_path):
    # The embedded default database: its own SQLite file whatever the suite runs on.
    app = make_app(tmp_path)
    with app.app_context():
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        db.engine.dispose()
