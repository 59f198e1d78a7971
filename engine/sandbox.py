"""The restricted script environment every diagram script and expression runs in.

Diagrams are untrusted input. SpiffWorkflow's default environment ``exec``s scripts with
full builtins, so script tasks, pre/post scripts, gateway conditions, timer and
multi-instance expressions, DMN cells and service parameters all run here instead:

* code is compiled by RestrictedPython (no imports, no ``_``-prefixed names or
  attributes) and runs with guarded attribute access, a small builtins whitelist and
  no ``open``/``getattr``/``type``/``eval``...;
* ``check_source`` is the stricter deploy-time check, rejecting also names and calls
  that would only fail at run time;
* ``make_script_engine`` is the one factory. The engine is not serialized, so it must be
  re-attached after every deserialize (research note, pitfall 5).

There is no time or memory limit: ``while True: pass`` still hangs a worker.
"""

from __future__ import annotations

import ast
import builtins
import functools
import json
import operator
import re
import types
from collections.abc import Callable, Mapping
from typing import Any, Literal

from RestrictedPython import compile_restricted_eval, compile_restricted_exec
from RestrictedPython.Eval import default_guarded_getitem, default_guarded_getiter
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safe_builtins,
    safer_getattr_raise,
)
from RestrictedPython.Limits import limited_builtins
from RestrictedPython.transformer import INSPECT_ATTRIBUTES
from RestrictedPython.Utilities import utility_builtins
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.exceptions import SpiffWorkflowException

Mode = Literal["exec", "eval"]
ServiceCaller = Callable[[str, dict[str, Any], dict[str, Any]], Any]
"""``services(operation_name, params, data)`` runs a service task's operator."""

FILENAME = "<string>"  # PythonScriptEngine finds the failing line by this frame name


class ScriptRejected(ValueError):
    """The code did not compile under the sandbox policy (or is not valid Python)."""

    def __init__(self, message: str, lineno: int | None = None):
        super().__init__(message)
        self.lineno = lineno


class DataNameConflict(ValueError):
    """Task data has a key named like a helper, which would hide the helper."""


class ServiceCallError(RuntimeError):
    """A service task's operator could not be called or failed."""


# -- policy -------------------------------------------------------------------------------

FORBIDDEN_NAMES = frozenset(
    {
        "open", "getattr", "setattr", "delattr", "hasattr", "__import__", "exec", "eval",
        "compile", "type", "vars", "dir", "globals", "locals", "input", "breakpoint", "help",
        "exit", "quit", "super", "object", "memoryview", "print", "classmethod",
        "staticmethod", "property",
    }
)  # fmt: skip
"""Names a script may not use; none of them exists at run time either."""

FORBIDDEN_ATTRIBUTES = frozenset({"format", "format_map"})
"""``str.format`` reads attributes by name (``"{0.__class__}"``); use f-strings or %."""

EXTRA_BUILTINS = (
    "sum", "min", "max", "sorted", "reversed", "enumerate", "any", "all", "dict", "list",
    "set", "tuple", "len", "zip", "abs", "round", "int", "float", "str", "bool",
    "isinstance", "map", "filter",
)  # fmt: skip
"""Real builtins added on top of RestrictedPython's safe set (``range`` stays limited)."""

UTILITY_BUILTINS = ("math", "set", "frozenset", "same_type", "test", "reorder")
"""RestrictedPython utility builtins kept; ``string`` and ``random`` are left out."""

INPLACE_OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "+=": operator.iadd,
    "-=": operator.isub,
    "*=": operator.imul,
    "/=": operator.itruediv,
    "//=": operator.ifloordiv,
    "%=": operator.imod,
    "**=": operator.ipow,
    "<<=": operator.ilshift,
    ">>=": operator.irshift,
    "&=": operator.iand,
    "|=": operator.ior,
    "^=": operator.ixor,
    "@=": operator.imatmul,
}


def _restricted_builtins() -> dict[str, Any]:
    allowed = dict(safe_builtins)
    allowed.update(limited_builtins)
    allowed.update({name: utility_builtins[name] for name in UTILITY_BUILTINS})
    allowed.update({name: getattr(builtins, name) for name in EXTRA_BUILTINS})
    for name in (*FORBIDDEN_NAMES, "__build_class__"):
        allowed.pop(name, None)
    return allowed


