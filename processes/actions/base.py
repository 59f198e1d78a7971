"""How a module declares the service-task actions diagrams may call.

An action is ``func(params, data)``: ``params`` are the service task's evaluated
parameters, ``data`` a copy of the task data. It runs inside the engine step, so it writes
through ``current_step().session`` and its rows commit or roll back with the step. What it
returns becomes the service task's result variable.

A designer's trial run never runs an action: it records the call and answers with the
action's simulation (``@actions.simulation("name")``), or None when it has none. An action
whose result a diagram reads (a due time, an outcome a gateway tests) declares one; a
simulation only computes, it never writes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from engine import OperatorRegistry, current_step

from ..models import Case

ActionFunc = Callable[[dict[str, Any], dict[str, Any]], Any]


@dataclass(frozen=True)
class Action:
    name: str
    func: ActionFunc
    params: dict[str, str]
    description: str


class ActionSet:
    """A module's actions; ``@actions("case.close", "结案", note="备注")`` declares one,
    ``@actions.simulation("case.close")`` its stand-in for trial runs."""

    def __init__(self) -> None:
        self.items: list[Action] = []
        self.simulations: dict[str, ActionFunc] = {}

    def __call__(
        self, name: str, description: str, **params: str
    ) -> Callable[[ActionFunc], ActionFunc]:
        def declare(func: ActionFunc) -> ActionFunc:
            self.items.append(Action(name, func, dict(params), description))
            return func

        return declare

    def simulation(self, name: str) -> Callable[[ActionFunc], ActionFunc]:
        """Declare what trial runs get instead of running action ``name`` (no writes)."""

        def declare(func: ActionFunc) -> ActionFunc:
            self.simulations[name] = func
            return func

        return declare

    def register(self, registry: OperatorRegistry) -> None:
        unknown = sorted(set(self.simulations) - {action.name for action in self.items})
        if unknown:
            raise ValueError(f"模拟了未声明的服务操作：{'、'.join(unknown)}")
        for action in self.items:
            registry.register(
                action.name,
                action.func,
                params=action.params,
                description=action.description,
                simulate=self.simulations.get(action.name),
            )


def case_of(data: dict[str, Any]) -> Case:
    """The case the running instance works on (``case_id`` in its data)."""
    case_id = data.get("case_id")
    if case_id is None:
        raise ValueError("流程数据中没有 case_id，无法定位案件")
    case = current_step().session.get(Case, int(case_id))
    if case is None:
        raise ValueError(f"案件 {case_id} 不存在")
    return case


def required(params: dict[str, Any], name: str) -> Any:
    value = params.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValueError(f"参数 {name} 不能为空")
    return value


def parse_time(value: Any) -> datetime | None:
    """An ISO time from a helper such as ``deadline()``; ``None``/"" stays ``None``."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value
    parsed = datetime.fromisoformat(str(value))
    if parsed.tzinfo is None:
        raise ValueError(f"时间 {value!r} 缺少时区")
    return parsed
