"""Read every row of every table, to prove a failed step changed nothing."""

from __future__ import annotations

from sqlalchemy import select

from engine.db import db


def dump(sa_engine) -> dict[str, list[tuple]]:
    with sa_engine.connect() as connection:
        return {
            table.name: sorted(
                (tuple(map(repr, row)) for row in connection.execute(select(table))), key=repr
            )
            for table in db.metadata.sorted_tables
        }
