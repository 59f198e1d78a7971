"""A failing timer is quarantined, never a blocker: the hostile boundary timer of one case
fails its step within seconds, is retried with growing pauses and then parked (故障),
while the due timers of 20 other cases fire in due order; an admin retries or cancels it."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from engine import Actor, NotFound, RetryPolicy
from engine.models import HistoryEvent, TimerRecord
from tests.engine.diagrams import HEAD, write

CENTER = Actor.of("li", ["镇综治中心"])
ADMIN = Actor.of("admin", ["管理员"])


def _lane(*ids: str) -> str:
    refs = "".join(f"<bpmn:flowNodeRef>{i}</bpmn:flowNodeRef>" for i in ids)
    lane = f'<bpmn:lane id="lane1" name="镇综治中心">{refs}</bpmn:lane>'
    return f'<bpmn:laneSet id="ls">{lane}</bpmn:laneSet>'


HOSTILE = (
    HEAD.format(pid="hostile")
    + '<bpmn:process id="hostile" name="恶意定时器" isExecutable="true">'
    + _lane("start", "a", "end", "calc_due", "end2")
    + '<bpmn:startEvent id="start"/>'
    + '<bpmn:userTask id="a" name="登记"/>'
    + '<bpmn:endEvent id="end"/>'
    + '<bpmn:boundaryEvent id="remind" name="临期提醒" attachedToRef="a" cancelActivity="false">'
    + '<bpmn:timerEventDefinition><bpmn:timeDuration>"PT1H"</bpmn:timeDuration>'
    + "</bpmn:timerEventDefinition></bpmn:boundaryEvent>"
    + '<bpmn:scriptTask id="calc_due" name="计算时限"><bpmn:script>while True:\n    pass'
    + "</bpmn:script></bpmn:scriptTask>"
    + '<bpmn:endEvent id="end2"/>'
    + '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="a"/>'
    + '<bpmn:sequenceFlow id="f2" sourceRef="a" targetRef="end"/>'
    + '<bpmn:sequenceFlow id="f3" sourceRef="remind" targetRef="calc_due"/>'
    + '<bpmn:sequenceFlow id="f4" sourceRef="calc_due" targetRef="end2"/>'
    + "</bpmn:process></bpmn:definitions>"
)

GOOD = (
    HEAD.format(pid="good")
    + '<bpmn:process id="good" name="正常定时器" isExecutable="true">'
    + _lane("start", "wait", "b", "end")
    + '<bpmn:startEvent id="start"/>'
    + '<bpmn:intermediateCatchEvent id="wait" name="等待"><bpmn:timerEventDefinition>'
    + '<bpmn:timeDuration>f"PT{minutes}M"</bpmn:timeDuration>'
    + "</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>"
    + '<bpmn:userTask id="b" name="到期办理"/>'
    + '<bpmn:endEvent id="end"/>'
    + '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait"/>'
    + '<bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="b"/>'
    + '<bpmn:sequenceFlow id="f3" sourceRef="b" targetRef="end"/>'
    + "</bpmn:process></bpmn:definitions>"
)

FAILURE = "脚本任务“计算时限”（calc_due）超出运行步数上限 1,000,000 步，已回滚"


@pytest.fixture
def setup(engine, tmp_path, clock):
    engine.deploy(
        [write(tmp_path, "hostile.bpmn", HOSTILE), write(tmp_path, "good.bpmn", GOOD)],
        actor="designer",
    )
    hostile = engine.start("hostile", actor=CENTER)  # due first: 1 hour
    good = [
        engine.start("good", actor=CENTER, data={"minutes": 61 + i}) for i in range(20)
    ]  # due one minute apart after it
    return engine, hostile, good


def _timers(engine) -> dict[int, TimerRecord]:
    with engine.session_factory() as session:
        return {t.instance_id: t for t in session.execute(select(TimerRecord)).scalars()}


def _ready_in(engine, instance_id: int) -> list[str]:
    return [t.name for t in engine.ready_tasks(CENTER) if t.instance_id == instance_id]


def test_hostile_timer_fails_alone_while_20_other_due_timers_fire(setup, clock):
    engine, hostile, good = setup
    clock.advance(hours=2)
    started = time.monotonic()
    fired = engine.fire_due_timers()
    assert time.monotonic() - started < 30
    assert fired == 20
    assert all(_ready_in(engine, instance) == ["到期办理"] for instance in good)
    # The hostile case rolled back: its task still waits, its timer counts one attempt.
    assert _ready_in(engine, hostile) == ["登记"]
    [row] = _timers(engine).values()
    assert (row.instance_id, row.attempts, row.parked_at) == (hostile, 1, None)
    assert row.last_error == FAILURE
    assert row.next_try_at == clock.now() + timedelta(minutes=1)


def test_failing_timer_waits_between_tries_then_is_parked(setup, clock):
    engine, hostile, _good = setup
    engine.timer_retry = RetryPolicy(max_attempts=3)
    clock.advance(hours=2)
    engine.fire_due_timers()
    assert engine.fire_due_timers() == 0  # its next try has not come
    assert _timers(engine)[hostile].attempts == 1
    clock.advance(minutes=1)
    engine.fire_due_timers()
    row = _timers(engine)[hostile]
    assert row.attempts == 2 and row.next_try_at == clock.now() + timedelta(minutes=2)
    clock.advance(minutes=2)
    engine.fire_due_timers()
    row = _timers(engine)[hostile]
    assert row.attempts == 3 and row.parked_at == clock.now() and row.next_try_at is None
    clock.advance(days=1)
    engine.fire_due_timers()
    assert _timers(engine)[hostile].attempts == 3  # parked: never tried again by itself

    [parked] = engine.troubled_timers(parked_only=True)
    assert (parked.instance_id, parked.element, parked.name) == (hostile, "remind", "临期提醒")
    assert parked.parked and parked.last_error == FAILURE and parked.process_id == "hostile"
    with engine.session_factory() as session:
        event = session.execute(
            select(HistoryEvent).where(HistoryEvent.event_type == "timer_parked")
        ).scalar_one()
    assert event.instance_id == hostile and event.data["error"] == FAILURE

    # The case's own task is not held up by it.
    [task] = [t for t in engine.ready_tasks(CENTER) if t.instance_id == hostile]
    engine.complete(task.id, {}, actor=CENTER)
    assert _timers(engine) == {}


def test_admin_retries_a_parked_timer_or_cancels_its_case(setup, clock):
    engine, hostile, _good = setup
    engine.timer_retry = RetryPolicy(max_attempts=1)
    clock.advance(hours=2)
    engine.fire_due_timers()
    [parked] = engine.troubled_timers()
    assert parked.parked

    engine.retry_timer(parked.timer_id, actor=ADMIN, reason="脚本已修正")
    row = _timers(engine)[hostile]
    assert (row.attempts, row.parked_at, row.last_error) == (0, None, None)
    assert engine.troubled_timers() == []
    engine.fire_due_timers()  # still broken: parked again at once
    [parked] = engine.troubled_timers(parked_only=True)

    engine.cancel(hostile, actor=ADMIN, reason="定时器故障，撤销流程")
    assert engine.troubled_timers() == []
    with pytest.raises(NotFound):
        engine.retry_timer(parked.timer_id, actor=ADMIN)
