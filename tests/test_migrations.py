"""The migrations build exactly the schema the models describe (tables, columns, indexes,
foreign keys), on SQLite and on PostgreSQL: a model change without its migration fails.
A migration that moves data is run step by step on a database of its own."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from engine.db import db
from tests.conftest import ROOT, _admin_connection
from webapp import create_app


def test_migrated_schema_matches_the_models(sa_engine):
    with sa_engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
    if sa_engine.dialect.name != "postgresql":  # trigram indexes exist on PostgreSQL only
        differences = [d for d in differences if not _postgresql_only_index(d)]
    assert differences == []


def _postgresql_only_index(difference) -> bool:
    only = {
        index.name
        for table in db.metadata.tables.values()
        for index in table.indexes
        if index.info.get("postgresql_only")
    }
    return difference[0] == "add_index" and difference[1].name in only


@pytest.fixture
def fresh_database_url(tmp_path) -> Iterator[str]:
    """An empty database of its own (SQLite file, or a new PostgreSQL database when
    ``ZONGZHI_TEST_DATABASE_URL`` is set), for migrating step by step."""
    base = os.environ.get("ZONGZHI_TEST_DATABASE_URL")
    if not base:
        yield f"sqlite:///{tmp_path / 'steps.db'}"
        return
    url = make_url(base)
    name = f"zongzhi_steps_{os.getpid()}_{secrets.token_hex(3)}"
    with _admin_connection(url) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with _admin_connection(url) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_units_migration_makes_every_department_a_unit_and_liaisons_its_members(
    fresh_database_url,
):
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": fresh_database_url, "TESTING": True, "SECRET_KEY": "x"}
    )
    with app.app_context():
        before_units = _revision_before("0014")
        upgrade(revision=before_units)
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO department (code, name, station, active) "
                    "VALUES ('tax', '税务局', '轮驻', :off)"
                ),
                {"off": False},
            )
            for name, department in (("liaison", "court"), ("tax.liaison", "tax"), ("clerk", None)):
                connection.execute(
                    text(
                        "INSERT INTO app_user (username, display_name, password_hash, active, "
                        "department_code, created_at) VALUES (:u, :u, 'x', :on, :d, :t)"
                    ),
                    {"u": name, "d": department, "on": True, "t": datetime.now(UTC)},
                )
        upgrade(revision="0014")
        with db.engine.connect() as connection:
            rows = connection.execute(text("SELECT code, kind, name, active FROM unit")).all()
            users = connection.execute(text("SELECT username, unit_code FROM app_user")).all()
            departments = connection.execute(text("SELECT code, name FROM department")).all()
        units = {code: (kind, name, bool(active)) for code, kind, name, active in rows}
        members = {username: unit for username, unit in users}
        assert units["court"] == ("部门", "人民法院", True)
        assert units["tax"] == ("部门", "税务局", False)
        assert set(units) == {code for code, _ in departments}, "a unit per department, no more"
        assert members == {"liaison": "court", "tax.liaison": "tax", "clerk": None}

        downgrade(revision=before_units)
        with db.engine.connect() as connection:
            assert "unit" not in inspect(connection).get_table_names()
        db.engine.dispose()


def _revision_before(revision: str) -> str:
    """The migration ``revision`` follows (whatever the chain holds when branches merge)."""
    return ScriptDirectory(str(ROOT / "migrations")).get_revision(revision).down_revision
