"""History is append-only and hash-chained: any SQL edit or deletion is found and named."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from engine import Actor
from engine.history import row_hash
from engine.models import HistoryEvent

CENTER = Actor.of("li", ["镇综治中心"])
MEDIATOR = Actor.of("wang", ["调解员"])
INTAKE = {"summary": "邻里之间因漏水产生纠纷", "dispute_type": "邻里", "handle_limit_days": 5}


@pytest.fixture
def history(deployed):
    """A deployed version plus two cases moved a few steps: about a dozen chained rows."""
    for _ in range(2):
        deployed.start("plain_case", actor=CENTER)
    for task in deployed.ready_tasks(CENTER):
        deployed.complete(task.id, INTAKE, actor=CENTER)
    result = deployed.verify_history()
    assert result.ok and result.checked >= 10
    return deployed


def _sql(sa_engine, statement: str) -> None:
    with sa_engine.begin() as connection:
        connection.execute(text(statement))


def test_edited_row_is_named(history, sa_engine):
    _sql(sa_engine, "UPDATE history_event SET actor = 'someone_else' WHERE seq = 5")
    result = history.verify_history()
    assert not result.ok and result.first_bad_seq == 5 and "修改" in result.reason


def test_edited_data_is_named(history, sa_engine):
    _sql(sa_engine, 'UPDATE history_event SET data = \'{"summary": "改过"}\' WHERE seq = 7')
    result = history.verify_history()
    assert (result.ok, result.first_bad_seq) == (False, 7)


def test_rehashed_row_breaks_the_link_to_the_next(history, sa_engine):
    # An attacker who edits a row and recomputes its hash still breaks the next row's link.
    with history.session_factory() as session:
        row = session.get(HistoryEvent, 4)
        row.actor = "someone_else"
        row.hash = row_hash(row, seq=row.seq, prev_hash=row.prev_hash)
        session.commit()
    result = history.verify_history()
    assert not result.ok and result.first_bad_seq == 5 and "链条断开" in result.reason


def test_deleted_row_is_named(history, sa_engine):
    _sql(sa_engine, "DELETE FROM history_event WHERE seq = 6")
    result = history.verify_history()
    assert not result.ok and result.first_bad_seq == 6 and "删除" in result.reason


def test_deleted_tail_is_found(history, sa_engine):
    last = history.verify_history().checked
    _sql(sa_engine, f"DELETE FROM history_event WHERE seq = {last}")
    result = history.verify_history()
    assert not result.ok and result.first_bad_seq == last and "链尾" in result.reason


def test_one_instance_can_be_verified_alone(history, sa_engine):
    with sa_engine.connect() as connection:
        first, second = (
            connection.execute(
                text("SELECT DISTINCT instance_id FROM history_event WHERE instance_id IS NOT NULL")
            )
            .scalars()
            .all()
        )
        seq = connection.execute(
            text(f"SELECT max(seq) FROM history_event WHERE instance_id = {second}")
        ).scalar()
    _sql(sa_engine, f"UPDATE history_event SET lane = '伪造' WHERE seq = {seq}")
    assert history.verify_history(instance_id=first).ok
    result = history.verify_history(instance_id=second)
    assert (result.ok, result.first_bad_seq) == (False, seq)


def test_new_events_keep_chaining_after_verification(history):
    [task] = history.ready_tasks(MEDIATOR)[:1]
    history.complete(task.id, {"result": "调解成功", "handling_notes": "已调解"}, actor=MEDIATOR)
    assert history.verify_history().ok


def test_rows_from_before_the_step_process_was_recorded_still_verify(deployed, sa_engine):
    """Rows written before migration 0016 have no step_process_id and hash without it; rows
    after name it and their hash covers it: adding it to an old row, or taking it from a
    new one, is caught like any other edit."""
    from engine import history
    from engine.history import PendingEvent
    from engine.views import SYSTEM

    with deployed.session_factory() as session:
        old = PendingEvent(event_type="user_changed", at=deployed.clock.now(), actor=SYSTEM.user)
        history.append(session, [old])  # as the code before 0016 wrote every row
        session.commit()
    deployed.start("plain_case", actor=CENTER)
    with deployed.session_factory() as session:
        rows = session.query(HistoryEvent).order_by(HistoryEvent.seq).all()
    [before] = [r.seq for r in rows if r.event_type == "user_changed"]
    after = rows[-1].seq
    assert {r.step_process_id for r in rows if r.instance_id} == {"plain_case"}
    assert deployed.verify_history().ok

    def broken_at() -> int | None:
        result = deployed.verify_history()
        return None if result.ok else result.first_bad_seq

    _sql(sa_engine, f"UPDATE history_event SET step_process_id = 'x' WHERE seq = {before}")
    assert broken_at() == before
    _sql(sa_engine, f"UPDATE history_event SET step_process_id = NULL WHERE seq = {before}")
    assert broken_at() is None
    _sql(sa_engine, f"UPDATE history_event SET step_process_id = NULL WHERE seq = {after}")
    assert broken_at() == after
