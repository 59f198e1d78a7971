"""Schedulers draining one backlog lease different due timers; a lease that was not used
goes back at once, and one left by a scheduler that died runs out and the timer fires."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import create_engine, event, select, text
from sqlalchemy.orm import sessionmaker

from engine import Actor, Engine, SourceFile
from engine.models import HistoryEvent, TimerRecord
from engine.scheduler import next_due
from engine.timers import LEASE, lease

from .diagrams import sequence

STARTER = Actor.of("li", ["镇综治中心"])
WAIT = (
    '<bpmn:intermediateCatchEvent id="wait" name="等到点"><bpmn:timerEventDefinition>'
    "<bpmn:timeDate>due</bpmn:timeDate>"
    "</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>"
)


@pytest.fixture
def waiting(sa_engine, clock) -> Engine:
    """An engine with the one-timer diagram deployed."""
    engine = Engine(sessionmaker(bind=sa_engine, expire_on_commit=False), clock=clock)
    source = SourceFile("lease.bpmn", "bpmn", sequence("lease", ("wait", WAIT), lane=None).encode())
    engine.deploy_set([source], actor="tester", note="定时器租约")
    return engine


def _arm(engine: Engine, due: datetime, count: int) -> list[int]:
    data = {"due": due.isoformat()}
    return [engine.start("lease", actor=STARTER, data=data) for _ in range(count)]


def _fired(engine: Engine) -> list[int]:
    """Instances with a ``timer_fired`` event, once per event."""
    with engine.session_factory() as session:
        return sorted(
            session.execute(
                select(HistoryEvent.instance_id).where(HistoryEvent.event_type == "timer_fired")
            ).scalars()
        )


def _next_tries(engine: Engine) -> dict[int, datetime | None]:
    with engine.session_factory() as session:
        rows = session.execute(select(TimerRecord.instance_id, TimerRecord.next_try_at)).all()
    return dict(rows)


def test_two_schedulers_lease_different_due_timers_earliest_first(waiting, clock):
    later = _arm(waiting, clock.now() + timedelta(minutes=2), 3)
    earlier = _arm(waiting, clock.now() + timedelta(minutes=1), 3)
    not_due = _arm(waiting, clock.now() + timedelta(hours=1), 1)
    clock.advance(minutes=5)
    first = lease(waiting, size=4)
    second = lease(waiting, size=4)
    assert first is not None and second is not None
    assert set(first.instance_ids[:3]) == set(earlier)  # earliest due first
    assert set(first.instance_ids) | set(second.instance_ids) == set(earlier + later)
    assert not set(first.instance_ids) & set(second.instance_ids)
    assert lease(waiting, size=4) is None  # nothing due is left unleased
    assert _next_tries(waiting)[not_due[0]] is None


def test_a_scheduler_that_died_holding_a_lease_leaves_its_timers_to_the_others(waiting, clock):
    instances = _arm(waiting, clock.now() + timedelta(minutes=1), 3)
    clock.advance(minutes=2)
    dead = lease(waiting, size=10)  # leased, then the scheduler died before firing them
    assert dead is not None and sorted(dead.instance_ids) == sorted(instances)
    assert waiting.fire_due_timers() == 0
    # The other schedulers sleep until the lease runs out, then fire them, once each.
    assert next_due(waiting) == dead.until
    clock.advance(seconds=LEASE.total_seconds() + 1)
    assert waiting.fire_due_timers() == 3
    assert _fired(waiting) == sorted(instances)
    assert _next_tries(waiting) == {}


def test_a_scheduler_stopping_mid_batch_hands_back_the_timers_it_did_not_try(waiting, clock):
    instances = _arm(waiting, clock.now() + timedelta(minutes=1), 5)
    clock.advance(minutes=2)
    tried: list[int] = []

    def stopping() -> bool:
        tried.append(1)
        return len(tried) > 2

    assert waiting.fire_due_timers(stopping=stopping) == 2
    left = _next_tries(waiting)
    assert len(left) == 3 and set(left.values()) == {None}  # not leased: due for anyone
    assert waiting.fire_due_timers() == 3
    assert _fired(waiting) == sorted(instances)


def test_a_busy_instance_gives_its_lease_back_and_fires_in_the_next_round(
    waiting, clock, sa_engine, is_postgres
):
    if not is_postgres:
        pytest.skip("row locks are PostgreSQL's (SQLite has one writer)")
    busy, *others = _arm(waiting, clock.now() + timedelta(minutes=1), 4)
    clock.advance(minutes=2)
    with sa_engine.connect() as user_step:  # a user's step holds the instance
        user_step.execute(text("SELECT id FROM instance WHERE id = :id FOR UPDATE"), {"id": busy})
        assert waiting.fire_due_timers() == 3
        assert _next_tries(waiting) == {busy: None}
        assert next_due(waiting) < clock.now()  # still due: looked at again soon
        user_step.rollback()
    assert waiting.fire_due_timers() == 1
    assert _fired(waiting) == sorted([busy, *others])


def test_a_drain_takes_a_lease_per_batch_and_two_statements_per_timer(waiting, clock, sa_engine):
    """However another process appends to the history between the firings, each timer
    is its claim and one write (PostgreSQL); the batch adds its lease, and the last,
    empty lease ends the round."""
    _arm(waiting, clock.now() + timedelta(minutes=1), 4)
    clock.advance(minutes=2)
    other_pool = create_engine(sa_engine.url)
    other = Engine(sessionmaker(bind=other_pool, expire_on_commit=False), clock=clock)
    later = {"due": (clock.now() + timedelta(days=1)).isoformat()}
    seen: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement.split()[0])

    event.listen(sa_engine, "before_cursor_execute", count)
    try:
        fired = waiting.fire_due_timers(
            on_progress=lambda: other.start("lease", actor=STARTER, data=later)
        )
    finally:
        event.remove(sa_engine, "before_cursor_execute", count)
        other_pool.dispose()
    assert fired == 4
    assert len(_fired(waiting)) == 4
    if sa_engine.dialect.name == "postgresql":
        assert seen == ["UPDATE"] + ["SELECT", "WITH"] * 4 + ["UPDATE"], seen
    assert waiting.verify_history().ok
