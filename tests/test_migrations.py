"""The migrations build exactly the schema the models describe (tables, columns, indexes,
foreign keys), on SQLite and on PostgreSQL: a model change without its migration fails."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from engine.db import db


def test_migrated_schema_matches_the_models(sa_engine):
    with sa_engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert differences == []
