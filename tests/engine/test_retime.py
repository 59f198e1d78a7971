"""``Engine.retime``: a waiting timer moved to a new due time inside the state, with the
same moment in the instance's data, the timer row and the work list following, in one
unit of work with one history event. Nothing runs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from engine import Actor, ConflictError
from engine.models import HistoryEvent, TimerRecord
from tests.engine.db_snapshot import dump

CENTER = Actor.of("li", ["镇综治中心"])
MEDIATOR = Actor.of("wang", ["调解员"])
SUPERVISOR = Actor.of("zhao", ["督办员"])
ADMIN = Actor.of("admin")


def _waiting_case(engine, data=None) -> tuple[int, str]:
    instance = engine.start("plain_case", actor=CENTER, data=data)
    [task] = [t for t in engine.ready_tasks(CENTER) if t.instance_id == instance]
    intake = {"summary": "邻里之间因漏水产生纠纷", "dispute_type": "邻里", "handle_limit_days": 2}
    engine.complete(task.id, intake, actor=CENTER)
    [handle] = [t for t in engine.ready_tasks(MEDIATOR) if t.instance_id == instance]
    return instance, handle.id


def _timer_due(engine, instance):
    with engine.session_factory() as session:
        return session.scalars(
            select(TimerRecord.due_at).where(TimerRecord.instance_id == instance)
        ).one()


def test_a_moved_timer_fires_at_its_new_time_not_the_old(deployed, clock):
    instance, handle = _waiting_case(deployed)
    old = _timer_due(deployed, instance)
    assert deployed.task(handle).due_at == old
    new = old + timedelta(days=3)

    moved = deployed.retime(instance, {old: new}, actor=ADMIN, reason="日历变更")

    assert [(t["element"], t["timer"]) for t in moved.timers] == [("handle_overdue", "处置超期")]
    assert _timer_due(deployed, instance) == new
    assert deployed.task(handle).due_at == new
    with deployed.session_factory() as session:
        [event] = session.scalars(
            select(HistoryEvent).where(HistoryEvent.event_type == "deadlines_retimed")
        ).all()
    assert (event.actor, event.instance_id, event.data["reason"]) == ("admin", instance, "日历变更")
    clock.set(old + timedelta(hours=1))
    assert deployed.fire_due_timers() == 0
    assert deployed.ready_tasks(SUPERVISOR) == []
    clock.set(new + timedelta(seconds=1))
    assert deployed.fire_due_timers() == 1
    assert [t.name for t in deployed.ready_tasks(SUPERVISOR)] == ["督办"]


def test_the_moved_moment_is_replaced_in_the_data_nested_or_not(deployed, clock):
    due = (clock.now() + timedelta(days=10)).isoformat()
    other = (clock.now() + timedelta(days=11)).isoformat()
    data = {"promised": due, "plan": {"steps": [due, other]}, "note": due[:10]}
    instance, _ = _waiting_case(deployed, data)
    old = clock.now() + timedelta(days=10)
    moved = deployed.retime(
        instance, {old: old + timedelta(days=1)}, actor=ADMIN, reason="日历变更"
    )
    assert moved.timers == () and moved.variables == ("plan", "promised")
    seen = deployed.instance(instance, with_data=True).data
    assert seen["promised"] == seen["plan"]["steps"][0] == (old + timedelta(days=1)).isoformat()
    assert seen["plan"]["steps"][1] == other and seen["note"] == due[:10]


def test_nothing_is_stored_when_the_commit_fails(deployed, sa_engine, clock):
    instance, _ = _waiting_case(deployed)
    old = _timer_due(deployed, instance)
    before = dump(sa_engine)
    deployed.before_commit.append(lambda session: (_ for _ in ()).throw(RuntimeError("boom")))
    try:
        with pytest.raises(RuntimeError):
            deployed.retime(instance, {old: old + timedelta(days=1)}, actor=ADMIN, reason="x")
    finally:
        deployed.before_commit.clear()
    assert dump(sa_engine) == before


def test_an_ended_instance_and_a_blank_reason_are_refused(deployed, clock):
    instance, _ = _waiting_case(deployed)
    old = _timer_due(deployed, instance)
    with pytest.raises(ValueError, match="原因"):
        deployed.retime(instance, {old: old}, actor=ADMIN, reason=" ")
    deployed.cancel(instance, actor=ADMIN, reason="撤回")
    with pytest.raises(ConflictError, match="已结束"):
        deployed.retime(instance, {old: old + timedelta(days=1)}, actor=ADMIN, reason="x")
