"""Set variables of a running instance from outside its diagram: a person's correction of
a value the diagram reads (a priority raised, a limit's basis changed), without a step.

``set_variables`` is one unit of work: lock the instance, load it, write the values into
the workflow's data and into the data of every task not finished yet (ready, waiting,
started or predicted, in every subprocess and called process), save the state, record
one ``variables_set`` event with the old and new values and the reason. No engine step
runs: nothing becomes ready and timers already armed keep their due times; a task that
becomes ready later inherits the new values from the unfinished task before it, so a
later timer or deadline expression reads them.

``set_in_step`` asks the same from inside a step (a service operator that learned the
value): the values are written when the step's unit of work commits, after the step has
rested, in the same transaction, with their own ``variables_set`` event.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from copy import deepcopy
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn import BpmnWorkflow
from sqlalchemy.orm import Session

from . import projection
from .context import current_step
from .enums import EventType
from .instances import _commit, _load, _running
from .models import Instance
from .persist import event_for, json_safe
from .specs import dump_state
from .views import Actor

if TYPE_CHECKING:
    from .ports import Stepper as Engine

UNFINISHED = (
    TaskState.READY
    | TaskState.WAITING
    | TaskState.STARTED
    | TaskState.FUTURE
    | TaskState.LIKELY
    | TaskState.MAYBE
)
"""Task states whose data the flow still reads: the task itself or what inherits from it."""

BeforeSave = Callable[[Session], None]
"""Called in the same transaction after the values are set (domain rows that go with the
change); an exception rolls everything back."""

_QUEUE = "engine.variables.queued"


@dataclass
class _Change:
    """Values to set on one instance, who asked and why."""

    actor: Actor
    values: dict[str, Any]
    reasons: list[str] = field(default_factory=list)


def _checked(values: Mapping[str, Any], reason: str) -> dict[str, Any]:
    if not str(reason or "").strip():
        raise ValueError("修改流程变量必须填写原因")
    if not isinstance(values, Mapping) or not values:
        raise ValueError("没有要修改的流程变量")
    for name in values:
        if not isinstance(name, str) or not name.isidentifier() or name.startswith("_"):
            raise ValueError(f"流程变量名 {name!r} 不合法（须为标识符且不以下划线开头）")
    try:
        return json.loads(json.dumps(dict(values), ensure_ascii=False))
    except (TypeError, ValueError) as error:
        raise ValueError(f"流程变量的值须可保存为 JSON：{error}") from None


def _current_values(workflow: BpmnWorkflow, names: Iterable[str]) -> dict[str, Any]:
    """What the flow holds now for ``names``: the latest unfinished task's value, else the
    last completed task's, else the workflow's (None when the name is unknown)."""
    tasks = [t for t in projection.all_tasks(workflow) if t.state & UNFINISHED]
    tasks.sort(key=lambda t: t.last_state_change, reverse=True)
    sources = [t.data for t in tasks]
    if workflow.last_task is not None:
        sources.append(workflow.last_task.data)
    sources.append(workflow.data)
    found = {}
    for name in names:
        found[name] = next((data[name] for data in sources if name in data), None)
    return found


def apply(workflow: BpmnWorkflow, values: Mapping[str, Any]) -> dict[str, Any]:
    """Write ``values`` into the workflow's data and every unfinished task's (each gets its
    own copy); returns the values the flow held before."""
    old = _current_values(workflow, values)
    workflow.data.update(deepcopy(dict(values)))
    for subprocess in workflow.subprocesses.values():
        subprocess.data.update(deepcopy(dict(values)))
    for task in projection.all_tasks(workflow):
        if task.state & UNFINISHED:
            task.data.update(deepcopy(dict(values)))
    return old


def _write(
    engine: Engine,
    uow_record: Callable[[Any], None],
    row: Instance,
    workflow: BpmnWorkflow,
    change: _Change,
) -> None:
    old = apply(workflow, change.values)
    row.state = dump_state(workflow)
    row.updated_at = engine.clock.now()
    data = {"values": change.values, "old": old, "reason": "；".join(change.reasons)}
    uow_record(
        event_for(
            row, EventType.VARIABLES_SET, change.actor, at=engine.clock.now(), data=json_safe(data)
        )
    )


def set_variables(
    engine: Engine,
    instance_id: int,
    values: Mapping[str, Any],
    *,
    actor: Actor,
    reason: str,
    before_save: BeforeSave | None = None,
) -> None:
    checked = _checked(values, reason)
    with engine.unit_of_work() as uow:
        row = _running(engine, uow.session, instance_id)
        workflow = _load(engine, uow.session, row)
        change = _Change(actor, checked, [reason.strip()])
        _write(engine, uow.record, row, workflow, change)
        if before_save is not None:
            before_save(uow.session)
        _commit(uow)


# -- from inside a step ------------------------------------------------------------------


def set_in_step(values: Mapping[str, Any], *, reason: str) -> None:
    """Set ``values`` on the instance of the step in progress once the step has rested
    (written before the step commits, in its transaction). Raises ``NoStepInProgress``
    outside a step, ``ValueError`` for an empty reason or bad values."""
    checked = _checked(values, reason)
    step = current_step()
    queue: dict[int, _Change] = step.session.info.setdefault(_QUEUE, {})
    change = queue.setdefault(step.instance_id, _Change(step.actor, {}))
    change.values.update(checked)
    change.reasons.append(reason.strip())


def apply_queued(engine: Engine, session: Session, record: Callable[[Any], None]) -> None:
    """Before a unit of work commits: write the values its steps queued (``set_in_step``)
    into their instances' saved state, each with a ``variables_set`` event (``record``ed
    after the steps' own)."""
    queue: dict[int, _Change] = session.info.pop(_QUEUE, None) or {}
    for instance_id, change in sorted(queue.items()):
        row = session.get(Instance, instance_id)
        if row is None:
            continue
        _write(engine, record, row, _load(engine, session, row), change)
