"""Wake a sleeping scheduler when a step arms a timer earlier than the one it waits for.

A step calls ``armed(session, earliest_due, now=...)`` in its own transaction. The wake
goes out only when that transaction commits, so a scheduler never wakes to look for a
row it cannot see yet:

- PostgreSQL: ``pg_notify`` inside the transaction (the server delivers it on commit,
  drops it on rollback) to every scheduler ``LISTEN``ing on ``CHANNEL``; each scheduler
  keeps one psycopg connection in autocommit for that (``PgListener``).
- SQLite: an ``after_commit`` hook rings the alarm of this process. Another process
  writing the same file is seen by ``FileWatcher`` (the file or its WAL changed), and
  the scheduler's poll stays as the last safety net.

Timers due later than ``WAKE_HORIZON`` send nothing: a scheduler never sleeps longer
than that before reading the earliest due time again.
"""

from __future__ import annotations

import logging
import os
import threading
import weakref
from collections.abc import Iterable
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import event, text
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session

from .step import ArmedTimer

log = logging.getLogger(__name__)

CHANNEL = "zongzhi_timer_armed"
WAKE_HORIZON = timedelta(minutes=5)
"""Timers due further ahead wake nobody; schedulers re-read the earliest due this often."""


class Alarm:
    """What a scheduler sleeps on: rung by a wake-up, ignored when it is for a later time.

    A ring while the scheduler is awake (firing) is kept, so its next sleep ends at once.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._target: datetime | None = None
        self._sleeping = False
        self._rung = False

    def ring(self, due: datetime | None = None) -> None:
        """Wake the sleeper, unless it sleeps toward a time earlier than ``due``."""
        with self._cond:
            later = self._sleeping and due is not None and self._target is not None
            if later and due >= self._target:
                return
            self._rung = True
            self._cond.notify_all()

    def sleep(self, seconds: float, target: datetime | None = None) -> bool:
        """Sleep up to ``seconds`` toward ``target``; True when rung before that."""
        with self._cond:
            self._target, self._sleeping = target, True
            try:
                if not self._rung:
                    self._cond.wait(max(seconds, 0.0))
                rung, self._rung = self._rung, False
                return rung
            finally:
                self._target, self._sleeping = None, False


_local: weakref.WeakSet[Alarm] = weakref.WeakSet()
_local_lock = threading.Lock()


def local_alarm() -> Alarm:
    """A new alarm that every commit of this process arming a timer soon rings (SQLite)."""
    alarm = Alarm()
    with _local_lock:
        _local.add(alarm)
    return alarm


def ring_local(due: datetime | None) -> None:
    """Ring every scheduler of this process."""
    with _local_lock:
        alarms = list(_local)
    for alarm in alarms:
        alarm.ring(due)


def armed(session: Session, timers: Iterable[ArmedTimer], *, now: datetime) -> None:
    """A step leaves ``timers`` waiting: wake the schedulers once it commits, if the
    earliest is due within ``WAKE_HORIZON``."""
    earliest_due = min((timer[3] for timer in timers), default=None)
    if earliest_due is None or earliest_due > now + WAKE_HORIZON:
        return
    if session.get_bind().dialect.name == "postgresql":
        # On the connection, not the session: no autoflush in the middle of a step.
        session.connection().execute(
            text("SELECT pg_notify(:channel, :due)"),
            {"channel": CHANNEL, "due": earliest_due.isoformat()},
        )
        return
    event.listen(session, "after_commit", lambda _s: ring_local(earliest_due), once=True)


def parse_due(payload: str) -> datetime | None:
    try:
        return datetime.fromisoformat(payload)
    except ValueError:
        return None


class _Watch:
    """A daemon thread running ``body`` until ``stop()``."""

    def __init__(self, name: str) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        raise NotImplementedError


class PgListener(_Watch):
    """``LISTEN`` for armed timers on a connection of its own; reconnects when it drops
    (and rings once then, since a wake-up may have been missed meanwhile)."""

    def __init__(self, url: URL, alarm: Alarm, *, retry_seconds: float = 2.0) -> None:
        super().__init__("zongzhi-timer-listen")
        self._conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
        self._alarm = alarm
        self._retry = retry_seconds
        self.listening = threading.Event()

    def _run(self) -> None:
        import psycopg

        while not self._stop.is_set():
            try:
                with psycopg.connect(self._conninfo, autocommit=True) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self.listening.set()
                    self._alarm.ring()
                    while not self._stop.is_set():
                        for note in conn.notifies(timeout=1.0):
                            self._alarm.ring(parse_due(note.payload))
            except psycopg.Error:
                log.warning("timer wake-up listener lost its connection; reconnecting")
            self.listening.clear()
            self._stop.wait(self._retry)


class FileWatcher(_Watch):
    """Ring when a SQLite file (or its WAL) changes: another process committed."""

    def __init__(self, path: Path, alarm: Alarm, *, every_seconds: float = 0.2) -> None:
        super().__init__("zongzhi-timer-filewatch")
        self._paths = [path, Path(f"{path}-wal")]
        self._alarm = alarm
        self._every = every_seconds

    def _signature(self) -> tuple:
        found = []
        for path in self._paths:
            try:
                stat = os.stat(path)
            except OSError:
                found.append(None)
                continue
            found.append((stat.st_mtime_ns, stat.st_size))
        return tuple(found)

    def _run(self) -> None:
        last = self._signature()
        while not self._stop.wait(self._every):
            now = self._signature()
            if now != last:
                last = now
                self._alarm.ring()


def watcher_for(url: URL, alarm: Alarm) -> _Watch | None:
    """The wake-up source for a database: a listener on PostgreSQL, a file watcher on a
    SQLite file, none for an in-memory database."""
    if url.get_backend_name() == "postgresql":
        return PgListener(url, alarm)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return FileWatcher(Path(url.database), alarm)
    return None