def _inplacevar(op: str, target: Any, value: Any) -> Any:
    try:
        return INPLACE_OPERATORS[op](target, value)
    except KeyError:
        raise ScriptRejected(f"不支持的复合赋值运算符 {op}") from None


def _apply(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    return func(*args, **kwargs)


GUARDS: dict[str, Any] = {
    "_getattr_": safer_getattr_raise,
    "_getitem_": default_guarded_getitem,
    "_getiter_": default_guarded_getiter,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_unpack_sequence,
    "_inplacevar_": _inplacevar,
    "_write_": full_write_guard,
    "_apply_": _apply,
}


# -- compiling ----------------------------------------------------------------------------

_LINE = re.compile(r"^Line (\d+): (.*)$", re.DOTALL)
_TRANSLATIONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"SyntaxError: (.*?)(?: at statement: .*)?$", re.DOTALL), "语法错误：{0}"),
    (
        re.compile(r'"(.+)" is an invalid attribute name because it starts with "_"'),
        "不允许访问以下划线开头的属性 {0}",
    ),
    (
        re.compile(r'"(.+)" is an invalid variable name because it starts with "_"'),
        "不允许使用以下划线开头的名称 {0}",
    ),
    (re.compile(r'"(.+)" is a restricted name'), "不允许访问受限属性 {0}"),
    (re.compile(r"(\w+) statements are not allowed"), "不允许 {0} 语句"),
    (re.compile(r"(\w+) calls are not allowed"), "不允许调用 {0}"),
)


def _at_line(lineno: int | None, message: str) -> str:
    return f"第 {lineno} 行：{message}" if lineno else message


def _translate(error: str) -> tuple[str, int | None]:
    """A RestrictedPython error line ("Line 3: ...") as a Chinese message and line number."""
    lineno, text = None, error
    if match := _LINE.match(error):
        lineno, text = int(match.group(1)), match.group(2)
    for pattern, template in _TRANSLATIONS:
        if found := pattern.search(text):
            return _at_line(lineno, template.format(*found.groups())), lineno
    return _at_line(lineno, f"脚本未通过安全检查：{text}"), lineno


def _prepare(source: str, mode: Mode) -> str:
    if not isinstance(source, str):
        raise ScriptRejected(f"脚本内容必须是文本，实为 {type(source).__name__}")
    # Like eval(), tolerate the whitespace XML pretty-printing puts around expressions.
    return source.strip() if mode == "eval" else source


@functools.lru_cache(maxsize=4096)
def compile_restricted_cached(source: str, mode: Mode) -> types.CodeType:
    """Compile under RestrictedPython's policy; raises ``ScriptRejected``. Results cached."""
    prepared = _prepare(source, mode)
    compiler = compile_restricted_eval if mode == "eval" else compile_restricted_exec
    result = compiler(prepared, FILENAME)
    if result.errors or result.code is None:
        message, lineno = _translate(result.errors[0] if result.errors else "编译失败")
        raise ScriptRejected(message, lineno)
    return result.code


# -- deploy-time check --------------------------------------------------------------------


def _attribute_problem(attr: str) -> str | None:
    if attr.startswith("_"):
        return f"不允许访问以下划线开头的属性 {attr}"
    if attr in INSPECT_ATTRIBUTES:
        return f"不允许访问受限属性 {attr}"
    if attr in FORBIDDEN_ATTRIBUTES:
        return f"不允许使用 {attr}()，请改用 f-string 或 % 格式化"
    return None


def _name_problem(name: str) -> str | None:
    if name in FORBIDDEN_NAMES:
        return f"不允许使用 {name}"
    if name.startswith("_"):
        return f"不允许使用以下划线开头的名称 {name}"
    return None


def _node_problem(node: ast.AST) -> str | None:
    """What is wrong with one AST node under the deploy-time policy, if anything."""
    if isinstance(node, ast.Import | ast.ImportFrom):
        return "不允许 import 语句"
    if isinstance(node, ast.ClassDef):
        return "不允许定义类"
    if isinstance(node, ast.Attribute):
        return _attribute_problem(node.attr)
    if isinstance(node, ast.Name):
        return _name_problem(node.id)
    return None


