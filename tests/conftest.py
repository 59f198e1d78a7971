"""Shared fixtures: a migrated database (SQLite by default, PostgreSQL when
``ZONGZHI_TEST_DATABASE_URL`` is set), an engine on a manual clock, the bundled diagrams.

Each run creates its own database (a temp SQLite file, or a fresh PostgreSQL database
that is dropped afterwards); each test starts from empty tables.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import psycopg
import pytest
from flask_migrate import upgrade
from sqlalchemy import delete, insert, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker

from engine import Engine, ManualClock
from engine.db import db
from processes.kept import forget_everything_kept
from webapp import create_app

ROOT = Path(__file__).resolve().parents[1]
BPMN_DIR = ROOT / "bpmn"
FORMS_DIR = ROOT / "forms"
CST = timezone(timedelta(hours=8))
MONDAY_9AM = datetime(2026, 3, 2, 9, 0, tzinfo=CST)


def _admin_connection(url):
    return psycopg.connect(
        host=url.host or "127.0.0.1",
        port=url.port or 5432,
        user=url.username,
        password=url.password,
        dbname=url.database,
        autocommit=True,
    )


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> Iterator[str]:
    base = os.environ.get("ZONGZHI_TEST_DATABASE_URL")
    if not base:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'zongzhi-test.db'}"
        return
    url = make_url(base)
    name = f"zongzhi_test_{os.getpid()}_{secrets.token_hex(3)}"
    with _admin_connection(url) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with _admin_connection(url) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def app(database_url):
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            "SECRET_KEY": "test-secret",
        }
    )
    with app.app_context():
        upgrade()
        app.config["TEST_SEEDED_ROWS"] = _seeded_rows(db.engine)
    yield app
    with app.app_context():
        for sa_engine in db.engines.values():
            sa_engine.dispose()


@pytest.fixture
def sa_engine(app):
    """The database; after each test every table is emptied and the migration's seed
    rows (deadline rules, dispute types, departments and their units) are put back as they
    were."""
    with app.app_context():
        sa_engine = db.engine
    yield sa_engine
    with sa_engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(delete(table))
        for table in db.metadata.sorted_tables:
            rows = app.config["TEST_SEEDED_ROWS"].get(table.name)
            if rows:
                connection.execute(insert(table), rows)
    forget_everything_kept()  # the seeded calendar revision and region stamp come again


SEEDED_TABLES = (
    "deadline_rule",
    "dispute_type",
    "department",
    "unit",
    "calendar_revision",
    "region_stamp",
)


def _seeded_rows(sa_engine) -> dict[str, list[dict]]:
    with sa_engine.connect() as connection:
        return {
            name: [dict(row._mapping) for row in connection.execute(select(table))]
            for name in SEEDED_TABLES
            for table in [db.metadata.tables[name]]
        }


@pytest.fixture
def is_postgres(sa_engine) -> bool:
    return sa_engine.dialect.name == "postgresql"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(MONDAY_9AM)


@pytest.fixture
def engine(sa_engine, clock) -> Engine:
    return Engine(sessionmaker(bind=sa_engine, expire_on_commit=False), clock=clock)


@pytest.fixture
def deployed(engine) -> Engine:
    """The bare engine with the bundled ``plain_case`` diagram deployed (the domain's
    diagrams need its actions: see ``tests/processes/conftest.py``)."""
    engine.deploy(
        [BPMN_DIR / "plain_case.bpmn"], actor="tester", note="fixture", forms_dirs=[FORMS_DIR]
    )
    return engine
