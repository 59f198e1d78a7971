"""The restricted script environment every diagram script and expression runs in.

Diagrams are untrusted input. SpiffWorkflow's default environment ``exec``s scripts with
full builtins, so script tasks, pre/post scripts, gateway conditions, timer and
multi-instance expressions, DMN cells and service parameters all run here instead:

* code is compiled under the policy of ``engine.script_policy`` (no imports, no
  ``_``-prefixed names or attributes) and runs with guarded attribute access, a small
  builtins whitelist and no ``open``/``getattr``/``type``/``eval``...;
* ``check_source`` (from ``engine.script_policy``, re-exported here) is the stricter
  deploy-time check, rejecting also names and calls that would only fail at run time;
* ``make_script_engine`` is the one factory. The engine is not serialized, so it must be
  re-attached after every deserialize (research note, pitfall 5).

Every evaluation runs under a ``Budget`` (``engine.budget``): steps, seconds and memory;
``while True: pass`` or ``[0] * 10**8`` fails its step with ``BudgetExceeded``.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import types
from collections.abc import Callable, Mapping
from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.exceptions import SpiffWorkflowException

from . import data_associations
from .budget import Budget, metered
from .context import step_or_none
from .projection import process_of
from .script_policy import (
    FORBIDDEN_ATTRIBUTES,
    FORBIDDEN_NAMES,
    GUARDS,
    ScriptRejected,
    check_source,
    compile_restricted_cached,
    restricted_builtins,
)
from .script_print import printing_to

__all__ = [
    "BUILTIN_HELPERS",
    "DATA_READER",
    "FORBIDDEN_ATTRIBUTES",
    "FORBIDDEN_NAMES",
    "DataNameConflict",
    "RestrictedEnvironment",
    "SandboxedScriptEngine",
    "ScriptRejected",
    "ServiceCallError",
    "ServiceCaller",
    "check_source",
    "compile_restricted_cached",
    "duration",
    "make_script_engine",
]

ServiceCaller = Callable[[str, dict[str, Any], dict[str, Any]], Any]
"""``services(operation_name, params, data)`` runs a service task's operator."""


class DataNameConflict(ValueError):
    """Task data has a key named like a helper, which would hide the helper."""


class ServiceCallError(RuntimeError):
    """A service task's operator could not be called or failed."""


# -- helpers ------------------------------------------------------------------------------


def _whole_minutes(value: float) -> int:
    minutes = round(value)
    if abs(value - minutes) > 1e-9:
        raise ValueError(f"时长必须是整分钟，实为 {value} 分钟")
    return minutes


def duration(days: float = 0, hours: float = 0, minutes: float = 0, weeks: float = 0) -> str:
    """An ISO-8601 duration for timers: ``duration(days=1, hours=2)`` -> ``"P1DT2H"``."""
    for name, value in (("days", days), ("hours", hours), ("minutes", minutes), ("weeks", weeks)):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError(f"duration() 的参数 {name} 必须是数字，实为 {value!r}")
    total = _whole_minutes(((weeks * 7 + days) * 24 + hours) * 60 + minutes)
    if total <= 0:
        raise ValueError(f"时长必须大于零，实为 {total} 分钟")
    day_count, rest = divmod(total, 24 * 60)
    hour_count, minute_count = divmod(rest, 60)
    date_part = f"{day_count}D" if day_count else ""
    time_part = (f"{hour_count}H" if hour_count else "") + (
        f"{minute_count}M" if minute_count else ""
    )
    return "P" + date_part + (f"T{time_part}" if time_part else "")


BUILTIN_HELPERS: dict[str, Callable[..., Any]] = {"duration": duration}
DATA_READER = "get_data"


log = logging.getLogger(__name__)


# -- environment --------------------------------------------------------------------------


