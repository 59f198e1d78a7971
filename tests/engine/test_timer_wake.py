"""A scheduler sleeps until the earliest due timer and wakes when a step arms an earlier
one; due timers are drained in batches with no cap per round."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import sessionmaker

from engine import Actor, Engine, SourceFile
from engine.models import HistoryEvent, TimerRecord
from engine.scheduler import next_due, start_background
from engine.timer_wake import CHANNEL, Alarm, FileWatcher, armed, local_alarm

from .diagrams import sequence

STARTER = Actor.of("li", ["镇综治中心"])
WAIT = (
    '<bpmn:intermediateCatchEvent id="wait" name="等到点"><bpmn:timerEventDefinition>'
    "<bpmn:timeDate>due</bpmn:timeDate>"
    "</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>"
)


def _deploy(engine: Engine) -> Engine:
    source = SourceFile("wake.bpmn", "bpmn", sequence("wake", ("wait", WAIT), lane=None).encode())
    engine.deploy_set([source], actor="tester", note="定时器唤醒")
    return engine


def _arm(engine: Engine, due: datetime) -> int:
    return engine.start("wake", actor=STARTER, data={"due": due.isoformat()})


def _fired(engine: Engine) -> dict[int, list[datetime]]:
    """When each instance's timer fired (history), by instance."""
    with engine.session_factory() as session:
        rows = session.execute(
            select(HistoryEvent.instance_id, HistoryEvent.at).where(
                HistoryEvent.event_type == "timer_fired"
            )
        ).all()
    found: dict[int, list[datetime]] = {}
    for instance_id, at in rows:
        found.setdefault(instance_id, []).append(at)
    return found


@pytest.fixture
def real_time(sa_engine) -> Engine:
    """An engine on the system clock, with the one-timer diagram deployed."""
    return _deploy(Engine(sessionmaker(bind=sa_engine, expire_on_commit=False)))


def _wait_for(check, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not check() and time.monotonic() < deadline:
        time.sleep(0.02)


def test_a_sleeping_scheduler_wakes_for_an_earlier_timer(real_time):
    later = _arm(real_time, datetime.now(UTC) + timedelta(hours=1))
    running = start_background(real_time, poll_seconds=3600)
    try:
        time.sleep(0.8)  # the scheduler has read the earliest due (an hour away) and sleeps
        due = datetime.now(UTC) + timedelta(seconds=1.5)
        soon = _arm(real_time, due)
        _wait_for(lambda: soon in _fired(real_time), 10)
    finally:
        running.shutdown(wait=True)
    fired = _fired(real_time)
    assert later not in fired
    [at] = fired[soon]
    # Fired just after its due time, not at the next hourly poll.
    assert due < at < due + timedelta(seconds=1)


def test_the_wake_up_is_sent_only_when_the_step_commits(real_time, is_postgres, database_url):
    due = datetime.now(UTC) + timedelta(seconds=30)
    timers = [("t", "wait", "等到点", due)]
    listener = None
    if is_postgres:
        url = database_url.replace("postgresql+psycopg://", "postgresql://")
        listener = psycopg.connect(url, autocommit=True)
        listener.execute(f"LISTEN {CHANNEL}")
    alarm = local_alarm()

    def woken() -> bool:
        if listener is None:
            return alarm.sleep(0.2)
        return [n.payload for n in listener.notifies(timeout=0.5)] == [due.isoformat()]

    try:
        with real_time.unit_of_work() as uow:
            armed(uow.session, timers, now=datetime.now(UTC))
            uow.session.rollback()
        assert not woken()
        with real_time.unit_of_work() as uow:
            armed(uow.session, timers, now=datetime.now(UTC))
            assert not woken()  # not before the commit
            uow.session.commit()
        assert woken()
        with real_time.unit_of_work() as uow:  # a timer days away wakes nobody
            armed(uow.session, [("t", "w", "n", due + timedelta(days=2))], now=datetime.now(UTC))
            uow.session.commit()
        assert not woken()
    finally:
        if listener is not None:
            listener.close()


def test_an_alarm_ignores_a_later_timer_but_keeps_a_ring_while_awake():
    alarm = Alarm()
    target = datetime(2026, 3, 2, tzinfo=UTC)
    started = time.monotonic()
    # Nobody sleeps: the ring is kept and ends the next sleep at once.
    alarm.ring(target + timedelta(hours=1))
    assert alarm.sleep(5, target)
    assert time.monotonic() - started < 1


def test_a_file_watcher_rings_when_another_process_writes_the_file(tmp_path):
    path = tmp_path / "x.db"
    path.write_bytes(b"a")
    alarm = Alarm()
    watcher = FileWatcher(path, alarm, every_seconds=0.05)
    watcher.start()
    try:
        assert not alarm.sleep(0.3)
        path.write_bytes(b"ab")
        assert alarm.sleep(5)
    finally:
        watcher.stop()


@pytest.mark.parametrize("workers", [1, 4])
def test_a_round_fires_every_due_timer_in_batches(sa_engine, clock, is_postgres, workers):
    if workers > 1 and not is_postgres:
        pytest.skip("threads fire side by side on PostgreSQL only (SQLite has one writer)")
    engine = _deploy(Engine(sessionmaker(bind=sa_engine, expire_on_commit=False), clock=clock))
    instances = [_arm(engine, clock.now() + timedelta(minutes=1)) for _ in range(230)]
    clock.advance(minutes=2)
    # More than one batch, no cap per round.
    assert engine.fire_due_timers(workers=workers) == len(instances)
    fired = _fired(engine)
    assert sorted(fired) == sorted(instances)
    assert {len(times) for times in fired.values()} == {1}
    with engine.session_factory() as session:
        assert session.execute(select(func.count()).select_from(TimerRecord)).scalar() == 0


def test_the_next_due_skips_parked_timers_and_waits_for_a_retry(sa_engine, clock):
    engine = _deploy(Engine(sessionmaker(bind=sa_engine, expire_on_commit=False), clock=clock))
    assert next_due(engine) is None
    first, second = clock.now() + timedelta(minutes=1), clock.now() + timedelta(minutes=5)
    _arm(engine, first)
    _arm(engine, second)
    assert next_due(engine) == first
    with engine.session_factory() as session:
        timer = session.execute(select(TimerRecord).where(TimerRecord.due_at == first)).scalar()
        timer.next_try_at = clock.now() + timedelta(minutes=3)
        session.commit()
        assert next_due(engine) == clock.now() + timedelta(minutes=3)
        timer.parked_at = clock.now()
        session.commit()
    assert next_due(engine) == second


def test_a_scheduler_whose_listening_connection_drops_listens_again(real_time, is_postgres):
    if not is_postgres:
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's")
    running = start_background(real_time, poll_seconds=3600)
    listener = running.timers._watch
    try:
        assert listener.listening.wait(10)
        with real_time.session_factory() as session:
            dropped = session.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    f"WHERE datname = current_database() AND query = 'LISTEN {CHANNEL}'"
                )
            ).scalars()
            assert list(dropped) == [True]
        _wait_for(lambda: not listener.listening.is_set(), 5)
        assert listener.listening.wait(10)
        time.sleep(0.5)  # the round after reconnecting is done; the scheduler sleeps
        due = datetime.now(UTC) + timedelta(seconds=1)
        soon = _arm(real_time, due)
        _wait_for(lambda: soon in _fired(real_time), 10)
    finally:
        running.shutdown(wait=True)
    [at] = _fired(real_time)[soon]
    assert due < at < due + timedelta(seconds=1)
