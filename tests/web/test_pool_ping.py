"""PostgreSQL's pooled connections: a connection the server ended is replaced on checkout
(the request never sees it), and a connection in steady use costs no ping."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import _admin_connection
from webapp import pool_ping
from webapp.config import engine_options


@pytest.fixture
def pg_pool(database_url) -> Iterator:
    """A pool configured as the application configures it, with its pings counted."""
    if not database_url.startswith("postgresql"):
        pytest.skip("the ping on demand is PostgreSQL's (SQLite pings every checkout)")
    sa_engine = create_engine(database_url, **engine_options(database_url))
    pool_ping.install(sa_engine)
    pings: list[int] = []
    ping = sa_engine.dialect.do_ping

    def counted(dbapi_connection) -> bool:
        pings.append(1)
        return ping(dbapi_connection)

    sa_engine.dialect.do_ping = counted
    sa_engine.pings = pings
    yield sa_engine
    sa_engine.dispose()


def _backend(sa_engine) -> int:
    with sa_engine.connect() as connection:
        return connection.execute(text("SELECT pg_backend_pid()")).scalar_one()


def _terminate(sa_engine, pid: int) -> None:
    """End backend ``pid`` from outside the pool, as a restart or an operator would."""
    with _admin_connection(sa_engine.url) as admin:
        assert admin.execute("SELECT pg_terminate_backend(%s)", (pid,)).fetchone()[0]
    time.sleep(0.2)  # the server's goodbye reaches the pooled socket


def test_a_connection_the_server_ended_is_replaced_on_checkout(pg_pool):
    ended = _backend(pg_pool)
    _terminate(pg_pool, ended)
    assert _backend(pg_pool) != ended  # no error: the dead connection was replaced
    assert pg_pool.pings == [1]
    assert _backend(pg_pool) != ended


def test_a_connection_in_steady_use_is_not_pinged(pg_pool):
    first = _backend(pg_pool)
    for _ in range(5):
        assert _backend(pg_pool) == first
    assert pg_pool.pings == []


def test_a_connection_idle_past_the_limit_is_pinged(pg_pool, monkeypatch):
    _backend(pg_pool)
    monkeypatch.setattr(pool_ping, "IDLE_SECONDS", 0.0)
    _backend(pg_pool)
    assert pg_pool.pings == [1]