class RestrictedEnvironment(TaskDataEnvironment):
    """``TaskDataEnvironment`` running RestrictedPython-compiled code with guards."""

    def __init__(
        self,
        helpers: Mapping[str, Callable[..., Any]] | None = None,
        services: ServiceCaller | None = None,
        budget: Budget | None = None,
    ):
        helpers = dict(helpers or {})
        self.budget = budget or Budget()
        _check_helpers(helpers)
        environment_globals: dict[str, Any] = {"__builtins__": restricted_builtins()}
        environment_globals.update(GUARDS)
        environment_globals.update(BUILTIN_HELPERS)
        environment_globals.update(helpers)
        super().__init__(environment_globals)
        self.services = services

    # The names a script sees besides its data; a data key may not shadow any of them.
    @property
    def reserved_names(self) -> frozenset[str]:
        return frozenset(self.globals) | {DATA_READER}

    def evaluate(
        self, expression: str, context: dict[str, Any], external_context: Mapping | None = None
    ) -> Any:
        code = compile_restricted_cached(expression, "eval")
        self.check_for_overwrite(context, {DATA_READER: None})
        scope = dict(self.globals)
        scope.update(external_context or {})
        scope.update(context)
        scope[DATA_READER] = self._data_reader(context, external_context)
        with metered(self.budget):
            return eval(code, scope)  # RestrictedPython code with guarded globals

    def execute(
        self, script: str, context: dict[str, Any], external_context: Mapping | None = None
    ) -> bool:
        code = compile_restricted_cached(script, "exec")
        extra = dict(external_context or {})
        extra[DATA_READER] = self._data_reader(context, extra)
        # TaskDataEnvironment checks name clashes, exec()s, then strips the extras again.
        with metered(self.budget):
            return super().execute(code, context, extra)

    def check_for_overwrite(self, context: Mapping[str, Any], external_context: Mapping) -> None:
        clashes = sorted((set(self.globals) | set(external_context)) & set(context))
        if clashes:
            raise DataNameConflict(
                f"任务数据中的变量名与脚本内置函数重名：{'、'.join(clashes)}；"
                "请把这些变量或表单字段改成其他名字"
            )

    def _remove_globals_and_functions_from_context(
        self, context: dict[str, Any], external_context: Mapping | None = None
    ) -> None:
        super()._remove_globals_and_functions_from_context(context, external_context)
        for key in [k for k, v in context.items() if isinstance(v, types.ModuleType)]:
            del context[key]  # e.g. `m = math`: modules break deepcopy (pitfall 6)

    def _data_reader(
        self, context: Mapping[str, Any], external_context: Mapping | None
    ) -> Callable[..., Any]:
        hidden = self.reserved_names | set(external_context or ())

        def get_data(name: str, default: Any = None) -> Any:
            """The current task's data value ``name``, or ``default`` when absent."""
            if not isinstance(name, str):
                raise TypeError(f"get_data() 的变量名必须是文本，实为 {name!r}")
            if name in hidden:
                raise ValueError(f"get_data() 不能读取保留名称 {name}")
            return context.get(name, default)

        return get_data

    def call_service(
        self,
        context: dict[str, Any],
        operation_name: str | None = None,
        operation_params: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> str:
        """Run a service task's operator; returns its result as JSON text."""
        if self.services is None:
            raise ServiceCallError(f"未配置服务调用，无法执行服务操作 {operation_name!r}")
        params = {
            name: param.get("value") if isinstance(param, Mapping) else param
            for name, param in (operation_params or {}).items()
        }
        try:
            result = self.services(operation_name, params, dict(context))
        except Exception as error:
            raise ServiceCallError(
                f"服务操作 {operation_name!r} 执行失败：{type(error).__name__}: {error}"
            ) from error
        try:
            return json.dumps(result, ensure_ascii=False)
        except (TypeError, ValueError) as error:
            raise ServiceCallError(
                f"服务操作 {operation_name!r} 的返回值无法转换为 JSON：{error}"
            ) from error


def _check_helpers(helpers: Mapping[str, Callable[..., Any]]) -> None:
    taken = set(GUARDS) | set(BUILTIN_HELPERS) | {DATA_READER} | set(restricted_builtins())
    for name, func in helpers.items():
        if not name.isidentifier() or name.startswith("_"):
            raise ValueError(f"辅助函数名 {name!r} 不合法（须为标识符且不以下划线开头）")
        if name in taken or name in FORBIDDEN_NAMES:
            raise ValueError(f"辅助函数名 {name!r} 与内置名称冲突")
        if not callable(func):
            raise TypeError(f"辅助函数 {name!r} 必须是可调用对象")


# -- engine -------------------------------------------------------------------------------


class SandboxedScriptEngine(PythonScriptEngine):
    """``PythonScriptEngine`` with clearer errors and a working ``call_service``."""

    environment: RestrictedEnvironment

    def printed_line(self, task, line: str) -> None:
        """A line the script of ``task`` printed: the application log at INFO (a trial's
        engine keeps it in the trial's log instead)."""
        log.info("%s 的脚本输出：%s", _element(task), line)

    def execute(self, task, script, external_context=None):
        with self._printing(task, script):
            return super().execute(task, script, external_context)

    def evaluate(self, task, expression, external_context=None):
        with self._printing(task, expression):
            return self._evaluate(task, expression, external_context)

    def _printing(self, task, code: str) -> contextlib.AbstractContextManager:
        """Where the code's ``print`` lines go; nothing to set up (on every gateway
        condition of every step) for code that never names ``print`` or ``printed``."""
        if isinstance(code, str) and "print" not in code:
            return contextlib.nullcontext()
        return printing_to(lambda line: self.printed_line(task, line))

    def _evaluate(self, task, expression, external_context=None):
        try:
            return self.environment.evaluate(
                expression,
                task.data,
                _with_data_objects(task, external_context, self.environment.reserved_names),
            )
        except SpiffWorkflowException as error:
            error.add_note(f"表达式求值出错：{expression!r}")
            raise
        except Exception as error:
            raise _without_hints(
                WorkflowTaskException(
                    f"表达式 {expression!r} 求值出错：{_describe(error, task)}",
                    task=task,
                    exception=error,
                )
            ) from error

    def call_service(self, task, **kwargs):
        # The base class's except-branch names an undefined `script` (pitfall 10).
        step = step_or_none()
        if step is not None:
            step.task_process_id = process_of(task)
        try:
            return self.environment.call_service(task.data, **kwargs)
        except SpiffWorkflowException as error:
            error.add_note(f"服务操作 {kwargs.get('operation_name')!r} 出错")
            raise
        except Exception as error:
            raise _without_hints(
                WorkflowTaskException(_describe(error, task), task=task, exception=error)
            ) from error
        finally:
            if step is not None:
                step.task_process_id = None

    def create_task_exec_exception(self, task, script, err):
        if isinstance(err, SpiffWorkflowException):
            return super().create_task_exec_exception(task, script, err)
        line_number, error_line = self.get_error_line_number_and_content(script, err)
        # The base class concatenates err.args[0], which crashes for KeyError(1) and the like.
        return _without_hints(
            WorkflowTaskException(
                _describe(err, task),
                task=task,
                exception=err,
                line_number=line_number,
                error_line=error_line,
            )
        )

    def get_error_line_number_and_content(self, script, err):
        if isinstance(err, ScriptRejected):
            lines = script.splitlines() if isinstance(script, str) else []
            line = err.lineno or 0
            return line, lines[line - 1] if 0 < line <= len(lines) else ""
        return super().get_error_line_number_and_content(script, err)


def _describe(error: BaseException, task: Any = None) -> str:
    if isinstance(error, RecursionError):
        return "函数递归调用层数过深（可能是没有终止条件的递归）"
    if isinstance(error, NameError) and getattr(error, "name", None):
        return f"变量 {error.name} 未定义（{_element(task)}）"
    text = str(error)
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _element(task: Any) -> str:
    spec = getattr(task, "task_spec", None)
    if spec is None:
        return "流程中的一段代码"
    bpmn_id = getattr(spec, "bpmn_id", None) or getattr(spec, "name", "?")
    name = getattr(spec, "bpmn_name", None)
    return f"元素「{name}」({bpmn_id})" if name else f"元素 {bpmn_id}"


def strip_hints(text: str) -> str:
    """``text`` without SpiffWorkflow's English "Did you mean ..." suggestion."""
    return re.sub(r"[.\s]*Did you mean (one of )?'[^?]*'\?", "", text)


def _without_hints(error: WorkflowTaskException) -> WorkflowTaskException:
    """Drop SpiffWorkflow's English "Did you mean ..." note (the text is Chinese)."""
    error.notes = [note for note in error.notes if "Did you mean" not in note]
    return error


def make_script_engine(
    helpers: Mapping[str, Callable[..., Any]] | None = None,
    services: ServiceCaller | None = None,
    budget: Budget | None = None,
) -> PythonScriptEngine:
    """The sandboxed script engine; attach it to every new or deserialized workflow."""
    return SandboxedScriptEngine(environment=RestrictedEnvironment(helpers, services, budget))


def _with_data_objects(
    task, external_context: Mapping | None, reserved: frozenset[str]
) -> Mapping | None:
    """``external_context`` plus the data objects visible from ``task`` by name, which is
    what BPMN 2.0's XPath ``bpmn:getDataObject('name')`` reads (§10.4; translated as the
    variable ``name``); the task's own data and the given context win over them."""
    objects = data_associations.objects_by_name(task)
    if not objects:
        return external_context
    taken = set(task.data) | set(external_context or {}) | reserved
    merged = {k: v for k, v in objects.items() if k not in taken}
    return {**merged, **(external_context or {})}
