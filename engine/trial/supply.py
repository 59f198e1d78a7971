"""Sample values for variables a diagram reads but nothing set: the auto-run supplies them
when a step fails on one (a foreign diagram's gateway or script expects data a form or a
caller would have given).

From the failure text it takes the missing name (``变量 x 未定义`` or a data object that
could not be set) and, when the text quotes the failing expression, a value that makes
the comparison there true (``choice == 'Yes'`` → ``'Yes'``, ``x > 1`` → ``2``); else a
value by how the diagram's code uses the name (a text for ``x.upper()``, a list for
``for i in x`` or names like ``items``/``input_data``, a past date-time for names like
``due_time``, else 1). A variable an assignee or candidateUsers expression reads
(``camunda:assignee="${approver}"``) gets a user name: the trial's own designer, so the
task is theirs and the auto-run can complete it.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

_MISSING = (
    re.compile(r"变量 ([A-Za-z_]\w*) 未定义"),
    re.compile(r"'([A-Za-z_]\w*)' not exist in the task"),
)
_EXPRESSION = re.compile(r"表达式 (['\"])(.*?)\1 求值出错")
SAMPLE_TEXT = "试运行"
PAST_TIME = "2020-01-01T08:00:00+08:00"
"""For a timer's date: already past, so the timer is due at once."""
_LISTY = ("list", "items", "input", "collection", "data")
_PERSON = re.compile(r"的(办理人（assignee）|候选人（candidateUsers）)表达式 ")
"""A failure in an expression that must give a user name (``engine.assignment``)."""


def missing_name(text: str) -> str | None:
    """The variable a failure text says is missing, if it says so."""
    for pattern in _MISSING:
        found = pattern.search(text)
        if found:
            return found.group(1)
    return None


def sample_value(
    name: str, text: str, diagram: Iterable[str] = (), *, person: str = SAMPLE_TEXT
) -> Any:
    """A value for ``name`` that lets the expression quoted in ``text`` pass (``person``,
    a user name, when that expression names a task's assignee or candidate users), else
    one that passes a comparison elsewhere in the diagram (``diagram``: its code texts),
    else one of the kind the code uses; None when the code calls it or reads its
    attributes (a function or module the diagram expects from its own engine)."""
    if _PERSON.search(text):
        return person
    quoted = _EXPRESSION.search(text)
    for source in [quoted.group(2)] if quoted else []:
        value = _from_expression(name, source)
        if value is not None:
            return value
    for source in diagram:
        if name in source:
            value = _from_expression(name, source, bare=False)
            if value is not None:
                return value
    diagram = list(diagram)
    aliases = _aliases(name, diagram)
    return _by_use(name, [t for t in diagram if any(n in t for n in {name, *aliases})], aliases)


def _aliases(name: str, diagram: Iterable[str]) -> set[str]:
    """Variables a script copies ``name`` into (``in_data = old``): used as ``name`` is."""
    copied = re.compile(rf"^\s*([A-Za-z_]\w*)\s*=\s*{re.escape(name)}\s*$", re.MULTILINE)
    return {m.group(1) for text in diagram for m in copied.finditer(text)} - {name}


def _timely(name: str) -> bool:
    """A name like ``due_time`` or ``start_date``: a timer's date-time."""
    return any(part in name.lower() for part in ("time", "date", "due"))


def _by_use(name: str, texts: list[str], aliases: set[str] = frozenset()) -> Any:
    """A value of the kind the diagram's code uses ``name`` (or a copy of it) as."""
    used = "\n".join(texts)
    word = re.escape(name)
    words = "|".join(re.escape(n) for n in sorted({name, *aliases}))
    text_method = r"\.(upper|lower|strip|split|replace|startswith|endswith|title)\("
    if re.search(rf"\b({words}){text_method}", used):
        return SAMPLE_TEXT
    if re.search(rf"(?<![.\w]){word}\s*[.(]", used):
        return None  # called or a module/object (``datetime.now()``): no sample stands in
    if _timely(name):
        return PAST_TIME
    if re.search(rf"\bin\s+{word}\b", used) or any(part in name.lower() for part in _LISTY):
        return [1, 2]
    return 1


def describe(values: dict[str, Any]) -> str:
    """``x=1、choice='Yes'``: the supplied values as the trial log shows them."""
    return "、".join(f"{name}={value!r}" for name, value in values.items())


