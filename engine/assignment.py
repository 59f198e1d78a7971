"""Who a user task goes to, as the diagram says: its assignee and its candidates.

Beside its lane, a user task may carry SpiffWorkflow properties (inside
``spiffworkflow:properties``, like ``formJsonSchemaFilename``), each a Python expression
over the task's data, evaluated in the sandbox when the task becomes ready:

* ``assignee``: one username (empty or ``None``: nobody);
* ``candidateUsers``: a list of usernames (or one);
* ``candidateUnits``: a list of unit codes (or one).

A task with an assignee is that person's. Otherwise it is offered to the holders of its
lane who are candidates: in a candidate unit, or among the candidate users (either
suffices, as in Camunda); with neither named, to every holder of the lane.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.task import Task

from .errors import StepFailed

ASSIGNEE = "assignee"
CANDIDATE_USERS = "candidateUsers"
CANDIDATE_UNITS = "candidateUnits"
PROPERTY_LABELS = {
    ASSIGNEE: "办理人（assignee）",
    CANDIDATE_USERS: "候选人（candidateUsers）",
    CANDIDATE_UNITS: "候选单位（candidateUnits）",
}
"""The properties in the order they are read, with the words a designer sees."""

USERNAME_MAX = 80
UNIT_CODE_MAX = 20


@dataclass(frozen=True)
class Assignment:
    """What a ready task's properties named: nobody, a person, candidates."""

    assignee: str | None = None
    users: tuple[str, ...] = ()
    units: tuple[str, ...] = ()

    @property
    def restricted(self) -> bool:
        """Only the named candidates (not every holder of the lane) may take the task."""
        return bool(self.users or self.units)

    def history(self) -> dict[str, Any]:
        """What the ``task_ready`` event records (only what was named)."""
        found: dict[str, Any] = {}
        if self.assignee:
            found["assignee"] = self.assignee
        if self.users:
            found["candidate_users"] = list(self.users)
        if self.units:
            found["candidate_units"] = list(self.units)
        return found


NOBODY = Assignment()


def expressions(extensions: Mapping[str, Any] | None) -> dict[str, str]:
    """The assignment properties a task spec carries (non-empty ones), by property name."""
    properties = (extensions or {}).get("properties") or {}
    found = {}
    for name in PROPERTY_LABELS:
        value = properties.get(name)
        if isinstance(value, str) and value.strip():
            found[name] = value.strip()
    return found


def spec_expressions(spec) -> dict[str, str]:
    return expressions(getattr(spec, "extensions", None))


# -- run time ----------------------------------------------------------------------------------


def evaluate(task: Task) -> Assignment:
    """Evaluate the ready ``task``'s assignment properties in the workflow's (sandboxed)
    script engine; raises ``StepFailed`` naming the element and the property."""
    found = spec_expressions(task.task_spec)
    if not found:
        return NOBODY
    values = {name: _evaluated(task, name, source) for name, source in found.items()}
    return Assignment(
        assignee=_one(task, ASSIGNEE, values.get(ASSIGNEE)),
        users=_many(task, CANDIDATE_USERS, values.get(CANDIDATE_USERS), USERNAME_MAX),
        units=_many(task, CANDIDATE_UNITS, values.get(CANDIDATE_UNITS), UNIT_CODE_MAX),
    )


def _label(task: Task) -> str:
    spec = task.task_spec
    return f"用户任务「{spec.bpmn_name or spec.bpmn_id}」"


def _fail(task: Task, name: str, problem: str) -> StepFailed:
    message = f"{_label(task)}的{PROPERTY_LABELS[name]}{problem}"
    return StepFailed(task.task_spec.bpmn_id, message)


def _evaluated(task: Task, name: str, source: str) -> Any:
    try:
        return task.workflow.script_engine.evaluate(task, source)
    except Exception as error:  # the diagram's expression: every failure fails the step
        raise _fail(task, name, f"表达式 {source!r} 求值出错：{_reason(error)}") from error


def _reason(error: Exception) -> str:
    """The underlying error (the sandbox wraps it in a ``WorkflowTaskException``)."""
    cause = getattr(error, "exception", None)
    cause = cause if isinstance(cause, BaseException) else error
    if isinstance(cause, NameError) and cause.name:
        return f"变量 {cause.name} 未定义"
    text = re.sub(r"[.\s]*Did you mean.*$", "", str(cause), flags=re.S)
    if isinstance(cause, SpiffWorkflowException):
        return text
    return f"{type(cause).__name__}: {text}" if text else type(cause).__name__


def _one(task: Task, name: str, value: Any) -> str | None:
    if value is None or value == "":
        return None
    problem = name_problem(value, USERNAME_MAX)
    if problem:
        raise _fail(task, name, f"应给出一个用户名，{problem}")
    return value.strip()


def _many(task: Task, name: str, value: Any, longest: int) -> tuple[str, ...]:
    items = _items(value)
    if items is None:
        raise _fail(task, name, f"应给出一个列表（或单个值），实为 {value!r}")
    found: list[str] = []
    for item in items:
        if item is None or item == "":
            continue
        problem = name_problem(item, longest)
        if problem:
            raise _fail(task, name, f"中的一项{problem}")
        if item.strip() not in found:
            found.append(item.strip())
    return tuple(found)


def _items(value: Any) -> list[Any] | None:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple | set | frozenset):
        return sorted(value) if isinstance(value, set | frozenset) else list(value)
    return None


def name_problem(value: Any, longest: int) -> str | None:
    """Why ``value`` cannot be a username or unit code (None when it can)."""
    if not isinstance(value, str):
        return f"应为文本，实为 {value!r}"
    text = value.strip()
    if not text:
        return "为空"
    if len(text) > longest or any(ch.isspace() for ch in text):
        return f"{text!r} 不能含空格，且不超过 {longest} 个字符"
    return None


# -- deploy time -------------------------------------------------------------------------------


def literal_problems(spec) -> Iterator[str]:
    """Literal values (``"zhangsan"``, ``["a", "b"]``) that cannot name a person or unit;
    expressions over data are left to run time (they must compile: ``engine.checks``)."""
    for name, source in spec_expressions(spec).items():
        try:
            value = ast.literal_eval(source)
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            continue
        problem = _literal_problem(name, value)
        if problem:
            yield f"{PROPERTY_LABELS[name]} {source}：{problem}"


def _literal_problem(name: str, value: Any) -> str | None:
    if name == ASSIGNEE:
        if value is None or value == "":
            return None
        problem = name_problem(value, USERNAME_MAX)
        return f"不是用户名（{problem}）" if problem else None
    longest = USERNAME_MAX if name == CANDIDATE_USERS else UNIT_CODE_MAX
    items = _items(value)
    if items is None:
        return f"应为列表或单个文本，实为 {value!r}"
    kind = "用户名" if name == CANDIDATE_USERS else "单位代码"
    for item in items:
        problem = name_problem(item, longest)
        if problem and item not in (None, ""):
            return f"{item!r} 不是{kind}（{problem}）"
    return None
