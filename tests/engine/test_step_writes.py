"""A step's writes kept for one statement at commit (PostgreSQL; at once on SQLite) keep
every guarantee: a read before the commit sees them, a rollback drops them, the instance's
version is checked, and the history chains onto what another process appended meanwhile."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import bindparam, create_engine, func, select, update
from sqlalchemy.orm import sessionmaker
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from engine import Actor, Engine, writes
from engine.history import PendingEvent
from engine.models import HistoryEvent, Instance

CENTER = Actor.of("li", ["镇综治中心"])
INTAKE = {"summary": "邻里之间因漏水产生纠纷", "dispute_type": "邻里", "handle_limit_days": 5}
_INSTANCES = Instance.__table__


def _end_reason(instance_id: int):
    statement = (
        update(_INSTANCES)
        .where(_INSTANCES.c.id == bindparam("instance_id"))
        .values(end_reason=bindparam("reason"))
    )
    values = {"instance_id": instance_id, "reason": "测试"}
    return writes.Write("test_end_reason", lambda: statement, values)


def test_a_read_before_the_commit_sees_the_kept_writes_and_a_rollback_drops_them(deployed):
    instance_id = deployed.start("plain_case", actor=CENTER)
    with deployed.unit_of_work() as uow:
        writes.stage(uow.session, _end_reason(instance_id))
        read = select(Instance.end_reason).where(Instance.id == instance_id)
        assert uow.session.execute(read).scalar() == "测试"
    with deployed.session_factory() as session:
        assert session.get(Instance, instance_id).end_reason is None


def test_a_plain_session_commit_sends_the_kept_writes(deployed):
    instance_id = deployed.start("plain_case", actor=CENTER)
    with deployed.session_factory() as session:
        writes.stage(session, _end_reason(instance_id))
        session.commit()
    with deployed.session_factory() as session:
        assert session.get(Instance, instance_id).end_reason == "测试"


def _event_count(engine: Engine) -> int:
    with engine.session_factory() as session:
        return session.scalar(select(func.count()).select_from(HistoryEvent))


def test_the_kept_instance_write_checks_the_row_version(deployed):
    """On PostgreSQL the check is made by the statement that also carries the COMMIT: a
    missed check fails it whole, the events with it."""
    instance_id = deployed.start("plain_case", actor=CENTER)
    events_before = _event_count(deployed)
    with pytest.raises(StaleDataError), deployed.unit_of_work() as uow:
        row = uow.session.get(Instance, instance_id)
        set_committed_value(row, "row_version", row.row_version - 1)  # as read before a write
        row.end_reason = "测试"
        writes.stage_instance(uow.session, row)
        uow.record(PendingEvent("instance_cancelled", row.updated_at, "li", instance_id))
        uow.commit()
    with deployed.session_factory() as session:
        assert session.get(Instance, instance_id).end_reason is None
    assert _event_count(deployed) == events_before
    assert deployed.verify_history().ok


def test_a_step_chains_onto_what_another_process_appended_meanwhile(deployed, sa_engine, clock):
    """Another pool has its own idea of the history head, as another process would: after
    it appended, this process's guess is stale and its step's events are chained again,
    after the other's, and the chain verifies."""
    fresh = deployed.start("plain_case", actor=CENTER)
    other_pool = create_engine(sa_engine.url)
    try:
        other = Engine(sessionmaker(bind=other_pool, expire_on_commit=False), clock=clock)
        other.start("plain_case", actor=CENTER)
    finally:
        other_pool.dispose()
    with deployed.session_factory() as session:
        others_last = session.execute(select(HistoryEvent.seq).order_by(HistoryEvent.seq.desc()))
        others_last = others_last.scalars().first()
    [task] = [t for t in deployed.tasks_of(fresh) if t.status == "ready"]
    deployed.complete(task.id, INTAKE, actor=CENTER)
    with deployed.session_factory() as session:
        done = session.execute(
            select(HistoryEvent.seq).where(
                HistoryEvent.task_id == task.id, HistoryEvent.event_type == "task_completed"
            )
        ).scalar_one()
    assert done == others_last + 1
    assert deployed.verify_history().ok


TRICKY = {
    "seq": -1,
    "text": '引号"、反斜杠\\、换行\n、制表\t与表情😀',
    "nested": {"seq": "-1", "list": [1, "二", None]},
}


def _record_events(engine: Engine, count: int, tag: str) -> None:
    for n in range(count):
        with engine.unit_of_work() as uow:
            for k in range(2):
                data = {**TRICKY, "tag": tag, "n": n, "k": k}
                uow.record(PendingEvent("variables_set", engine.clock.now(), "li", data=data))
            uow.commit()


def test_events_of_any_data_chain_and_verify(deployed):
    """The chain's hashes (made by the server on PostgreSQL) match what verification
    recomputes, whatever the text: quotes, backslashes, controls, a nested "seq"."""
    deployed.start("plain_case", actor=CENTER)  # the head row exists
    _record_events(deployed, 3, "一")
    result = deployed.verify_history()
    assert result.ok, result.reason
    assert result.checked >= 6


def test_steps_committing_side_by_side_leave_one_unbroken_chain(deployed, sa_engine, clock):
    """Two processes (their own pools) appending at the same time: every event is in the
    chain once, the sequence has no gap, and the chain verifies."""
    deployed.start("plain_case", actor=CENTER)
    pools = [create_engine(sa_engine.url) for _ in range(2)]
    try:
        engines = [Engine(sessionmaker(bind=p, expire_on_commit=False), clock=clock) for p in pools]
        threads = [
            threading.Thread(target=_record_events, args=(e, 15, f"进程{i}"))
            for i, e in enumerate(engines)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        for pool in pools:
            pool.dispose()
    with deployed.session_factory() as session:
        seqs = list(session.execute(select(HistoryEvent.seq).order_by(HistoryEvent.seq)).scalars())
        tagged = session.execute(
            select(HistoryEvent.data).where(HistoryEvent.event_type == "variables_set")
        ).scalars()
        tags = sorted((d["tag"], d["n"], d["k"]) for d in tagged)
    assert seqs == list(range(1, len(seqs) + 1))
    assert tags == sorted((f"进程{i}", n, k) for i in range(2) for n in range(15) for k in range(2))
    result = deployed.verify_history()
    assert result.ok, result.reason
