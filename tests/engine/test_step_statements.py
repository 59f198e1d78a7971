"""A step costs a handful of statements: counted, so it cannot quietly grow again.

On PostgreSQL the step's writes go as one statement of data-modifying ``WITH`` clauses at
commit (``engine.writes``), as a transaction of its own (``engine.pipelining``): two
statements in all, two round trips, the unlocked read and the writes; one, the writes,
when the task is one this process's last step on the instance made ready (its rows are
held with the workflow, ``engine.wfcache``). On SQLite each write is its own statement,
after the task's read under the lock. The writes themselves are the same on both.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from sqlalchemy import event

from engine import Actor

CENTER = Actor.of("li", ["镇综治中心"])
INTAKE = {"summary": "邻里之间因漏水产生纠纷", "dispute_type": "邻里", "handle_limit_days": 5}


@contextlib.contextmanager
def statements(sa_engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(_conn, _cursor, statement, _params, _context, _many) -> None:
        seen.append(" ".join(statement.split()))

    event.listen(sa_engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(sa_engine, "before_cursor_execute", count)


def test_a_plain_complete_on_a_fresh_case_takes_six_statements(deployed, sa_engine):
    """Read the task and its instance; arm the next step's deadline; write the instance;
    write the done task and the next one (one upsert); advance the history head; insert
    the events. (The case is not held by this process, as when another process started
    it: the task is read.)"""
    deployed.start("plain_case", actor=CENTER)
    [warm] = deployed.ready_tasks(CENTER)
    deployed.complete(warm.id, INTAKE, actor=CENTER)  # the form schema is read once
    fresh = deployed.start("plain_case", actor=CENTER)
    deployed.workflows.discard(fresh)
    [task] = deployed.ready_tasks(CENTER)
    with statements(sa_engine) as seen:
        deployed.complete(task.id, INTAKE, actor=CENTER)
    assert sorted(_kinds(seen)) == sorted(
        [
            "SELECT task",
            "INSERT timer",
            "UPDATE instance",
            "INSERT task",
            _head_advanced(sa_engine),
            "INSERT history_event",
        ]
    ), "\n".join(seen)
    assert "FOR UPDATE" not in seen[0]  # PostgreSQL: its write checks the version read
    _assert_one_write_statement_on_postgres(seen, sa_engine)
    [handle] = [t for t in deployed.tasks_of(fresh) if t.status == "ready"]
    assert handle.spec_id == "handle" and handle.due_at is not None
    assert deployed.verify_history().ok


_TABLE_AFTER = {"SELECT": "FROM", "INSERT": "INTO", "UPDATE": "UPDATE", "DELETE": "FROM"}


def _kinds(seen: list[str]) -> list[str]:
    """``VERB table`` of each statement; a ``WITH`` statement counts as its clauses."""
    found = []
    for statement in seen:
        words = statement.replace("(", " ( ").split()
        if words[0] != "WITH":
            found.append(words[0] + " " + words[words.index(_TABLE_AFTER[words[0]]) + 1])
            continue
        for i, word in enumerate(words[:-2]):
            verb = words[i + 2]
            if word == "AS" and words[i + 1] == "(" and verb in ("INSERT", "UPDATE", "DELETE"):
                found.append(verb + " " + words[words.index(_TABLE_AFTER[verb], i + 2) + 1])
    return found


def _head_advanced(sa_engine) -> str:
    """PostgreSQL advances the history head in an upsert (it makes the head when the
    history is empty, in the same statement); SQLite updates it."""
    upsert = sa_engine.dialect.name == "postgresql"
    return "INSERT history_head" if upsert else "UPDATE history_head"


def _assert_one_write_statement_on_postgres(seen: list[str], sa_engine, reads: int = 1) -> None:
    if sa_engine.dialect.name == "postgresql":
        assert len(seen) == reads + 1 and seen[-1].startswith("WITH "), "\n".join(seen)


def _read_unless_held(sa_engine) -> list[str]:
    """The task's read, on SQLite (under the lock); on PostgreSQL none for a task this
    process's last step made ready."""
    return [] if sa_engine.dialect.name == "postgresql" else ["SELECT task"]


def test_the_next_step_reads_nothing_but_its_lock(deployed, sa_engine):
    """Completing 处置 drops its deadline timer and makes 回访 ready: the ready row is
    written whole (no read for it), the timer row deleted, nothing else touched; on
    PostgreSQL 处置 itself is not read either (this process's last step made it ready)."""
    mediator = Actor.of("wang", ["调解员"])
    result = {"result": "调解成功", "handling_notes": "双方达成一致"}
    for measured in (False, True):  # the first round reads the forms' schemas once
        fresh = deployed.start("plain_case", actor=CENTER)
        [intake] = [t for t in deployed.tasks_of(fresh) if t.status == "ready"]
        deployed.complete(intake.id, INTAKE, actor=CENTER)
        [handle] = [t for t in deployed.tasks_of(fresh) if t.status == "ready"]
        with statements(sa_engine) as seen:
            deployed.complete(handle.id, result, actor=mediator)
        if not measured:
            [warm] = [t for t in deployed.tasks_of(fresh) if t.status == "ready"]
            deployed.complete(warm.id, {"evaluation": "满意"}, actor=CENTER)
    assert sorted(_kinds(seen)) == sorted(
        [
            *_read_unless_held(sa_engine),
            "DELETE timer",
            "UPDATE instance",
            "INSERT task",
            _head_advanced(sa_engine),
            "INSERT history_event",
        ]
    ), "\n".join(seen)
    _assert_one_write_statement_on_postgres(seen, sa_engine, reads=0)
    [callback] = [t for t in deployed.tasks_of(fresh) if t.status == "ready"]
    assert callback.spec_id == "callback"


def test_a_step_that_changes_no_timer_takes_five_statements(deployed, sa_engine):
    """回访 (满意) hands the case to 结案: no timer armed or dropped, no timer statement."""
    mediator = Actor.of("wang", ["调解员"])
    handled = {"result": "调解成功", "handling_notes": "双方达成一致"}
    for _round in range(2):  # the first round reads the forms' schemas once
        fresh = deployed.start("plain_case", actor=CENTER)
        for data, actor in ((INTAKE, CENTER), (handled, mediator)):
            [ready] = [t for t in deployed.tasks_of(fresh) if t.status == "ready"]
            deployed.complete(ready.id, data, actor=actor)
        [callback] = [t for t in deployed.tasks_of(fresh) if t.status == "ready"]
        with statements(sa_engine) as seen:
            deployed.complete(callback.id, {"evaluation": "满意"}, actor=CENTER)
    assert sorted(_kinds(seen)) == sorted(
        [
            *_read_unless_held(sa_engine),
            "UPDATE instance",
            "INSERT task",
            _head_advanced(sa_engine),
            "INSERT history_event",
        ]
    ), "\n".join(seen)
    _assert_one_write_statement_on_postgres(seen, sa_engine, reads=0)
    assert [t.spec_id for t in deployed.tasks_of(fresh) if t.status == "ready"] == ["close"]
