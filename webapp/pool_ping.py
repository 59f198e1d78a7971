"""PostgreSQL pooled connections pinged only when they may be dead.

SQLAlchemy's ``pool_pre_ping`` sends ``SELECT 1`` on every checkout: one round trip per
request or engine step, more than a fifth of a step's trips. A server that ends a
connection (a restart, ``pg_terminate_backend``, an idle timeout) tells its client so
and closes the socket: the socket turns readable. So a connection is pinged on checkout
only when its socket has something to read, or it has sat in the pool longer than
``IDLE_SECONDS`` (a connection cut without a word, e.g. by a firewall). A failed ping
invalidates the connection and the pool connects anew: a restarted database fails no
request, as with ``pool_pre_ping``.
"""

from __future__ import annotations

import select
import time
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError

IDLE_SECONDS = 10.0
_USED = "zongzhi.last_used"


def install(sa_engine: Engine) -> None:
    """Ping ``sa_engine``'s connections on checkout only when they may be dead (its pool
    must not ping every checkout itself)."""
    dialect = sa_engine.dialect

    def checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        used = record.info.get(_USED)
        recent = used is not None and time.monotonic() - used < IDLE_SECONDS
        if recent and not _readable(dbapi_connection):
            return
        try:
            dialect.do_ping(dbapi_connection)
        except Exception as error:  # any failure: the pool replaces the connection
            raise DisconnectionError(str(error)) from error

    def checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info[_USED] = time.monotonic()

    def connect(_dbapi_connection: Any, record: Any) -> None:
        record.info[_USED] = time.monotonic()

    event.listen(sa_engine, "checkout", checkout)
    event.listen(sa_engine, "checkin", checkin)
    event.listen(sa_engine, "connect", connect)


def _readable(dbapi_connection: Any) -> bool:
    """Whether the idle connection's socket has anything to read (a server's goodbye, a
    notice, end of file); True when it cannot be told."""
    try:
        poller = select.poll()
        poller.register(dbapi_connection.fileno(), select.POLLIN)
        return bool(poller.poll(0))
    except Exception:  # a closed or odd connection: let the ping decide
        return True