def _policy_problems(tree: ast.AST) -> list[str]:
    found: list[tuple[int, int, str]] = []
    for node in ast.walk(tree):
        if (problem := _node_problem(node)) is not None:
            line, col = getattr(node, "lineno", 0), getattr(node, "col_offset", 0)
            found.append((line, col, _at_line(line, problem)))
    messages: list[str] = []
    for _line, _col, message in sorted(found):
        if message not in messages:
            messages.append(message)
    return messages


def check_source(source: str, mode: Literal["exec", "eval"]) -> str | None:
    """Deploy-time check of a script (``exec``) or expression (``eval``).

    Returns a Chinese message naming every problem found, or ``None`` when the code is
    acceptable. Stricter than the run-time guard: it also rejects names such as ``open``
    or ``getattr`` that compile fine but could only fail once the script runs.
    """
    try:
        prepared = _prepare(source, mode)
        tree = ast.parse(prepared, FILENAME, mode)
    except ScriptRejected as error:
        return str(error)
    except SyntaxError as error:
        return _at_line(error.lineno, f"语法错误：{error.msg}")
    problems = _policy_problems(tree)
    if problems:
        return "；".join(problems)
    try:
        compile_restricted_cached(source, mode)
    except ScriptRejected as error:
        return str(error)
    return None


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


# -- environment --------------------------------------------------------------------------


class RestrictedEnvironment(TaskDataEnvironment):
    """``TaskDataEnvironment`` running RestrictedPython-compiled code with guards."""

    def __init__(
        self,
        helpers: Mapping[str, Callable[..., Any]] | None = None,
        services: ServiceCaller | None = None,
    ):
        helpers = dict(helpers or {})
        _check_helpers(helpers)
        environment_globals: dict[str, Any] = {"__builtins__": _restricted_builtins()}
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
        return eval(code, scope)  # RestrictedPython code with guarded globals

    def execute(
        self, script: str, context: dict[str, Any], external_context: Mapping | None = None
    ) -> bool:
        code = compile_restricted_cached(script, "exec")
        extra = dict(external_context or {})
        extra[DATA_READER] = self._data_reader(context, extra)
        # TaskDataEnvironment checks name clashes, exec()s, then strips the extras again.
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
    taken = set(GUARDS) | set(BUILTIN_HELPERS) | {DATA_READER} | set(_restricted_builtins())
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

    def evaluate(self, task, expression, external_context=None):
        try:
            return self.environment.evaluate(expression, task.data, external_context)
        except SpiffWorkflowException as error:
            error.add_note(f"表达式求值出错：{expression!r}")
            raise
        except Exception as error:
            raise WorkflowTaskException(
                f"表达式 {expression!r} 求值出错：{_describe(error)}", task=task, exception=error
            ) from error

    def call_service(self, task, **kwargs):
        # The base class's except-branch names an undefined `script` (pitfall 10).
        try:
            return self.environment.call_service(task.data, **kwargs)
        except SpiffWorkflowException as error:
            error.add_note(f"服务操作 {kwargs.get('operation_name')!r} 出错")
            raise
        except Exception as error:
            raise WorkflowTaskException(_describe(error), task=task, exception=error) from error

    def create_task_exec_exception(self, task, script, err):
        if isinstance(err, SpiffWorkflowException):
            return super().create_task_exec_exception(task, script, err)
        line_number, error_line = self.get_error_line_number_and_content(script, err)
        # The base class concatenates err.args[0], which crashes for KeyError(1) and the like.
        return WorkflowTaskException(
            _describe(err),
            task=task,
            exception=err,
            line_number=line_number,
            error_line=error_line,
        )

    def get_error_line_number_and_content(self, script, err):
        if isinstance(err, ScriptRejected):
            lines = script.splitlines() if isinstance(script, str) else []
            line = err.lineno or 0
            return line, lines[line - 1] if 0 < line <= len(lines) else ""
        return super().get_error_line_number_and_content(script, err)


def _describe(error: BaseException) -> str:
    text = str(error)
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def make_script_engine(
    helpers: Mapping[str, Callable[..., Any]] | None = None,
    services: ServiceCaller | None = None,
) -> PythonScriptEngine:
    """The sandboxed script engine; attach it to every new or deserialized workflow."""
    return SandboxedScriptEngine(environment=RestrictedEnvironment(helpers, services))
