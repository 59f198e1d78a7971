"""Run a small diagram twice, saving and restoring after every step: once pruned, once not.

Both runs take the same steps on the same manual clock; what a person would notice after
each step (the ready tasks, the waiting timers, the data they see) must be the same.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from SpiffWorkflow import TaskState

from engine.clock import ManualClock, using_clock
from engine.prune import prune_finished
from engine.sandbox import make_script_engine
from engine.specs import ParsedProcess, dump_state, load_state, new_parser, new_workflow

from .diagrams import HEAD

START = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def process(pid: str, body: str) -> str:
    return (
        HEAD.format(pid=pid)
        + f'<bpmn:process id="{pid}" isExecutable="true">{body}</bpmn:process>'
        + "</bpmn:definitions>"
    )


def flows(*pairs: tuple[str, str] | tuple[str, str, str]) -> str:
    """Sequence flows ``(source, target[, condition])``, ids ``f_<source>_<target>``."""
    out = []
    for source, target, *condition in pairs:
        cond = (
            f"<bpmn:conditionExpression>{condition[0]}</bpmn:conditionExpression>"
            if condition
            else ""
        )
        out.append(
            f'<bpmn:sequenceFlow id="f_{source}_{target}" sourceRef="{source}" '
            f'targetRef="{target}">{cond}</bpmn:sequenceFlow>'
        )
    return "".join(out)


def parse(top: str, *files: str) -> ParsedProcess:
    parser = new_parser(validate=False)
    for xml in files:
        parser.add_bpmn_str(xml.encode())
    return ParsedProcess(parser.get_spec(top), parser.get_subprocess_specs(top))


def _rest(workflow) -> None:
    for _ in range(50):
        workflow.do_engine_steps()
        if not workflow.get_tasks(state=TaskState.READY, manual=False):
            return
    raise AssertionError("the workflow does not rest")


class Run:
    """One instance of ``parsed``, saved and restored after each step."""

    def __init__(self, parsed: ParsedProcess, *, prune: bool, data: dict[str, Any] | None = None):
        self.parsed, self.prune = parsed, prune
        self.clock = ManualClock(START)
        self.workflow = new_workflow(parsed, make_script_engine())
        self.workflow.task_tree.data.update(data or {})
        self.sizes: list[int] = []
        self._step(lambda: None)

    def _step(self, action) -> None:
        with using_clock(self.clock):
            action()
            _rest(self.workflow)
        if self.prune:
            prune_finished(self.workflow)
        text = dump_state(self.workflow)
        self.sizes.append(len(text.encode()))
        self.workflow = load_state(text, self.parsed, make_script_engine())

    def ready(self) -> list[str]:
        tasks = self.workflow.get_tasks(state=TaskState.READY, manual=True)
        return sorted(t.task_spec.bpmn_id for t in tasks)

    def complete(self, spec_id: str, **data: Any) -> None:
        tasks = self.workflow.get_tasks(state=TaskState.READY, manual=True)
        found = [t for t in tasks if t.task_spec.bpmn_id == spec_id]
        assert len(found) == 1, f"{spec_id}: {self.ready()}"

        def action() -> None:
            found[0].data.update(data)
            found[0].run()

        self._step(action)

    def advance(self, **delta: float) -> None:
        self.clock.advance(timedelta(**delta))
        self._step(self.workflow.refresh_timers)

    def seen(self) -> dict[str, Any]:
        """What a person would notice now: ready tasks and their data, waiting timers."""
        ready = self.workflow.get_tasks(state=TaskState.READY, manual=True)
        waiting = self.workflow.get_tasks(state=TaskState.WAITING)
        return {
            "ready": sorted(
                (t.task_spec.bpmn_id, json.dumps(t.data, sort_keys=True, default=str))
                for t in ready
            ),
            "timers": sorted(t.task_spec.bpmn_id for t in waiting if t.task_spec.bpmn_id),
            "completed": self.workflow.is_completed(),
            "data": json.dumps(self.workflow.data, sort_keys=True, default=str),
        }

    def task_count(self) -> int:
        return len(self.workflow.tasks) + sum(
            len(sp.tasks) for sp in self.workflow.subprocesses.values()
        )


class Twins:
    """The same steps on a pruned and an unpruned run, compared after every step."""

    def __init__(self, parsed: ParsedProcess, data: dict[str, Any] | None = None):
        self.pruned = Run(parsed, prune=True, data=data)
        self.plain = Run(parsed, prune=False, data=data)
        self.check()

    def check(self) -> dict[str, Any]:
        seen = self.pruned.seen()
        assert seen == self.plain.seen()
        return seen

    def complete(self, spec_id: str, **data: Any) -> dict[str, Any]:
        self.pruned.complete(spec_id, **data)
        self.plain.complete(spec_id, **data)
        return self.check()

    def ready(self) -> list[str]:
        return self.pruned.ready()

    def advance(self, **delta: float) -> dict[str, Any]:
        self.pruned.advance(**delta)
        self.plain.advance(**delta)
        return self.check()