def code_texts(value: Any) -> Iterator[str]:
    """Every string in a serialized spec (conditions, scripts, expressions among them)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from code_texts(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from code_texts(item)


def _from_expression(name: str, source: str, *, bare: bool = True) -> Any:
    try:
        tree = ast.parse(source, mode="eval" if bare else "exec")
    except (SyntaxError, ValueError):
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare) and len(node.ops) == 1:
            value = _compared(name, node.left, node.ops[0], node.comparators[0])
            if value is not None:
                return value
    if bare and isinstance(tree.body, ast.Name | ast.UnaryOp | ast.BoolOp) and not _timely(name):
        return True
    return None


def _compared(name: str, left: ast.expr, op: ast.cmpop, right: ast.expr) -> Any:
    flipped = {ast.Gt: ast.Lt, ast.Lt: ast.Gt, ast.GtE: ast.LtE, ast.LtE: ast.GtE}
    if _is_name(right, name) and isinstance(left, ast.Constant):
        left, right = right, left
        op = flipped.get(type(op), type(op))()
    if not _is_name(left, name):
        return None
    if isinstance(op, ast.In) and isinstance(right, ast.List | ast.Tuple | ast.Set):
        first = right.elts[0] if right.elts else None
        return first.value if isinstance(first, ast.Constant) else None
    if not isinstance(right, ast.Constant):
        return None
    return _satisfying(op, right.value)


def _satisfying(op: ast.cmpop, value: Any) -> Any:
    if isinstance(op, ast.Eq | ast.Is | ast.GtE | ast.LtE):
        return value
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if isinstance(op, ast.Gt) and number:
        return value + 1
    if isinstance(op, ast.Lt) and number:
        return value - 1
    if isinstance(op, ast.NotEq | ast.IsNot):
        return (not value) if isinstance(value, bool) else ("其他" if value != "其他" else 0)
    return None


def _is_name(node: ast.expr, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name


_PERSON_KEYS = ("assignee", "candidateUsers")


def person_names(value: Any) -> frozenset[str]:
    """The names read by the assignee and candidate-users expressions of a serialized spec
    (``engine.assignment``'s extension keys)."""
    found: set[str] = set()
    if isinstance(value, Mapping):
        for key, item in value.items():
            if key in _PERSON_KEYS and isinstance(item, str):
                found |= set(re.findall(r"[A-Za-z_]\w*", item))
            else:
                found |= person_names(item)
    elif isinstance(value, list | tuple):
        for item in value:
            found |= person_names(item)
    return frozenset(found)


def conditions(value: Any) -> Iterator[str]:
    """The conditions of a serialized spec (gateway flows, conditional events)."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            if key == "condition" and isinstance(item, str) and item.strip():
                yield item
            else:
                yield from conditions(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from conditions(item)


def alternatives(texts: Iterable[str]) -> dict[str, list[Any]]:
    """Per variable the conditions test, the values that would make one of them true or
    false (``answer == 'Yes'`` → ``'Yes'``; a bare ``repeat`` → ``True``, ``False``)."""
    found: dict[str, list[Any]] = {}
    for text in texts:
        try:
            tree = ast.parse(text, mode="eval")
        except (SyntaxError, ValueError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Compare) and len(node.ops) == 1:
                _add_compared(found, node.left, node.ops[0], node.comparators[0])
            elif isinstance(node, ast.Name) and _tested_bare(tree, node):
                found.setdefault(node.id, []).extend([True, False])
    return {name: list(_distinct(values)) for name, values in found.items()}


def _add_compared(found: dict[str, list[Any]], left, op, right) -> None:
    name = left if isinstance(left, ast.Name) else right if isinstance(right, ast.Name) else None
    if name is None:
        return
    value = _compared(name.id, left, op, right)
    if value is not None:
        found.setdefault(name.id, []).append(value)


def _tested_bare(tree: ast.Expression, name: ast.Name) -> bool:
    """``name`` is the whole condition or an operand of ``and``/``or``/``not``."""
    if tree.body is name:
        return True
    return any(
        (isinstance(n, ast.BoolOp) and name in n.values)
        or (isinstance(n, ast.UnaryOp) and n.operand is name)
        for n in ast.walk(tree)
    )


def _distinct(values: Iterable[Any]) -> Iterator[Any]:
    seen: list[Any] = []
    for value in values:
        if not any(value == s and type(value) is type(s) for s in seen):
            seen.append(value)
            yield value


_NO_COLLECTION = ("'NoneType' object is not iterable", "缺少输入集合", "Missing data input")


def missing_collection(text: str, spec: Any, supplied: Iterable[str] = ()) -> str | None:
    """When a step failed because a multi-instance activity's input collection is unset
    (``loopDataInputRef`` names a variable nothing set), that variable's name."""
    if not any(mark in text for mark in _NO_COLLECTION):
        return None
    for node in _mappings(spec):
        found = node.get("data_input")
        name = found.get("bpmn_id") if isinstance(found, Mapping) else None
        if isinstance(name, str) and name and name not in supplied:
            return name
    return None


def _mappings(value: Any) -> Iterator[Mapping]:
    if isinstance(value, Mapping):
        yield value
        for item in value.values():
            yield from _mappings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _mappings(item)
