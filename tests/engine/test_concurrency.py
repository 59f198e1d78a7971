"""Two people completing the same task at once: one wins, the other gets a clear conflict."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from engine import Actor, ConflictError
from engine.models import HistoryEvent

CENTER_A = Actor.of("li", ["镇综治中心"])
CENTER_B = Actor.of("zhou", ["镇综治中心"])
MEDIATOR = Actor.of("wang", ["调解员"])


def _intake(days: int) -> dict:
    return {"summary": "邻里之间因漏水产生纠纷", "dispute_type": "邻里", "handle_limit_days": days}


def test_two_simultaneous_completions_one_wins(deployed):
    instance = deployed.start("plain_case", actor=CENTER_A)
    [task] = deployed.ready_tasks(CENTER_A)
    deployed.before_commit.append(lambda session: time.sleep(0.3))  # widen the race window
    start = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def submit(actor: Actor, days: int) -> None:
        start.wait()
        try:
            deployed.complete(task.id, _intake(days), actor=actor)
            outcomes[actor.user] = "ok"
        except ConflictError as error:
            outcomes[actor.user] = error

    threads = [
        threading.Thread(target=submit, args=(CENTER_A, 3)),
        threading.Thread(target=submit, args=(CENTER_B, 7)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    deployed.before_commit.clear()

    winners = [user for user, result in outcomes.items() if result == "ok"]
    losers = [result for result in outcomes.values() if isinstance(result, ConflictError)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    assert any(word in str(losers[0]) for word in ("他人", "已完成"))

    done = deployed.task(task.id)
    assert done.status == "completed" and done.completed_by == winners[0]
    [handle] = deployed.ready_tasks(MEDIATOR)  # exactly one next step, not two
    winning_days = 3 if winners[0] == "li" else 7
    assert handle.due_at - done.completed_at == timedelta(days=winning_days)
    with deployed.session_factory() as session:
        completions = session.execute(
            select(func.count()).where(
                HistoryEvent.instance_id == instance,
                HistoryEvent.event_type == "task_completed",
                HistoryEvent.spec_id == "intake",
            )
        ).scalar_one()
    assert completions == 1
    assert deployed.verify_history().ok


@contextlib.contextmanager
def _history_held(sa_engine) -> Iterator[None]:
    """PostgreSQL: the history head locked by another transaction in the block, so a
    step's write, which locks its instance row first, waits there holding it."""
    with sa_engine.connect() as connection:
        connection.execute(text("SELECT 1 FROM history_head FOR UPDATE"))
        yield
        connection.rollback()


@pytest.mark.parametrize("first", ["complete", "assign"])
def test_a_reassignment_racing_the_holders_completion_one_wins_whole(deployed, sa_engine, first):
    """Whichever takes the instance first wins; the other fails whole with a conflict
    (the completion read the holder before the reassignment changed it, or the
    reassignment finds the task done). On PostgreSQL a completion takes its instance when
    it writes (it reads unlocked, ``engine.instances``): there the completion goes first
    by writing while the history head is held, so that it waits holding its instance."""
    instance = deployed.start("plain_case", actor=CENTER_A)
    [task] = deployed.ready_tasks(CENTER_A)
    deployed.claim(task.id, actor=CENTER_A)
    supervisor = Actor.of("du", ["督办员"])
    writes_first = first == "complete" and sa_engine.dialect.name == "postgresql"
    if not writes_first:
        deployed.before_commit.append(lambda session: time.sleep(0.3))  # widen the window
    start = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def attempt(name: str, act) -> None:
        start.wait()
        if name != first:
            time.sleep(0.1 if not writes_first else 0.3)  # the other one holds the instance
        try:
            act()
            outcomes[name] = "ok"
        except ConflictError as error:
            outcomes[name] = error

    threads = [
        threading.Thread(
            target=attempt,
            args=("complete", lambda: deployed.complete(task.id, _intake(3), actor=CENTER_A)),
        ),
        threading.Thread(
            target=attempt,
            args=(
                "assign",
                lambda: deployed.assign(
                    task.id, to_user="zhou", actor=supervisor, reason="改派", on_behalf=True
                ),
            ),
        ),
    ]
    with _history_held(sa_engine) if writes_first else contextlib.nullcontext():
        for thread in threads:
            thread.start()
        time.sleep(0.6)  # both under way: the reassignment waits for the instance
    for thread in threads:
        thread.join(timeout=30)
    deployed.before_commit.clear()

    winners = [name for name, result in outcomes.items() if result == "ok"]
    assert winners == [first] and len(outcomes) == 2, outcomes
    done = deployed.task(task.id)
    with deployed.session_factory() as session:
        kinds = session.scalars(
            select(HistoryEvent.event_type).where(
                HistoryEvent.instance_id == instance,
                HistoryEvent.task_id == task.id,
                HistoryEvent.event_type.in_(["task_assigned", "task_completed"]),
            )
        ).all()
    if winners == ["complete"]:
        assert (done.status, done.completed_by, done.assignee) == ("completed", "li", "li")
        assert kinds == ["task_completed"]
    else:
        assert (done.status, done.assignee) == ("ready", "zhou")
        assert kinds == ["task_assigned"]
    assert deployed.verify_history().ok
