"""Re-time a running instance: move its waiting timers, and the same moments in its data.

When the calendar a deadline was counted on changes (a year's holidays imported, a day
corrected), the application counts the deadline again and moves it here, in one unit of
work: each waiting one-shot timer due at a moved moment is re-armed in the state; every
occurrence of a moved moment in the instance's data (workflow and task data, e.g. the
variable a later timer or form reads) is replaced; the timer rows and the ready tasks'
due times follow; one ``deadlines_retimed`` history event lists every move.

Nothing runs: a timer moved into the past fires on the scheduler's next poll. A timer
that already fired is not waiting any more and is never un-fired.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn.specs.event_definitions.timer import CycleTimerEventDefinition
from sqlalchemy.orm import Session

from . import projection, timer_wake
from .enums import EventType
from .instances import _commit, _load, _running
from .persist import event_for, refresh_ready_records, replace_timers
from .specs import dump_state
from .step import armed_timers
from .views import Actor

if TYPE_CHECKING:
    from .ports import Stepper as Engine

Moves = Mapping[datetime, datetime]
"""Old due time → new due time (aware datetimes)."""

OnStep = Callable[[Session], Mapping[str, Any] | None]
"""Moves the caller's own records in the same transaction; what it returns is added to
the history event."""


@dataclass(frozen=True)
class Retimed:
    """What a re-timing moved: each re-armed timer, and the data variables that held a
    moved moment."""

    timers: tuple[dict[str, str], ...]
    variables: tuple[str, ...]


def retime(
    engine: Engine,
    instance_id: int,
    moves: Moves,
    *,
    actor: Actor,
    reason: str,
    on_step: OnStep | None = None,
) -> Retimed:
    if not reason.strip():
        raise ValueError("重新计算期限必须说明原因")
    with engine.unit_of_work() as uow:
        session = uow.session
        row = _running(engine, session, instance_id)
        workflow = _load(engine, session, row)
        timers = tuple(_rearm(workflow, moves))
        variables = set().union(*(_replace_in_data(data, moves) for data in _data_of(workflow)))
        armed = armed_timers(workflow)
        replace_timers(session, row, armed)
        timer_wake.armed(session, armed, now=engine.clock.now())
        refresh_ready_records(session, workflow)
        data: dict[str, Any] = {
            "reason": reason,
            "timers": list(timers),
            "variables": sorted(variables),
        }
        if on_step is not None:
            data.update(on_step(session) or {})
        now = engine.clock.now()
        uow.record(event_for(row, EventType.DEADLINES_RETIMED, actor, at=now, data=data))
        row.state, row.updated_at = dump_state(workflow), now
        _commit(uow)
    return Retimed(timers=timers, variables=tuple(sorted(variables)))


def _as_moment(value: Any) -> datetime | None:
    """``value`` as an aware datetime if it is an ISO date-time text, else None."""
    if not isinstance(value, str) or len(value) < 19 or value[10:11] != "T":
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _moved(value: Any, moves: Moves) -> str | None:
    moment = _as_moment(value)
    if moment is None or moment not in moves:
        return None
    return moves[moment].astimezone(moment.tzinfo).isoformat()


def _rearm(workflow, moves: Moves):
    for task in projection.waiting_timers(workflow):
        definition = task.task_spec.event_definition
        if isinstance(definition, CycleTimerEventDefinition):
            continue  # reminders repeat at a fixed interval; they are not counted deadlines
        old = task.internal_data.get("event_value")
        new = _moved(old, moves)
        if new is None:
            continue
        task.internal_data["event_value"] = new
        spec = task.task_spec
        yield {
            "element": spec.bpmn_id,
            "timer": spec.bpmn_name or spec.bpmn_id,
            "from": old,
            "to": new,
        }


def _data_of(workflow):
    yield workflow.data
    for subprocess in workflow.subprocesses.values():
        yield subprocess.data
    for task in projection.all_tasks(workflow):
        if task.state != TaskState.CANCELLED:
            yield task.data


def _replace_in_data(data: dict[str, Any], moves: Moves) -> set[str]:
    """Replace every moved moment in ``data``; the names of the variables that held one."""
    return {name for name in list(data) if _replace(data, name, moves)}


def _replace(container: Any, key: Any, moves: Moves) -> bool:
    """Replace moved moments in ``container[key]`` (nested dicts and lists included)."""
    value = container[key]
    if isinstance(value, dict):
        return any([_replace(value, inner, moves) for inner in list(value)])
    if isinstance(value, list):
        return any([_replace(value, index, moves) for index in range(len(value))])
    new = _moved(value, moves)
    if new is None:
        return False
    container[key] = new
    return True
