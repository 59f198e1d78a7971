"""Diagram authors' Jinja templates (a task's instructions) rendered on a budget.

Jinja's ``SandboxedEnvironment`` keeps a template away from Python's internals but not
from time and memory: two nested ``range(100000)`` loops run for hours and
``'a' * 10**10`` tries to take 10 GB. ``BudgetedSandbox`` adds the budget of
``engine.budget``: every ``for`` loop's items and every call tick the meter, ``*``,
``**``, ``+`` and ``%`` are sized first (``engine.script_guards``), and so are the string
methods and filters that grow a text (``center``, ``indent``, ``replace``, ``join``,
``format``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from jinja2 import StrictUndefined, nodes
from jinja2.filters import do_indent, do_join
from jinja2.sandbox import SandboxedEnvironment
from jinja2.utils import pass_eval_context

from . import script_guards
from .budget import Budget, current_meter, metered

TICKS_FILTER = "_budget_ticks"


def _ticks(items: Iterable[Any]) -> Iterator[Any]:
    meter = current_meter()
    for item in items:
        meter.tick()
        yield item


def _text(value: Any) -> str:
    return value if isinstance(value, str) else str(value)


def _center(value: Any, width: int = 80) -> str:
    return script_guards.guarded_method(_text(value), "center", None)(width)


def _indent(value: Any, width: int | str = 4, first: bool = False, blank: bool = False) -> str:
    text = _text(value)
    pad = width if isinstance(width, int) else len(width)
    current_meter().charge(len(text) + (text.count("\n") + 1) * max(pad, 0))
    return do_indent(text, width, first, blank)


def _replace(value: Any, old: str, new: str, count: int | None = None) -> str:
    guarded = script_guards.guarded_method(_text(value), "replace", None)
    return guarded(old, new, -1 if count is None else count)


@pass_eval_context
def _join(context: Any, value: Iterable[Any], d: str = "", attribute: Any = None) -> str:
    items = list(value)
    size = sum(len(_text(item)) for item in items) + len(d) * max(len(items) - 1, 0)
    current_meter().charge(size)
    return do_join(context, items, d, attribute)


def _format(value: str, *args: Any, **kwargs: Any) -> str:
    if args and kwargs:
        raise TypeError("format 过滤器不能同时使用位置参数和关键字参数")
    return script_guards.mod(value, kwargs or args)


class BudgetedSandbox(SandboxedEnvironment):
    """Jinja's sandbox whose templates count their loops and calls and size their texts."""

    intercepted_binops = frozenset(script_guards.BINARY)

    def __init__(self, **options: Any):
        super().__init__(**options)
        self.filters[TICKS_FILTER] = _ticks
        self.filters.update(
            center=_center, indent=_indent, replace=_replace, format=_format, join=_join
        )

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        template = super()._parse(source, name, filename)
        for loop in template.find_all(nodes.For):
            loop.iter = nodes.Filter(loop.iter, TICKS_FILTER, [], [], None, None)
        return template

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        return script_guards.BINARY[operator](left, right)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        current_meter().tick()
        return super().call(__context, __obj, *args, **kwargs)

    def getattr(self, obj: Any, attribute: str) -> Any:
        value = super().getattr(obj, attribute)
        return self._sized(obj, attribute, value)

    def getitem(self, obj: Any, argument: Any) -> Any:
        value = super().getitem(obj, argument)
        return self._sized(obj, argument, value)

    def wrap_str_format(self, value: Any) -> Any:
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None
        spec = value.__self__

        def checked(*args: Any, **kwargs: Any) -> str:
            script_guards.format_spec(spec)
            return wrapped(*args, **kwargs)

        return checked

    @staticmethod
    def _sized(obj: Any, key: Any, value: Any) -> Any:
        if isinstance(value, str):
            current_meter().charge(len(value))
        if isinstance(key, str):
            return script_guards.guarded_method(obj, key, value)
        return value


_SANDBOX = BudgetedSandbox(undefined=StrictUndefined, autoescape=False)


def render_budgeted(source: str, data: Mapping[str, Any], *, budget: Budget) -> str:
    """Render a diagram author's template with ``data``, under ``budget``.

    Raises ``BudgetExceeded`` when it goes past a limit, Jinja's ``TemplateError`` (and
    the errors of the values it handles) when it is wrong.
    """
    with metered(budget):
        return _SANDBOX.from_string(source).render(**data)
