"""What diagram code may do: the policy, the restricted compiler, the deploy-time check.

* code is compiled by RestrictedPython (no imports, no ``_``-prefixed names or
  attributes) and runs with guarded attribute access (``GUARDS``), a small builtins
  whitelist (``restricted_builtins``) and no ``open``/``getattr``/``type``/``eval``...;
* ``compile_restricted_cached`` compiles under that policy, raising ``ScriptRejected``;
* ``check_source`` is the stricter deploy-time check, rejecting also names and calls
  that would only fail at run time;
* the compiled code counts its steps and sizes what it builds (``engine.script_ticks``,
  ``engine.script_guards``) against the budget of ``engine.budget``.

``engine.sandbox`` runs the compiled code.
"""

from __future__ import annotations

import ast
import builtins
import functools
import operator
import re
import types
from collections.abc import Callable
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

from . import script_guards
from .budget import current_meter
from .script_print import PRINT_GUARD
from .script_ticks import FORMAT_SPEC, TICK, BudgetTransformer
from .syntax_messages import syntax_error

Mode = Literal["exec", "eval"]

FILENAME = "<string>"  # PythonScriptEngine finds the failing line by this frame name


class ScriptRejected(ValueError):
    """The code did not compile under the sandbox policy (or is not valid Python)."""

    def __init__(self, message: str, lineno: int | None = None):
        super().__init__(message)
        self.lineno = lineno


# -- policy -------------------------------------------------------------------------------

FORBIDDEN_NAMES = frozenset(
    {
        "open", "getattr", "setattr", "delattr", "hasattr", "__import__", "exec", "eval",
        "compile", "type", "vars", "dir", "globals", "locals", "input", "breakpoint", "help",
        "exit", "quit", "super", "object", "memoryview", "classmethod",
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


def restricted_builtins() -> dict[str, Any]:
    allowed = dict(safe_builtins)
    allowed.update(limited_builtins)
    allowed.update({name: utility_builtins[name] for name in UTILITY_BUILTINS})
    allowed.update({name: getattr(builtins, name) for name in EXTRA_BUILTINS})
    for name in (*FORBIDDEN_NAMES, "__build_class__"):
        allowed.pop(name, None)
    allowed["pow"] = script_guards.power
    allowed["math"] = _MATH
    return allowed


_MATH = script_guards.guarded_math()


def _plain_inplacevar(op: str, target: Any, value: Any) -> Any:
    try:
        return INPLACE_OPERATORS[op](target, value)
    except KeyError:
        raise ScriptRejected(f"不支持的复合赋值运算符 {op}") from None


def _inplacevar(op: str, target: Any, value: Any) -> Any:
    return script_guards.inplace(op, target, value, _plain_inplacevar)


def _getattr(obj: Any, name: str, *default: Any) -> Any:
    value = safer_getattr_raise(obj, name, *default)
    return script_guards.guarded_method(obj, name, value)


def _getitem(obj: Any, key: Any) -> Any:
    return script_guards.getitem(obj, key, default_guarded_getitem)


def _tick() -> bool:
    return current_meter().tick()


def _apply(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    return func(*args, **kwargs)


GUARDS: dict[str, Any] = {
    "_getattr_": _getattr,
    "_getitem_": _getitem,
    "_getiter_": default_guarded_getiter,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_unpack_sequence,
    "_inplacevar_": _inplacevar,
    "_write_": full_write_guard,
    "_apply_": _apply,
    "_print_": PRINT_GUARD,  # print(...) writes a line to the run's log (engine.script_print)
    TICK: _tick,
    FORMAT_SPEC: script_guards.format_spec,
    "_mul_": script_guards.mul,
    "_pow_": script_guards.power,
    "_lshift_": script_guards.lshift,
    "_add_": script_guards.add,
    "_mod_": script_guards.mod,
}


# -- compiling ----------------------------------------------------------------------------

_LINE = re.compile(r"^Line (\d+): (.*)$", re.DOTALL)
_SYNTAX = re.compile(r"SyntaxError: (.*?)(?: at statement: .*)?$", re.DOTALL)
_TRANSLATIONS: tuple[tuple[re.Pattern[str], str], ...] = (
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
    if found := _SYNTAX.search(text):
        return syntax_error(lineno, None, found.group(1)), lineno
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
    result = compiler(prepared, FILENAME, policy=BudgetTransformer)
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
        return syntax_error(error.lineno, error.offset, error.msg)
    problems = _policy_problems(tree)
    if problems:
        return "；".join(problems)
    try:
        compile_restricted_cached(source, mode)
    except ScriptRejected as error:
        return str(error)
    return None
