"""What the database benchmarks share: a fresh database to seed (a temporary SQLite file, or
a new PostgreSQL database dropped at exit), the migrated app on it, bulk inserts (COPY on
PostgreSQL), timing runs, and the figures table.

Imported by the benchmark scripts as ``bench.databases`` (they put the project root on
``sys.path``).
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import operator
import secrets
import statistics
import tempfile
import time
import unicodedata
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import psycopg
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import JSON, insert
from sqlalchemy.engine import URL, Connection, make_url

from webapp import create_app


def _admin(url: URL) -> psycopg.Connection:
    return psycopg.connect(
        host=url.host or "127.0.0.1",
        port=url.port or 5432,
        user=url.username,
        password=url.password,
        dbname=url.database,
        autocommit=True,
        connect_timeout=5,
    )


@contextlib.contextmanager
def database(
    base: str | None, sqlite_name: str, *, keep: str | None = None
) -> Iterator[tuple[str, str]]:
    """(URL, description) of a fresh database: a temporary SQLite file, or a new PostgreSQL
    database on ``base``'s server, dropped at exit. With ``keep`` (PostgreSQL only), the
    database of that name instead, created when missing and left in place at exit, so a
    seeded database serves several runs."""
    if not base or base.startswith("sqlite"):
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{Path(folder) / sqlite_name}", "SQLite"
        return
    url = make_url(base)
    name = keep or f"zongzhi_bench_{secrets.token_hex(4)}"
    with _admin(url) as admin:
        version = admin.execute("SHOW server_version").fetchone()[0]
        found = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not (keep and found):
            admin.execute(f'CREATE DATABASE "{name}"')
    if keep:
        yield url.set(database=name).render_as_string(hide_password=False), f"PostgreSQL {version}"
        return
    try:
        yield url.set(database=name).render_as_string(hide_password=False), f"PostgreSQL {version}"
    finally:
        with _admin(url) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def migrated_app(url: str) -> Flask:
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
        }
    )
    with app.app_context():
        logging.disable(logging.INFO)
        try:
            upgrade()
        finally:
            logging.disable(logging.NOTSET)
    return app


def bulk_insert(connection: Connection, model, rows: list[dict]) -> None:
    """``COPY`` on PostgreSQL (ten times faster than INSERT), executemany elsewhere; values of
    JSON columns are written as JSON. The rows share the first row's keys."""
    if connection.dialect.name != "postgresql":
        connection.execute(insert(model), rows)
        return
    columns = list(rows[0])
    values = operator.itemgetter(*columns)
    as_json = [i for i, c in enumerate(columns) if isinstance(model.__table__.c[c].type, JSON)]
    names = ", ".join(f'"{c}"' for c in columns)
    cursor = connection.connection.driver_connection.cursor()
    with cursor.copy(f"COPY {model.__tablename__} ({names}) FROM STDIN") as copy:
        for row in rows:
            line = list(values(row)) if len(columns) > 1 else [values(row)]
            for i in as_json:
                line[i] = json.dumps(line[i], ensure_ascii=False)
            copy.write_row(line)


def instance_row(
    instance_id: int,
    started_at: datetime,
    *,
    version: int = 1,
    status: str = "running",
    started_by: str = "bench",
    ended_at: datetime | None = None,
) -> dict:
    """An ``instance`` row of the seeded ``case_main`` (no workflow state: the benchmarks
    read projections only)."""
    return dict(
        id=instance_id,
        definition_id=version,
        process_id="case_main",
        version_id=version,
        status=status,
        state="{}",
        serializer_version="bench",
        started_by=started_by,
        started_at=started_at,
        updated_at=ended_at or started_at,
        ended_at=ended_at,
        row_version=1,
    )


def timed(run: Callable[[], object], runs: int) -> list[float]:
    """Milliseconds of ``runs`` calls of ``run``, after one warm-up call (caches, plans)."""
    run()
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        run()
        times.append((time.perf_counter() - began) * 1000)
    return times


def summary(values: list[float]) -> str:
    """``median / p95`` of ``values``, one decimal."""
    ordered = sorted(values)
    high = ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]
    return f"{statistics.median(values):.1f} / {high:.1f}"


def _width(value: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in value)


def table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(_width(r[i]) for r in [headers, *rows]) for i in range(len(headers))]

    def line(cells: list[str]) -> str:
        return "  ".join(c + " " * (w - _width(c)) for c, w in zip(cells, widths, strict=True))

    return "\n".join([line(headers), "  ".join("-" * w for w in widths), *map(line, rows)])
