"""What a trial's workflow waits for now: user tasks, timers, messages; and its data."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn import BpmnEvent, BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.timer import CycleTimerEventDefinition
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.task import Task

from .. import projection
from ..foreign.forms import FOREIGN_FORM
from ..forms import form_key_of
from ..persist import json_safe
from ..task_detail import INSTRUCTIONS
from .log import process_name
from .views import TrialMessage, TrialTask, TrialTimer

MESSAGE = "MessageEventDefinition"
SIGNAL = "SignalEventDefinition"


def current_data(workflow: BpmnWorkflow) -> dict[str, Any]:
    """What the flow knows now: the data of the task completed last, in whichever process
    or subprocess it ran (a called process's data is its own until it returns)."""
    done = [t for t in projection.all_tasks(workflow) if t.state == TaskState.COMPLETED]
    task = max(done, key=lambda t: t.last_state_change, default=None)
    return json_safe(dict(task.data) if task is not None else dict(workflow.task_tree.data))


def ready_tasks(
    workflow: BpmnWorkflow, schema_of: Callable[[str | None], dict[str, Any] | None]
) -> tuple[TrialTask, ...]:
    found = []
    for task in projection.all_tasks(workflow):
        if task.state != TaskState.READY or not projection.is_human(task):
            continue
        spec = task.task_spec
        extensions = getattr(spec, "extensions", {}) or {}
        key = form_key_of(extensions)
        found.append(
            TrialTask(
                id=str(task.id),
                element=spec.bpmn_id,
                name=spec.bpmn_name or spec.bpmn_id,
                lane=spec.lane,
                process=process_name(task),
                form_key=key,
                schema=schema_of(key) if key else extensions.get(FOREIGN_FORM),
                instructions=extensions.get(INSTRUCTIONS) or None,
                data=json_safe(dict(task.data)),
                outputs=(outputs := required_outputs(task)),
                output_names=tuple(_output_names(task).get(o, o) for o in outputs),
            )
        )
    return tuple(found)


def required_outputs(task: Task) -> tuple[str, ...]:
    """The data outputs of the task's ``ioSpecification`` and the output item of the
    multi-instance activity it is one instance of, that its data does not hold yet."""
    io = getattr(task.task_spec, "io_specification", None)
    names = [d.bpmn_id for d in getattr(io, "data_outputs", None) or ()]
    parent = task.parent.task_spec if task.parent is not None else None
    item = getattr(parent, "output_item", None)
    if item is not None and "MultiInstance" in type(parent).__name__:
        names.append(item.bpmn_id)
    return tuple(name for name in dict.fromkeys(names) if name and name not in task.data)


def _output_names(task: Task) -> dict[str, str]:
    """Per data output, the name a sample is chosen by: that of the data object an output
    association carries it to (what expressions read, ``engine.data_associations``), else
    its own."""
    io = getattr(task.task_spec, "io_specification", None)
    outputs = getattr(io, "data_outputs", None) or ()
    names = {d.bpmn_id: d.bpmn_name for d in outputs if d.bpmn_id and d.bpmn_name}
    for item in getattr(task.task_spec, "data_output_associations", None) or ():
        object_id = getattr(item, "data_object", None)
        if object_id and (name := _data_object_name(task, object_id)):
            names[item.bpmn_id] = name
    return names


def _data_object_name(task: Task, object_id: str) -> str | None:
    wf = task.workflow
    while wf is not None:
        found = (getattr(wf.spec, "data_objects", None) or {}).get(object_id)
        if found is not None:
            return found.bpmn_name
        wf = wf.parent_workflow
    return None


def waiting_timers(workflow: BpmnWorkflow) -> tuple[TrialTimer, ...]:
    """Armed timers, earliest first (a timer without a due time cannot be stored)."""
    found = []
    for task in projection.waiting_timers(workflow):
        due = projection.timer_due(task)
        if due is None:
            continue
        spec = task.task_spec
        found.append(
            TrialTimer(
                id=str(task.id),
                element=spec.bpmn_id,
                name=spec.bpmn_name or spec.bpmn_id,
                process=process_name(task),
                due=due,
                cycle=isinstance(spec.event_definition, CycleTimerEventDefinition),
                attached_to=_attached_to(task),
            )
        )
    return tuple(sorted(found, key=lambda t: (t.due, t.name)))


def _attached_to(timer: Task) -> str | None:
    """The activity a boundary timer waits beside (its sibling under the boundary split)."""
    parent = timer.parent
    if parent is None or getattr(parent.task_spec, "bpmn_id", None) is not None:
        return None
    for sibling in parent.children:
        spec = sibling.task_spec
        if sibling is not timer and spec.bpmn_id and not hasattr(spec, "event_definition"):
            return spec.bpmn_name or spec.bpmn_id
    return None


def waiting_messages(workflow: BpmnWorkflow) -> tuple[TrialMessage, ...]:
    """The messages the process waits for, also those of an event-based gateway or an
    event with several definitions (SpiffWorkflow reports those as one "multiple" event)."""
    names = {e.name for e in workflow.waiting_events() if e.event_type == MESSAGE}
    for task in projection.all_tasks(workflow):
        if task.state == TaskState.WAITING:
            definition = getattr(task.task_spec, "event_definition", None)
            for inner in getattr(definition, "event_definitions", None) or ():
                if type(inner).__name__ == MESSAGE and inner.name:
                    names.add(inner.name)
    return tuple(TrialMessage(name) for name in sorted(names))


def waiting_signals(workflow: BpmnWorkflow) -> tuple[str, ...]:
    """The names of the signals the process waits for (catch and boundary events)."""
    names = {e.name for e in workflow.waiting_events() if e.event_type == SIGNAL and e.name}
    return tuple(sorted(names))


def message_event(workflow: BpmnWorkflow, name: str, payload: dict[str, Any]) -> BpmnEvent:
    """The message ``name`` as the other side would send it: with the correlation values
    the waiting process holds (BPMN 2.0 §8.3.2: a message reaches the conversation whose
    correlation key it matches; the simulated other side is in that conversation), and in
    its payload each property whose retrieval expression is a plain name (``uid``) set to
    that value (else 1), so the receiving side computes the same key."""
    correlations: dict[str, dict[str, Any]] = {}
    body = dict(payload)
    for task in projection.all_tasks(workflow):
        definition = getattr(task.task_spec, "event_definition", None)
        if task.state != TaskState.WAITING or getattr(definition, "name", None) != name:
            continue
        held = getattr(task.workflow, "correlations", None) or {}
        for key, values in held.items():
            correlations.setdefault(key, {}).update(values)
        for prop in getattr(definition, "correlation_properties", None) or ():
            for key in prop.correlation_keys:
                value = (held.get(key) or {}).get(prop.name, body.get(prop.name, 1))
                if key in held:
                    correlations.setdefault(key, {})[prop.name] = value
                expression = (prop.retrieval_expression or "").strip()
                if expression.isidentifier():
                    body.setdefault(expression, value)
    return BpmnEvent(MessageEventDefinition(name), body, correlations)


def find_task(workflow: BpmnWorkflow, task_id: str) -> Task | None:
    for task in projection.all_tasks(workflow):
        if str(task.id) == task_id:
            return task
    return None
