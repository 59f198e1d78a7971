"""Timers are rows: due times projected, fired by the scheduler, claimed so none fires twice."""

from __future__ import annotations

import signal
import threading
import time
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from engine import Actor, Engine
from engine.models import HistoryEvent, TimerRecord
from engine.scheduler import run_forever, start_background

CENTER = Actor.of("li", ["镇综治中心"])
SUPERVISOR = Actor.of("zhao", ["督办员"])


def _case_waiting_in_handle(engine, days: int = 2) -> int:
    instance = engine.start("plain_case", actor=CENTER)
    [task] = [t for t in engine.ready_tasks(CENTER) if t.instance_id == instance]
    intake = {
        "summary": "邻里之间因漏水产生纠纷",
        "dispute_type": "邻里",
        "handle_limit_days": days,
    }
    engine.complete(task.id, intake, actor=CENTER)
    return instance


def _timer_rows(engine) -> list[TimerRecord]:
    with engine.session_factory() as session:
        return session.execute(select(TimerRecord)).scalars().all()


def _fired_count(engine) -> int:
    with engine.session_factory() as session:
        return session.execute(
            select(func.count()).where(HistoryEvent.event_type == "timer_fired")
        ).scalar_one()


def test_waiting_timer_is_a_row_with_its_due_time(deployed, clock):
    instance = _case_waiting_in_handle(deployed, days=2)
    [row] = _timer_rows(deployed)
    assert (row.instance_id, row.spec_id, row.name) == (instance, "handle_overdue", "处置超期")
    assert row.due_at == clock.now() + timedelta(days=2)


def test_timer_fires_only_when_the_clock_passes_due(deployed, clock):
    _case_waiting_in_handle(deployed, days=2)
    clock.advance(days=2, seconds=-1)
    assert deployed.fire_due_timers() == 0
    clock.advance(seconds=2)
    assert deployed.fire_due_timers() == 1
    assert [t.name for t in deployed.ready_tasks(SUPERVISOR)] == ["督办"]
    assert _timer_rows(deployed) == []
    assert deployed.fire_due_timers() == 0
    assert _fired_count(deployed) == 1


def test_overdue_timers_fire_when_the_scheduler_starts(deployed, clock):
    _case_waiting_in_handle(deployed, days=1)
    clock.advance(days=3)  # fell due while no scheduler ran
    scheduler = start_background(deployed, poll_seconds=3600)
    try:
        deadline = time.monotonic() + 10
        while not deployed.ready_tasks(SUPERVISOR) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        scheduler.shutdown(wait=True)
    assert [t.name for t in deployed.ready_tasks(SUPERVISOR)] == ["督办"]


def test_the_scheduler_stops_by_itself_once_its_supervisor_is_gone(deployed):
    answers = iter([True, False])  # the supervisor dies after the first check
    handlers = (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT))
    started = time.monotonic()
    run_forever(deployed, poll_seconds=3600, alive=lambda: next(answers))
    assert time.monotonic() - started < 10
    assert (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)) == handlers


def test_two_schedulers_never_fire_a_timer_twice(deployed, sa_engine, clock, is_postgres):
    instances = [_case_waiting_in_handle(deployed, days=1) for _ in range(12)]
    clock.advance(days=2)
    schedulers = [
        Engine(sessionmaker(bind=sa_engine, expire_on_commit=False), clock=clock) for _ in range(2)
    ]
    start = threading.Barrier(2)
    fired: list[int] = []
    workers = 4 if is_postgres else 1  # as the scheduler runs them: threads on PostgreSQL

    def run(engine: Engine) -> None:
        start.wait()
        fired.append(engine.fire_due_timers(workers=workers))

    threads = [threading.Thread(target=run, args=(e,)) for e in schedulers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(fired) == len(instances)
    assert _fired_count(deployed) == len(instances)
    supervise = [t for t in deployed.ready_tasks(SUPERVISOR)]
    assert sorted(t.instance_id for t in supervise) == sorted(instances)
    assert _timer_rows(deployed) == []
    assert deployed.verify_history().ok


def test_completing_the_task_removes_its_timer(deployed, clock):
    instance = _case_waiting_in_handle(deployed, days=2)
    mediator = Actor.of("wang", ["调解员"])
    [handle] = deployed.ready_tasks(mediator)
    deployed.complete(
        handle.id, {"result": "调解成功", "handling_notes": "双方达成一致"}, actor=mediator
    )
    assert [r for r in _timer_rows(deployed) if r.instance_id == instance] == []
    clock.advance(days=5)
    assert deployed.fire_due_timers() == 0
