"""PostgreSQL: a step's BEGIN travels with its lock and its COMMIT with its write
(``engine.pipelining``), and the pooled connection is an ordinary transactional one again
for whoever uses it next."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from engine import Actor, pipelining
from engine.errors import ConflictError

CENTER = Actor.of("li", ["镇综治中心"])
INTAKE = {"summary": "邻里之间因漏水产生纠纷", "dispute_type": "邻里", "handle_limit_days": 5}


@pytest.fixture
def on_postgres(is_postgres) -> None:
    if not is_postgres:
        pytest.skip("SQLite runs in the process: no round trip to save")


def _ready(engine, instance_id):
    return [t for t in engine.tasks_of(instance_id) if t.status == "ready"]


def test_a_step_sends_its_begin_with_its_lock_and_its_commit_with_its_write(on_postgres, deployed):
    case = deployed.start("plain_case", actor=CENTER)
    [intake] = _ready(deployed, case)
    before = pipelining.sent_along()
    deployed.complete(intake.id, INTAKE, actor=CENTER)
    assert pipelining.sent_along() == before + 2
    assert [t.spec_id for t in _ready(deployed, case)] == ["handle"]
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
