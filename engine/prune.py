"""Keep a workflow's serialized state from growing with the case's age.

SpiffWorkflow 3.2 never drops a task from its tree: each round of a loop hangs the next
round below the last one (the tree only deepens), each firing of a cycle timer adds a
branch below the timer, and a finished sub-process stays in ``workflow.subprocesses``.
``prune_finished`` runs on the save path, after a step, and removes what can no longer
influence execution. The history keeps the record of every step; the case page's trail
keeps what the dropped tasks marked in a small summary (``engine.trail_marks``).

What SpiffWorkflow reads, and so what is kept (everything else finished is dropped):

* **Unfinished tasks** (predicted, waiting, ready, started, error) are never touched.
* **The parent of every unfinished task**: a task copies its parent's data when it
  becomes ready (``Task._inherit_data``), boundary deadlines and multi-instance items
  are read through the parent, and joins check ``task.parent.state``/``task_spec``.
* **The children of an unfinished task**, except below a catch event: a multi-instance
  or standard-loop task counts and merges its children; a cycle timer's fired branches
  below it are read by nothing.
* **The split of an unfinished structured join** (``BoundaryEventJoin``,
  ``StartEventJoin``) and the split's children: the join finds it with
  ``find_ancestor(split_task)`` and inspects the main task and its boundary events.
* **The task a sub-process runs in**, while the sub-process is kept: a sub-process
  finds its parent workflow (and its depth) through that task.
* **``workflow.last_task``** and the root (the workflow's start data and start time).
* **The nearest diagram element above an unfinished task**, so the trail can still tell
  which flow reached it.
* **Join tasks a parallel or inclusive gateway cancelled since it last fired**, with
  their parents: when a branch arrives, the gateway cancels the join task of the branch
  that arrived before and later counts that task's completed parent as an arrived input.
  Those cancelled before the gateway's newest completed task belong to finished rounds.
* **One waiting join per spec and parent**: a cycle timer's every firing leaves one more
  ``BoundaryEventJoin`` waiting below the timer for the main task. They have the same
  parent (so the same data), and none fires: when the main task finishes, its own join
  child is updated before any waiting task and cancels them all; the first stays.
* **Finished end joins** (``<process>.EndJoin`` tasks left behind by branches that
  ended while others ran on): when the process ends, its end join merges their parents'
  data into ``workflow.data`` in time order. Their data is folded, in that order, into
  the newest one's parent, which alone is kept (DeepMerge is associative for maps and
  scalars; list merging follows SpiffWorkflow's own per-index rule).

A kept task whose parent was dropped hangs from its nearest kept ancestor, so ancestry
between kept tasks (``is_descendant_of``, ``find_ancestor``) reads as before; the order of
children is the tree's depth-first order. Tasks hold their own materialized data, so
re-parenting changes only how the serializer writes the data delta.

What is therefore dropped: finished tasks of earlier loop rounds (the chain above the
newest round), finished branches (a cycle timer's fired branches, a join's spare
branches, cancelled boundary events), and a finished sub-process (its call activity or
sub-process task finished and every task of it and of its own sub-processes finished).

Deviations from an unpruned tree, all in SpiffWorkflow's handling of loops:
``ParallelGateway``/``InclusiveGateway`` count a join task of an *earlier* round whose
parent completed as an arrived input, so in an unpruned tree a parallel join inside a
loop fires early when its branches finish in another order than in the round before, and
an inclusive join fires at the first arrival of every later round; after pruning they
see only the current round, as BPMN says (``tests/engine/test_prune.py``). And when a
join fires, SpiffWorkflow also merges the data of earlier rounds' spare branches: a
variable a script deleted since then comes back unpruned, stays deleted pruned. Two
rounds of one join spec running at once in one workflow (not a shipped pattern) would
be told apart only by time. A completed workflow is left as is.
"""

from __future__ import annotations

from copy import deepcopy

from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.control import _EndJoin
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.bpmn.specs.mixins.unstructured_join import UnstructuredJoin
from SpiffWorkflow.specs.Join import Join
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.deep_merge import DeepMerge

from .trail_marks import PrunedMarks, element_ancestor, pruned_marks, record_tasks

UNFINISHED = TaskState.NOT_FINISHED_MASK


def prune_finished(workflow: BpmnWorkflow) -> BpmnWorkflow:
    """Drop, in place, the finished tasks and sub-processes of ``workflow`` that no longer
    influence its execution (see the module docstring); returns ``workflow``."""
    if workflow.completed:
        return workflow
    _drop_subprocesses(workflow)
    anchors = {sp.parent_task_id for sp in workflow.subprocesses.values()}
    for wf in [workflow, *workflow.subprocesses.values()]:
        _prune_tree(wf, anchors, pruned_marks(workflow))
    return workflow


def _all_finished(workflow: BpmnWorkflow, sp) -> bool:
    if any(t.has_state(UNFINISHED) for t in sp.tasks.values()):
        return False
    nested = [c for c in workflow.subprocesses.values() if c.parent_task_id in sp.tasks]
    return all(_all_finished(workflow, c) for c in nested)


