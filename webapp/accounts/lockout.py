"""Login lockout: a login name that fails too often in a while is locked for a period.

The failures and the lock are shared counters (``webapp.throttle.counters``) on the
application's database, keyed by the name as typed, whether or not such an account
exists: a made-up name is locked exactly like a real one, so the answer never tells
whether an account exists. While a name is locked its password is not even checked.
An admin lifts a lock (系统管理 › 用户, ``zongzhi users unlock``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import current_app
from limits import parse

from engine.db import db

from ..throttle import counters

LOCKOUT = "10 per 15 minutes"
LOCK_MINUTES = 30
_FAILURES = "login-failures:"
_LOCK = "login-lock:"
NAME_LENGTH = 80


@dataclass(frozen=True)
class Policy:
    """``attempts`` failures within ``window_seconds`` lock a name for ``lock_seconds``."""

    attempts: int
    window_seconds: int
    lock_seconds: int


@dataclass(frozen=True)
class Lock:
    """A lock just set on ``username``, lasting until ``until``."""

    username: str
    failures: int
    until: datetime


def policy() -> Policy:
    """The current app's policy (``ZONGZHI_LOGIN_LOCKOUT``, ``ZONGZHI_LOGIN_LOCK_MINUTES``)."""
    config = current_app.config
    item = parse(config.get("ZONGZHI_LOGIN_LOCKOUT", LOCKOUT))
    minutes = int(config.get("ZONGZHI_LOGIN_LOCK_MINUTES", LOCK_MINUTES))
    return Policy(item.amount, item.get_expiry(), minutes * 60)


def _name(username: str) -> str:
    return username.strip()[:NAME_LENGTH]


def locked_seconds(username: str) -> float:
    """How long ``username`` stays locked (0: it is not)."""
    key, now = _LOCK + _name(username), time.time()
    with db.engine.connect() as connection:
        if counters.current(connection, key, now=now) == 0:
            return 0
        return counters.expires_at(connection, key, now=now) - now


def record_failure(username: str) -> Lock | None:
    """Count a failed login of ``username``; the ``Lock`` if this failure locked it
    (exactly one of several workers failing at once sees it)."""
    rule, now, name = policy(), time.time(), _name(username)
    with db.engine.begin() as connection:
        failures = counters.increment(
            connection, _FAILURES + name, seconds=rule.window_seconds, now=now
        )
        if failures != rule.attempts:
            return None
        counters.increment(connection, _LOCK + name, seconds=rule.lock_seconds, now=now)
        counters.clear(connection, _FAILURES + name)
    return Lock(name, failures, datetime.fromtimestamp(now + rule.lock_seconds, UTC))


def clear_failures(username: str) -> None:
    """A successful login starts its name's count of failures again."""
    with db.engine.begin() as connection:
        counters.clear(connection, _FAILURES + _name(username))


def unlock(username: str) -> bool:
    """Lift the lock on ``username`` and forget its failures; whether it was locked."""
    name = _name(username)
    with db.engine.begin() as connection:
        was_locked = counters.current(connection, _LOCK + name, now=time.time()) > 0
        counters.clear(connection, _LOCK + name)
        counters.clear(connection, _FAILURES + name)
    return was_locked


def locked_names(usernames: list[str]) -> set[str]:
    """Which of ``usernames`` are locked now."""
    keys = {_LOCK + _name(name): name for name in usernames}
    with db.engine.connect() as connection:
        live = counters.live_keys(connection, list(keys), now=time.time())
    return {keys[key] for key in live}
