"""Static checks of parsed specs: scripts, conditions, timers, operators, forms."""

from __future__ import annotations

import ast
from collections.abc import Callable, Container, Iterator
from pathlib import Path

from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
    TimerEventDefinition,
)

from . import assignment, data_associations, data_stores, io_defaults, service_tasks
from .errors import Problem
from .forms import form_key_of
from .sandbox import check_source
from .specs import ParsedProcess

TIMER_LITERAL_PARSERS: dict[type, Callable[[str], object]] = {
    DurationTimerEventDefinition: TimerEventDefinition.parse_iso_duration,
    TimeDateEventDefinition: TimerEventDefinition.parse_time_or_duration,
    CycleTimerEventDefinition: TimerEventDefinition.parse_iso_recurring_interval,
}


def _scripts(spec) -> Iterator[tuple[str, str, str]]:
    script = getattr(spec, "script", None)
    if isinstance(script, str):
        yield "脚本", script, "exec"
    for attr, label in (("prescript", "前置脚本"), ("postscript", "后置脚本")):
        value = getattr(spec, attr, None)
        if isinstance(value, str) and value.strip():
            yield label, value, "exec"


_LOOP_EXPRESSIONS = (
    ("cardinality", "多实例数量"),
    ("condition", "多实例条件"),
    ("completion_condition", "多实例完成条件"),
)


def _evaluated(spec) -> Iterator[tuple[str, str, str]]:
    for condition, _target in getattr(spec, "cond_task_specs", []) or []:
        if condition is not None and condition.args and isinstance(condition.args[0], str):
            yield "条件表达式", condition.args[0], "eval"
    definition = getattr(spec, "event_definition", None)
    timer = definition.expression if isinstance(definition, TimerEventDefinition) else None
    if isinstance(timer, str) and timer.strip():  # an empty one is the lint rule's to report
        yield "定时器表达式", timer, "eval"
    for attr, label in _LOOP_EXPRESSIONS:
        value = getattr(spec, attr, None)
        if isinstance(value, str) and value.strip():
            yield label, value, "eval"
    for name, param in (getattr(spec, "operation_params", None) or {}).items():
        if isinstance(param, dict) and isinstance(param.get("value"), str):
            yield f"服务参数 {name}", param["value"], "eval"
    if getattr(spec, "manual", False):
        for name, source in assignment.spec_expressions(spec).items():
            yield f"{assignment.PROPERTY_LABELS[name]}表达式", source, "eval"


def _expressions(spec) -> Iterator[tuple[str, str, str]]:
    """(what, source, mode) for every piece of code an element carries."""
    yield from _scripts(spec)
    yield from _evaluated(spec)


def _unquoted_problem(expression: str | None, parse: Callable[[str], object]) -> str | None:
    """A bare ``P3D``: valid Python (a name), but never a time; it fails only at run time."""
    text = (expression or "").strip()  # an empty <timeDate/> parses as None
    if not text:
        return None
    try:
        parse(text)
    except Exception:
        return None  # an expression evaluated at run time; the sandbox check covers it
    return f'定时器表达式 {text} 缺少引号：ISO 8601 时间要写成字符串 "{text}"'


def _timer_literal_problem(spec) -> str | None:
    definition = getattr(spec, "event_definition", None)
    parse = TIMER_LITERAL_PARSERS.get(type(definition))
    if parse is None or not isinstance(definition.expression, str):
        return None  # a timer without an expression is the lint rule's to report
    try:
        value = ast.literal_eval(definition.expression)
    except (ValueError, SyntaxError):
        return _unquoted_problem(definition.expression, parse)
    if not isinstance(value, str):
        return f"定时器表达式应为 ISO 8601 字符串（字面量需加引号），实为 {value!r}"
    try:
        parse(value)
    except Exception as error:
        return f"定时器表达式 {value!r} 不是合法的 ISO 8601 时间：{error}"
    return None


def check_process(
    parsed: ParsedProcess,
    *,
    operators: Container[str],
    form_exists: Callable[[str], str | None],
) -> list[Problem]:
    """Every problem found in a parsed process; ``form_exists`` returns a problem or None."""
    problems = []
    for process_spec in parsed.all_specs():
        file = Path(process_spec.file or "?").name
        for spec in process_spec.task_specs.values():
            element = getattr(spec, "bpmn_id", None)
            if element is None:
                continue
            problems.extend(
                Problem(file, element, f"{what}：{error}")
                for what, source, mode in _expressions(spec)
                if (error := check_source(source, mode))
            )
            if (timer_problem := _timer_literal_problem(spec)) is not None:
                problems.append(Problem(file, element, timer_problem))
            if (passing := service_tasks.warning_text(spec)) is not None:
                problems.append(Problem(file, element, passing, "warning"))
            problems += (
                [
                    Problem(file, store.bpmn_id, data_stores.warning_text(store), "warning")
                    for store in data_stores.stores_of(spec)
                ]
                + [
                    Problem(file, element, data_stores.process_io_warning(reference), "warning")
                    for reference in data_stores.process_io_of(spec)
                ]
                + [
                    Problem(file, element, data_associations.warning_text(item), "warning")
                    for item in data_associations.io_objects_of(spec)
                ]
                + [
                    Problem(file, element, text, "warning")
                    for text in io_defaults.warning_texts(spec)
                ]
            )
            operator = getattr(spec, "operation_name", None)
            if operator is not None and operator not in operators:
                problems.append(Problem(file, element, f"服务任务操作 {operator!r} 未注册"))
            if getattr(spec, "manual", False):
                key = form_key_of(getattr(spec, "extensions", {}) or {})
                if key and (form_problem := form_exists(key)):
                    problems.append(Problem(file, element, form_problem))
                problems += [
                    Problem(file, element, message) for message in assignment.literal_problems(spec)
                ]
    return problems