def _drop_subprocesses(workflow: BpmnWorkflow) -> int:
    marks = pruned_marks(workflow)
    gone = []
    for task_id, sp in workflow.subprocesses.items():
        task = workflow.get_task_from_id(task_id)
        finished = task is None or task.has_state(TaskState.FINISHED_MASK)
        if finished and _all_finished(workflow, sp):
            gone.append(task_id)
    count = 0
    for task_id in gone:
        sp = workflow.subprocesses.pop(task_id)
        entry = marks.setdefault(sp.spec.name, PrunedMarks())
        record_tasks(entry, sp.tasks.values())
        entry.add_run(min(t.last_state_change for t in sp.tasks.values()))
        count += len(sp.tasks)
    return count


def _keep_for_live(task: Task, keep: set) -> None:
    keep.add(task.id)
    for related in (task.parent, element_ancestor(task)):
        if related is not None:
            keep.add(related.id)
    if not isinstance(task.task_spec, CatchingEvent):
        keep.update(task._children)
    spec = task.task_spec
    if isinstance(spec, Join) and spec.split_task is not None:
        split = task.find_ancestor(spec.split_task)
        if split is not None:
            keep.add(split.id)
            keep.update(split._children)


def _redundant_joins(wf) -> set:
    """Waiting join tasks with the same spec and parent as an earlier one, with their
    predicted children: each firing of a cycle timer adds one more, and whichever of them
    is updated, it inherits the same parent's data and the first one is updated first."""
    seen, redundant = set(), set()
    for task in wf.tasks.values():
        if task.state != TaskState.WAITING or not isinstance(task.task_spec, Join):
            continue
        key = (task._parent, task.task_spec.name)
        if key in seen:
            redundant.update(t.id for t in task)
        seen.add(key)
    return redundant


def _arrived_branches(wf) -> set:
    """Join tasks a parallel or inclusive gateway cancelled since it last fired, with
    their parents: the gateway counts them (their completed parent) as arrived inputs."""
    last_fired: dict[str, float] = {}
    spares = []
    for task in wf.tasks.values():
        spec = task.task_spec
        if not isinstance(spec, UnstructuredJoin) or isinstance(spec, _EndJoin):
            continue
        if task.state == TaskState.COMPLETED:
            fired = max(last_fired.get(spec.name, 0.0), task.last_state_change)
            last_fired[spec.name] = fired
        elif task.state == TaskState.CANCELLED:
            spares.append(task)
    keep = set()
    for task in spares:
        if task.last_state_change > last_fired.get(task.task_spec.name, 0.0):
            keep.update((task.id, task._parent))
    return keep


def _needed(wf, anchors: set) -> set:
    keep = {wf.task_tree.id} | _arrived_branches(wf)
    redundant = _redundant_joins(wf)
    for task in wf.tasks.values():
        if task.has_state(UNFINISHED) and task.id not in redundant:
            _keep_for_live(task, keep)
    keep.update(anchors & wf.tasks.keys())
    if wf.last_task is not None and wf.last_task.id in wf.tasks:
        keep.add(wf.last_task.id)
    return keep - redundant


def _fold_end_joins(wf, keep: set) -> None:
    """Keep one finished end join, its parent holding every finished one's data."""
    carriers = [
        t
        for t in wf.tasks.values()
        if isinstance(t.task_spec, _EndJoin) and t.has_state(TaskState.FINISHED_MASK)
    ]
    if not carriers:
        return
    carriers.sort(key=lambda t: t.last_state_change)
    newest = carriers[-1]
    if len(carriers) > 1:
        folded: dict = {}
        for task in carriers:
            DeepMerge.merge(folded, deepcopy(task.parent.data))
        newest.parent.data = folded
    keep.update((newest.id, newest.parent.id))


def _prune_tree(wf, anchors: set, marks: dict[str, PrunedMarks]) -> int:
    keep = _needed(wf, anchors)
    _fold_end_joins(wf, keep)
    if len(keep) == len(wf.tasks):
        return 0
    record_tasks(marks.setdefault(wf.spec.name, PrunedMarks()), wf.tasks.values())
    _relink(wf, keep)
    return _remove(wf, keep)


def _relink(wf, keep: set) -> None:
    """Hang every kept task from its nearest kept ancestor, in depth-first order."""
    children: dict = {task_id: [] for task_id in keep}
    root = wf.task_tree
    stack = [(child, root.id) for child in reversed(root.children)]
    while stack:
        task, holder = stack.pop()
        if task.id in keep:
            task._parent = holder
            children[holder].append(task.id)
            holder = task.id
        stack.extend((child, holder) for child in reversed(task.children))
    for task_id, kids in children.items():
        wf.tasks[task_id]._children = kids


def _remove(wf, keep: set) -> int:
    gone = [task_id for task_id in wf.tasks if task_id not in keep]
    events = wf.top_workflow.event_manager
    for task_id in gone:
        events.remove_task(wf.tasks.pop(task_id))
    return len(gone)
