"""Web fixtures: the suite's migrated app (or a separate one on its own SQLite file for
tests that need other settings), a client, a logged-in helper."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade

from engine import Engine
from engine.db import db
from processes.engine_factory import build_engine
from processes.models import Region
from tests.processes.conftest import REGIONS, deploy
from webapp import create_app
from webapp.accounts.service import create_user
from webapp.engine_binding import EXTENSION_KEY, session_factories

from .reports_support import NOW, Seeded, seed_cases

PASSWORD = "secret-pass-1"


def make_app(tmp_path, **overrides) -> Flask:
    config = {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'web.db'}",
        "TESTING": True,
        "WTF_CSRF_ENABLED": False,
        "SECRET_KEY": "test-secret",
    }
    config.update(overrides)
    app = create_app(config)
    with app.app_context():
        upgrade()
    return app


@pytest.fixture
def app(app, sa_engine) -> Iterator[Flask]:
    """The session's migrated app (SQLite or PostgreSQL); tables are emptied after each test."""
    yield app
    with app.app_context():
        db.session.remove()


@pytest.fixture
def client(app) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def user(app):
    """``zhang`` (张三), a township caseworker who can log in with ``PASSWORD``."""
    with app.app_context():
        create_user(
            db.session,
            username="zhang",
            display_name="张三",
            password=PASSWORD,
            roles=["镇综治中心"],
        )
        db.session.commit()
    return "zhang"


class AuthActions:
    def __init__(self, client: FlaskClient):
        self._client = client

    def login(self, username: str = "zhang", password: str = PASSWORD, **data):
        return self._client.post(
            "/login", data={"username": username, "password": password, **data}
        )

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def web_engine(app, sa_engine, clock) -> Iterator[Engine]:
    """The app's own engine on the manual clock, the whole ``bpmn/`` library deployed and
    the county → township → village → grid regions of ``tests.processes.conftest``."""
    with app.app_context():  # its units of work on their own pool, as the app's
        engine = build_engine(*session_factories(), clock=clock)
    with engine.session_factory() as session:
        session.add_all(
            Region(code=c, name=n, level=lv, parent_code=p, active=True) for c, n, lv, p in REGIONS
        )
        session.commit()
    deploy(engine)
    previous = app.extensions.get(EXTENSION_KEY)
    app.extensions[EXTENSION_KEY] = engine
    yield engine
    app.extensions[EXTENSION_KEY] = previous


@pytest.fixture
def figures(app, web_engine, clock) -> Seeded:
    """The reports pages' seeded cases (``tests/web/reports_support.py``) on their clock."""
    clock.set(NOW)
    with app.app_context():
        seeded = seed_cases(db.session)
        db.session.remove()
    return seeded


@pytest.fixture
def login_as(app, client):
    """``login_as("li", "镇综治中心", region="620702101")``: create the user, log the client in."""

    def login(username: str, *roles: str, region: str | None = None, department: str | None = None):
        add_test_user(app, username, *roles, region=region, department=department)
        response = client.post("/login", data={"username": username, "password": PASSWORD})
        assert response.status_code == 302, "login failed"
        return client

    return login


def add_test_user(
    app: Flask, username: str, *roles: str, region: str | None, department: str | None = None
) -> str:
    """A user ``测试<username>`` with ``roles`` and a scope who can log in with ``PASSWORD``."""
    with app.app_context():
        user = create_user(
            db.session,
            username=username,
            display_name=f"测试{username}",
            password=PASSWORD,
            roles=list(roles),
        )
        user.region_code, user.department_code = region, department
        db.session.commit()
    return username
