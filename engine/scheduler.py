"""The timer scheduler: APScheduler only triggers polling; the timer rows are the truth.

Each scheduler process polls with an in-memory job store. The first poll runs at
start-up, so timers that fell due while nothing ran fire at once. Several schedulers
(even on several machines) may run against one PostgreSQL: the row claim decides who
fires what.
"""

from __future__ import annotations

import logging
import signal
import threading
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from apscheduler.schedulers.background import BackgroundScheduler

if TYPE_CHECKING:
    from .api import Engine

log = logging.getLogger(__name__)
JOB_ID = "zongzhi-fire-due-timers"


def poll(engine: Engine) -> int:
    """One polling round; never raises, so a bad round does not stop the scheduler."""
    try:
        fired = engine.fire_due_timers()
    except Exception:
        log.exception("timer poll failed")
        return 0
    if fired:
        log.info("fired timers of %d instance(s)", fired)
    return fired


def start_background(engine: Engine, *, poll_seconds: float) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone=UTC)
    scheduler.add_job(
        poll,
        "interval",
        args=[engine],
        id=JOB_ID,
        seconds=poll_seconds,
        next_run_time=datetime.now(UTC),
        max_instances=1,
        coalesce=True,
    )
    scheduler.start()
    return scheduler


def run_forever(engine: Engine, *, poll_seconds: float) -> None:
    """Run the scheduler in the foreground until SIGTERM or SIGINT."""
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    scheduler = start_background(engine, poll_seconds=poll_seconds)
    log.info("scheduler started, polling every %ss", poll_seconds)
    try:
        stop.wait()
    finally:
        scheduler.shutdown(wait=True)
        log.info("scheduler stopped")
