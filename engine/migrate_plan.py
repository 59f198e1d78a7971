"""Moving a loaded workflow onto another version's spec, and what forbids it.

SpiffWorkflow's ``migrate_workflow`` swaps every task's spec for the aligned one and
resets the READY and WAITING branches. Measured side effects (research notes §2.12) and
what we do about them:

- reset timers re-arm from "now": their internal data (due time, cycle count) is put
  back by task id, so a running timer keeps its original due time;
- a running multi-instance activity never merges again: refused;
- resetting a timer drops its children: a cycle timer that already fired (its reminder
  branches exist) is refused;
- a task whose spec is gone from the new version cannot be stored on it: refused, for
  waiting tasks and finished ones alike;
- READY tasks get their data re-copied from their parent and pre-scripts run again
  (no form drafts live in task data here, so nothing typed is lost).
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import LoopTask
from SpiffWorkflow.bpmn.util.diff import diff_workflow, migrate_workflow
from SpiffWorkflow.task import Task

from . import projection
from .specs import ParsedProcess
from .specs import _registry as REGISTRY  # the serializer registry SpecDiff compares with
from .trail_marks import pruned_marks

_STOPPED = TaskState.PREDICTED_MASK  # children a reset may drop without losing anything


def _label(spec) -> str:
    name = getattr(spec, "bpmn_name", None) or getattr(spec, "bpmn_id", None) or spec.name
    return f"「{name}」({getattr(spec, 'bpmn_id', None) or spec.name})"


def _workflows(workflow: BpmnWorkflow) -> Iterator[tuple[Any, Any]]:
    """(workflow or sub-workflow, the spec it runs on)"""
    yield workflow, workflow.spec
    yield from ((sub, sub.spec) for sub in workflow.subprocesses.values())


def _target(workflow: BpmnWorkflow, sub, new: ParsedProcess):
    return new.spec if sub is workflow else new.subprocess_specs.get(sub.spec.name)


def _event_type(spec) -> type | None:
    definition = getattr(spec, "event_definition", None)
    return type(definition) if definition is not None else None


def _task_problem(task: Task, target) -> str | None:
    spec = task.task_spec
    counterpart = target.task_specs.get(spec.name)
    if isinstance(spec, LoopTask) and task.state == TaskState.STARTED:
        child = task.workflow.spec.task_specs.get(spec.task_spec, spec)
        return f"多实例活动{_label(child)}正在进行中，迁移后其各实例无法汇合；请待它完成后再迁移"
    human = counterpart is not None and getattr(counterpart, "manual", False)
    if task.state == TaskState.READY and projection.is_human(task) and not human:
        return f"等待办理的任务{_label(spec)}在新版本中不存在"
    if task.state == TaskState.WAITING and _event_type(spec) is not None:
        if counterpart is None or _event_type(counterpart) is not _event_type(spec):
            return f"正在等待的事件{_label(spec)}在新版本中不存在（或已不是同类事件）"
        if any(not child.has_state(_STOPPED) for child in task.children):
            return f"定时器{_label(spec)}已触发过，迁移会丢弃它已产生的分支；请待该活动结束后再迁移"
    return None


def _pruned_problems(workflow: BpmnWorkflow, new: ParsedProcess) -> list[str]:
    """Finished steps pruned from the state (``engine.prune``) count as still there: a
    version that deleted one is refused, as for a finished task still in the tree."""
    specs = {workflow.spec.name: workflow.spec, **workflow.subprocess_specs}
    targets = {new.spec.name: new.spec, **new.subprocess_specs}
    problems = []
    for spec_name, marks in pruned_marks(workflow).items():
        old, target = specs.get(spec_name), targets.get(spec_name)
        if old is None or target is None:
            continue
        for element in marks.completed:
            if element not in target.task_specs and element in old.task_specs:
                problems.append(f"已执行的步骤{_label(old.task_specs[element])}在新版本中已删除")
    return problems


def blocking_problems(workflow: BpmnWorkflow, new: ParsedProcess) -> list[str]:
    """Why ``workflow`` may not move onto ``new``, before touching anything."""
    problems = _pruned_problems(workflow, new)
    for sub, spec in _workflows(workflow):
        target = _target(workflow, sub, new)
        if target is None:
            problems.append(f"正在运行的子流程「{spec.description or spec.name}」在新版本中不存在")
            continue
        problems += [p for t in sub.tasks.values() if (p := _task_problem(t, target))]
    return problems


def timer_states(workflow: BpmnWorkflow) -> dict[Any, dict[str, Any]]:
    """Internal data (due time, cycle count) of every waiting timer, by task id."""
    return {
        task.id: copy.deepcopy(task.internal_data) for task in projection.waiting_timers(workflow)
    }


def apply(workflow: BpmnWorkflow, new: ParsedProcess, timers: dict[Any, dict[str, Any]]) -> None:
    """Move ``workflow`` onto ``new`` in place; running timers keep their due times."""
    top_diff, sub_diffs = diff_workflow(REGISTRY, workflow, new.spec, new.subprocess_specs)
    migrate_workflow(top_diff, workflow, new.spec)
    for sub_id, sub_diff in sub_diffs.items():
        if sub_diff is not None:
            sub = workflow.subprocesses[sub_id]
            migrate_workflow(sub_diff, sub, new.subprocess_specs[sub.spec.name])
    workflow.subprocess_specs = new.subprocess_specs
    for task in projection.waiting_timers(workflow):
        if task.id in timers:
            task.internal_data = copy.deepcopy(timers[task.id])


def leftover_problems(workflow: BpmnWorkflow) -> list[str]:
    """Tasks still on a spec the new version lacks (e.g. finished steps since deleted)."""
    problems = []
    for sub, spec in _workflows(workflow):
        for task in sub.tasks.values():
            if spec.task_specs.get(task.task_spec.name) is not task.task_spec:
                state = "已执行" if task.has_state(TaskState.FINISHED_MASK) else "未完成"
                problems.append(f"{state}的步骤{_label(task.task_spec)}在新版本中已删除")
    return list(dict.fromkeys(problems))
