"""Web fixtures: the suite's migrated app (or a separate one on its own SQLite file for
tests that need other settings), a client, a logged-in helper."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade

from engine.db import db
from webapp import create_app
from webapp.accounts.service import create_user

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
