"""Two people completing the same task at once: one wins, the other gets a clear conflict."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

from sqlalchemy import func, select

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
