"""Service-task operators: the named Python functions a diagram's service tasks may call.

A BPMN service task names an operator (``spiffworkflow:serviceTaskOperator id="..."``) and
passes parameters; the sandbox hands the call to ``OperatorRegistry.call``. Only
registered operators are reachable, and deploy-time checks use ``in`` to reject diagrams
naming unknown ones.

A trial run (``engine.trial``) never runs an operator: it calls ``simulate`` instead, which
checks the parameters the same way and answers with the operator's registered simulation
(a side-effect-free stand-in for results a diagram's gateways or timers need), or None.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

OperatorFunc = Callable[[dict[str, Any], dict[str, Any]], Any]
"""``func(params, data)``: evaluated service-task parameters and a copy of the task data."""


class UnknownOperator(KeyError):
    """No operator is registered under the requested name."""

    def __str__(self) -> str:  # KeyError would repr() the message, quotes and all
        return str(self.args[0]) if self.args else ""


@dataclass(frozen=True)
class Operator:
    """One registered operator and what it documents about itself."""

    name: str
    func: OperatorFunc
    params: Mapping[str, str] | None = None
    description: str = ""
    simulate: OperatorFunc | None = None
    """``simulate(params, data)``: what a trial run's service task gets instead of running
    ``func``; it must not write anything. None: the trial's result is None."""


class OperatorRegistry:
    """The whitelist of operators service tasks may call."""

    def __init__(self) -> None:
        self._operators: dict[str, Operator] = {}

    def register(
        self,
        name: str,
        func: OperatorFunc,
        *,
        params: dict[str, str] | None = None,
        description: str = "",
        simulate: OperatorFunc | None = None,
    ) -> None:
        """Register ``func`` under ``name``.

        ``params`` maps each accepted parameter name to a short description; when given,
        calls passing an undeclared parameter are refused (``None`` accepts any). Whether a
        parameter is required is for ``func`` to decide. ``simulate`` is what trial runs
        call instead (see ``Operator.simulate``).
        """
        if not isinstance(name, str) or not name.strip():
            raise ValueError("服务操作名称不能为空")
        if not callable(func):
            raise TypeError(f"服务操作 {name!r} 必须是可调用对象")
        if name in self._operators:
            raise ValueError(f"服务操作 {name!r} 已注册，不能重复注册")
        if simulate is not None and not callable(simulate):
            raise TypeError(f"服务操作 {name!r} 的模拟必须是可调用对象")
        declared = dict(params) if params is not None else None
        self._operators[name] = Operator(name, func, declared, description, simulate)

    def __contains__(self, name: object) -> bool:
        return name in self._operators

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._operators))

    def __len__(self) -> int:
        return len(self._operators)

    def names(self) -> list[str]:
        """Registered operator names, sorted."""
        return sorted(self._operators)

    def get(self, name: str) -> Operator:
        """The registered operator; raises ``UnknownOperator`` (a ``KeyError``)."""
        try:
            return self._operators[name]
        except KeyError:
            known = "、".join(self.names()) or "（无）"
            raise UnknownOperator(f"未注册的服务操作 {name!r}；已注册的操作：{known}") from None

    def call(self, name: str, params: Mapping[str, Any], data: Mapping[str, Any]) -> Any:
        """Run operator ``name`` with ``params`` and the task ``data``; returns its result."""
        operator = self.get(name)
        _check_params(operator, params)
        return operator.func(dict(params), dict(data))

    def simulate(self, name: str, params: Mapping[str, Any], data: Mapping[str, Any]) -> Any:
        """What a trial run gets for operator ``name``: its simulation's answer, or None.

        The parameters are checked as ``call`` checks them; ``func`` never runs.
        """
        operator = self.get(name)
        _check_params(operator, params)
        if operator.simulate is None:
            return None
        return operator.simulate(dict(params), dict(data))


def _check_params(operator: Operator, params: Mapping[str, Any]) -> None:
    if operator.params is None:
        return
    unknown = sorted(set(params) - set(operator.params))
    if unknown:
        raise ValueError(f"服务操作 {operator.name!r} 不接受参数：{'、'.join(unknown)}")
