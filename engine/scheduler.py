"""The timer scheduler: it sleeps until the earliest due timer; the timer rows are the truth.

A timer thread fires what is due, reads the earliest due time left and sleeps until
then, or until a step arms an earlier timer (``engine.timer_wake``: ``LISTEN/NOTIFY`` on
PostgreSQL, the process's own commits and the file's changes on SQLite). It never sleeps
longer than the poll setting (``poll_seconds``), a safety net only. The first round runs
at start-up, so timers that fell due while nothing ran fire at once. Several schedulers
(even on several machines) may run against one PostgreSQL: the claim of each instance
decides who fires what.

Other periodic work of the same process (the application's outbox delivery, say) joins
as a ``PollJob``: APScheduler runs it beside the timer thread, with an in-memory job
store, without the engine knowing what it does.

``beat`` (optional) is called by the timer thread at the start and end of every round and
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
from sqlalchemy import select
from sqlalchemy.engine import URL

from . import timer_wake
from .models import TimerRecord

if TYPE_CHECKING:
    from .ports import TimerFiring as Engine

log = logging.getLogger(__name__)
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


def poll(
    engine: Engine,
    beat: Beat | None = None,
    stopping: Callable[[], bool] | None = None,
    workers: int = 1,
) -> int:
    """One round: fire every due timer; never raises, so a bad round does not stop the
    scheduler. ``stopping()`` ends the round early (the scheduler is shutting down)."""
    pulse = _quiet(beat)
    pulse()
    try:
        fired = engine.fire_due_timers(on_progress=pulse, stopping=stopping, workers=workers)
    except Exception:
        log.exception("timer poll failed")
        return 0
    finally:
        pulse()
    if fired:
        log.info("fired timers of %d instance(s)", fired)
    return fired


FIRING_THREADS = 2
"""Instances a PostgreSQL scheduler fires side by side: a step partly waits for the
database, so a second thread keeps the process busy meanwhile (more only fight over the GIL)."""
BUSY_RETRY_SECONDS = 1.0
"""A due timer held by another writer is looked at again after this long."""
DUE_MARGIN_SECONDS = 0.001
"""Due is strictly before now (as SpiffWorkflow decides): wake just after it."""


def next_due(engine: Engine) -> datetime | None:
    """When the earliest timer that may be tried (not parked) is due, or None: the
    earliest due time of timers that never failed, or the next retry of one that did
    (two index reads)."""
    fresh = (
        select(TimerRecord.due_at)
        .where(TimerRecord.parked_at.is_(None), TimerRecord.next_try_at.is_(None))
        .order_by(TimerRecord.due_at)
        .limit(1)
    )
    retry = (
        select(TimerRecord.next_try_at)
        .where(TimerRecord.parked_at.is_(None), TimerRecord.next_try_at.is_not(None))
        .order_by(TimerRecord.next_try_at)
        .limit(1)
    )
    with engine.session_factory() as session:
        found = [session.execute(query).scalar() for query in (fresh, retry)]
    return min((moment for moment in found if moment is not None), default=None)


class TimerThread:
    """Fire due timers, then sleep until the next is due or a wake-up says earlier."""

    def __init__(self, engine: Engine, *, poll_seconds: float, beat: Beat | None = None):
        self._engine = engine
        self._cap = min(float(poll_seconds), timer_wake.WAKE_HORIZON.total_seconds())
        self._beat = beat
        self._stop = threading.Event()
        self.alarm = timer_wake.local_alarm()
        url = _database_url(engine)
        self._watch = timer_wake.watcher_for(url, self.alarm)
        # SQLite has one writer: more threads would only wait for its lock.
        self._workers = FIRING_THREADS if url.get_backend_name() == "postgresql" else 1
        self._thread = threading.Thread(target=self._run, name="zongzhi-timers", daemon=True)

    def start(self) -> None:
        if self._watch is not None:
            self._watch.start()
        self._thread.start()

    def shutdown(self, wait: bool = True) -> None:
        self._stop.set()
        self.alarm.ring()
        if wait:
            self._thread.join()
        if self._watch is not None:
            self._watch.stop()

    def _run(self) -> None:
        while not self._stop.is_set():
            fired = poll(self._engine, self._beat, self._stop.is_set, self._workers)
            seconds, target = self._pause(fired)
            rung = self.alarm.sleep(seconds, target)
            log.debug("fired %d, slept %.3fs toward %s, woken: %s", fired, seconds, target, rung)

    def _pause(self, fired: int) -> tuple[float, datetime | None]:
        """How long to sleep, and toward which due time."""
        try:
            due = next_due(self._engine)
        except Exception:
            log.exception("reading the next due timer failed")
            return self._cap, None
        if due is None:
            return self._cap, None
        left = (due - self._engine.clock.now()).total_seconds() + DUE_MARGIN_SECONDS
        if left <= 0 and not fired:
            # Due but held by someone else: look again soon, or when woken for any timer.
            return min(BUSY_RETRY_SECONDS, self._cap), None
        return min(max(left, 0.0), self._cap), due


def _database_url(engine: Engine) -> URL:
    with engine.session_factory() as session:
        return session.get_bind().url


class Running:
    """A started scheduler: its timer thread and the APScheduler running the other jobs."""

    def __init__(self, timers: TimerThread, jobs: BackgroundScheduler | None):
        self.timers = timers
        self._jobs = jobs

    def shutdown(self, wait: bool = True) -> None:
        if self._jobs is not None:
            self._jobs.shutdown(wait=wait)
        self.timers.shutdown(wait=wait)


def start_background(
    engine: Engine,
    *,
    poll_seconds: float,
    jobs: Sequence[PollJob] = (),
    beat: Beat | None = None,
) -> Running:
    """Start the timer thread and, beside it, the other ``jobs``."""
    scheduler = None
    if jobs:
        scheduler = BackgroundScheduler(timezone=UTC)
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
    timers = TimerThread(engine, poll_seconds=poll_seconds, beat=beat)
    timers.start()
    return Running(timers, scheduler)


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
    log.info("scheduler started, at least every %ss", poll_seconds)
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
