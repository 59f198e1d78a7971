"""The engine's units of work on PostgreSQL have a pool of their own (``steps`` bind):
their lock and write stay prepared though every read-only session ends in a rollback
(``engine.prepared``). SQLite has one pool."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from engine import Actor
from engine.db import STEPS_BIND, db
from processes.engine_factory import build_engine
from tests.processes.conftest import deploy
from webapp.engine_binding import session_factories

CENTER = Actor.of("li", ["镇综治中心"])
INTAKE = {"summary": "邻里之间因漏水产生纠纷", "dispute_type": "邻里", "handle_limit_days": 5}


def test_units_of_work_have_their_own_pool_on_postgresql(app, is_postgres):
    with app.app_context():
        reads, steps = session_factories()
        with reads() as read, steps() as step:
            assert read.get_bind() is db.engine
            if is_postgres:
                assert step.get_bind() is db.engines[STEPS_BIND]
                assert step.get_bind().url == db.engine.url
            else:
                assert STEPS_BIND not in db.engines
                assert step.get_bind() is db.engine


def test_a_steps_lock_and_write_stay_prepared_across_reads(app, is_postgres, clock):
    if not is_postgres:
        pytest.skip("SQLite runs in the process: nothing to prepare on a server")
    with app.app_context():
        engine = build_engine(*session_factories(), clock=clock)
        deploy(engine)
        for _ in range(4):  # each step after a read-only session's rollback
            case = engine.start("plain_case", actor=CENTER)
            [intake] = [t for t in engine.tasks_of(case) if t.status == "ready"]
            engine.complete(intake.id, INTAKE, actor=CENTER)
        with engine.step_sessions() as session:
            found = session.execute(text("SELECT statement FROM pg_prepared_statements"))
            prepared = found.scalars().all()
    assert any("FOR UPDATE" in statement for statement in prepared), prepared
    assert any("zongzhi_expect_written" in statement for statement in prepared), prepared
