"""The timer scheduler: APScheduler only triggers polling; the timer rows are the truth.

Each scheduler process polls with an in-memory job store. The first poll runs at
start-up, so timers that fell due while nothing ran fire at once. Several schedulers
(even on several machines) may run against one PostgreSQL: the row claim decides who
fires what.

Other periodic work of the same process (the application's outbox delivery, say) joins
as a ``PollJob``: the engine runs it beside the timer poll without knowing what it does.

``beat`` (optional) is called by the timer poll at the start and end of every round and
after every timer it handles: a supervisor that watches those beats can tell a scheduler
stuck inside a step from one that is merely idle, and restart it. ``alive`` (optional)
is asked every second by ``run_forever``; the scheduler stops when it says no (its
supervisor is gone, say).
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from apscheduler.schedulers.background import BackgroundScheduler

if TYPE_CHECKING:
    from .ports import TimerFiring as Engine

log = logging.getLogger(__name__)
JOB_ID = "zongzhi-fire-due-timers"
ALIVE_CHECK_SECONDS = 1.0


@dataclass(frozen=True)
class PollJob:
    """Another periodic job for the scheduler process: ``func()`` every ``seconds``."""

    id: str
    func: Callable[[], object]
    seconds: float


def _guarded(job: PollJob) -> None:
    """Run one round of ``job``; never raises, so a bad round does not stop the scheduler."""
    try:
        job.func()
    except Exception:
        log.exception("scheduled job %s failed", job.id)


Beat = Callable[[], None]


def _quiet(beat: Beat | None) -> Beat:
    def safe() -> None:
        if beat is None:
            return
        try:
            beat()
        except Exception:
            log.exception("scheduler heartbeat failed")

    return safe


def poll(engine: Engine, beat: Beat | None = None) -> int:
    """One polling round; never raises, so a bad round does not stop the scheduler."""
    pulse = _quiet(beat)
    pulse()
    try:
        fired = engine.fire_due_timers(on_progress=pulse)
    except Exception:
        log.exception("timer poll failed")
        return 0
    finally:
        pulse()
    if fired:
        log.info("fired timers of %d instance(s)", fired)
    return fired


def start_background(
    engine: Engine,
    *,
    poll_seconds: float,
    jobs: Sequence[PollJob] = (),
    beat: Beat | None = None,
) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone=UTC)
    scheduler.add_job(
        poll,
        "interval",
        args=[engine, beat],
        id=JOB_ID,
        seconds=poll_seconds,
        next_run_time=datetime.now(UTC),
        max_instances=1,
        coalesce=True,
    )
    for job in jobs:
        scheduler.add_job(
            _guarded,
            "interval",
            args=[job],
            id=job.id,
            seconds=job.seconds,
            next_run_time=datetime.now(UTC),
            max_instances=1,
            coalesce=True,
        )
    scheduler.start()
    return scheduler


def run_forever(
    engine: Engine,
    *,
    poll_seconds: float,
    jobs: Sequence[PollJob] = (),
    beat: Beat | None = None,
    alive: Callable[[], bool] | None = None,
) -> None:
    """Run the scheduler (and ``jobs`` beside it) in the foreground until SIGTERM or SIGINT,
    or until ``alive()`` returns False."""
    stop = threading.Event()
    previous = {
        signum: signal.signal(signum, lambda *_: stop.set())
        for signum in (signal.SIGTERM, signal.SIGINT)
    }
    scheduler = start_background(engine, poll_seconds=poll_seconds, jobs=jobs, beat=beat)
    log.info("scheduler started, polling every %ss", poll_seconds)
    try:
        while not stop.wait(ALIVE_CHECK_SECONDS):
            if alive is not None and not alive():
                log.warning("scheduler stopping: its supervisor is gone")
                break
    finally:
        scheduler.shutdown(wait=True)
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        log.info("scheduler stopped")
