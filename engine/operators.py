"""Service-task operators: the named Python functions a diagram's service tasks may call.

A BPMN service task names an operator (``spiffworkflow:serviceTaskOperator id="..."``) and
passes parameters; the sandbox hands the call to ``OperatorRegistry.call``. Only
registered operators are reachable, and deploy-time checks use ``in`` to reject diagrams
naming unknown ones.
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
    ) -> None:
        """Register ``func`` under ``name``.

        ``params`` maps each accepted parameter name to a short description; when given,
        calls passing an undeclared parameter are refused (``None`` accepts any). Whether a
        parameter is required is for ``func`` to decide.
        """
        if not isinstance(name, str) or not name.strip():
            raise ValueError("服务操作名称不能为空")
        if not callable(func):
            raise TypeError(f"服务操作 {name!r} 必须是可调用对象")
        if name in self._operators:
            raise ValueError(f"服务操作 {name!r} 已注册，不能重复注册")
        declared = dict(params) if params is not None else None
        self._operators[name] = Operator(name, func, declared, description)

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


def _check_params(operator: Operator, params: Mapping[str, Any]) -> None:
    if operator.params is None:
        return
    unknown = sorted(set(params) - set(operator.params))
    if unknown:
        raise ValueError(f"服务操作 {operator.name!r} 不接受参数：{'、'.join(unknown)}")
