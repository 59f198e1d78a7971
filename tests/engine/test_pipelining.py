"""PostgreSQL: a step reads its task outside a transaction and its write is its own
transaction; whatever else it runs opens the transaction with its BEGIN sent along, and a
locked step's BEGIN travels with its lock, its COMMIT with its write (``engine.pipelining``).
The pooled connection is an ordinary transactional one again for whoever uses it next. A
step that loses the race for its instance runs again under the lock (``engine.instances``).
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select, text

from engine import Actor, pipelining
from engine.errors import ConflictError
from engine.models import HistoryEvent

CENTER = Actor.of("li", ["镇综治中心"])
INTAKE = {"summary": "邻里之间因漏水产生纠纷", "dispute_type": "邻里", "handle_limit_days": 5}


@pytest.fixture
def on_postgres(is_postgres) -> None:
    if not is_postgres:
        pytest.skip("SQLite runs in the process: no round trip to save")


def _ready(engine, instance_id):
    return [t for t in engine.tasks_of(instance_id) if t.status == "ready"]


def _intake_done(engine) -> int:
    case = engine.start("plain_case", actor=CENTER)
    [intake] = _ready(engine, case)
    engine.complete(intake.id, INTAKE, actor=CENTER)
    return case


def test_a_step_needs_neither_begin_nor_commit_of_its_own(on_postgres, deployed):
    _intake_done(deployed)  # the forms' schemas are read once
    case = deployed.start("plain_case", actor=CENTER)
    [intake] = _ready(deployed, case)
    before = pipelining.spared()
    deployed.complete(intake.id, INTAKE, actor=CENTER)
    assert pipelining.spared() == before + 2  # read alone, written alone
    assert [t.spec_id for t in _ready(deployed, case)] == ["handle"]
    assert deployed.verify_history().ok


def test_what_a_step_writes_before_its_own_write_is_in_its_transaction(on_postgres, deployed):
    """A hook writes, then fails: its write is rolled back with the rest (it went in the
    transaction the read had not opened)."""
    _intake_done(deployed)
    case = deployed.start("plain_case", actor=CENTER)
    [intake] = _ready(deployed, case)

    def write_then_fail(session) -> None:
        session.execute(text("UPDATE instance SET end_reason = 'x' WHERE id = :id"), {"id": case})
        raise RuntimeError("注入的失败")

    deployed.before_commit.append(write_then_fail)
    with pytest.raises(RuntimeError):
        deployed.complete(intake.id, INTAKE, actor=CENTER)
    deployed.before_commit.clear()
    with deployed.session_factory() as session:
        reason = session.execute(
            text("SELECT end_reason FROM instance WHERE id = :id"), {"id": case}
        ).scalar_one()
    assert reason is None
    assert [t.spec_id for t in _ready(deployed, case)] == ["intake"]
    assert deployed.verify_history().ok


def _once(action):
    """A before-commit hook running ``action`` in another thread, on the first try of the
    step only (the step then runs again under the lock, which ``action`` would wait for)."""
    done = []

    def hook(_session) -> None:
        if not done:
            done.append(True)
            thread = threading.Thread(target=action)
            thread.start()
            thread.join(timeout=10)

    return hook


def _row_version(engine, case: int) -> int:
    with engine.session_factory() as session:
        return session.execute(
            text("SELECT row_version FROM instance WHERE id = :id"), {"id": case}
        ).scalar_one()


def _completions(engine, case: int, spec_id: str) -> int:
    with engine.session_factory() as session:
        return session.execute(
            select(func.count()).where(
                HistoryEvent.instance_id == case,
                HistoryEvent.event_type == "task_completed",
                HistoryEvent.spec_id == spec_id,
            )
        ).scalar_one()


def test_a_step_whose_instance_changed_meanwhile_runs_again_under_the_lock(
    on_postgres, deployed, sa_engine
):
    case = _intake_done(deployed)
    [handle] = _ready(deployed, case)
    version = _row_version(deployed, case)

    def another_writer() -> None:
        with sa_engine.begin() as connection:
            connection.execute(
                text("UPDATE instance SET row_version = row_version + 1 WHERE id = :id"),
                {"id": case},
            )

    deployed.before_commit.append(_once(another_writer))
    handled = {"result": "调解成功", "handling_notes": "双方达成一致"}
    deployed.complete(handle.id, handled, actor=Actor.of("wang", ["调解员"]))
    deployed.before_commit.clear()
    assert [t.spec_id for t in _ready(deployed, case)] == ["callback"]
    assert _completions(deployed, case, "handle") == 1
    assert _row_version(deployed, case) == version + 2  # the other write, then the step's
    assert deployed.verify_history().ok


def test_a_step_whose_task_changed_holder_meanwhile_fails_whole(on_postgres, deployed):
    case = deployed.start("plain_case", actor=CENTER)
    [intake] = _ready(deployed, case)
    deployed.claim(intake.id, actor=CENTER)
    supervisor = Actor.of("du", ["督办员"])

    def reassign() -> None:
        deployed.assign(intake.id, to_user="zhou", actor=supervisor, reason="改派", on_behalf=True)

    deployed.before_commit.append(_once(reassign))
    with pytest.raises(ConflictError, match="刚被改派"):
        deployed.complete(intake.id, INTAKE, actor=CENTER)
    deployed.before_commit.clear()
    [still] = _ready(deployed, case)
    assert (still.spec_id, still.assignee) == ("intake", "zhou")
    assert _completions(deployed, case, "intake") == 0
    assert deployed.verify_history().ok


def test_after_a_step_the_connection_rolls_back_what_is_not_committed(on_postgres, deployed):
    """Were the pooled connection left in autocommit, the write below would stay."""
    case = deployed.start("plain_case", actor=CENTER)
    [intake] = _ready(deployed, case)
    deployed.complete(intake.id, INTAKE, actor=CENTER)
    with deployed.session_factory() as session:
        session.execute(text("UPDATE instance SET end_reason = 'x' WHERE id = :id"), {"id": case})
        session.rollback()
    with deployed.session_factory() as session:
        reason = session.execute(
            text("SELECT end_reason FROM instance WHERE id = :id"), {"id": case}
        ).scalar_one()
    assert reason is None


def test_a_refused_step_leaves_nothing_and_the_next_one_runs(on_postgres, deployed):
    case = deployed.start("plain_case", actor=CENTER)
    [intake] = _ready(deployed, case)
    deployed.complete(intake.id, INTAKE, actor=CENTER)
    with pytest.raises(ConflictError):  # its lock was taken, then the step refused
        deployed.complete(intake.id, INTAKE, actor=CENTER)
    [handle] = _ready(deployed, case)
    handled = {"result": "调解成功", "handling_notes": "双方达成一致"}
    deployed.complete(handle.id, handled, actor=Actor.of("wang", ["调解员"]))
    assert [t.spec_id for t in _ready(deployed, case)] == ["callback"]
    assert deployed.verify_history().ok
