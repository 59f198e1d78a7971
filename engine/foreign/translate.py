"""Rewrite a foreign diagram's expressions into ours before it is parsed.

* ``${…}`` (JUEL) in a condition, a multi-instance completion condition or cardinality, or
  a timer: its Python twin when there is a trivial one (a warning says how it was read),
  else an error naming the element and saying what to write instead;
* a condition in another script language (``language="javascript"``…): an error;
* a bare ISO 8601 timer literal (``PT5M``, ``R3/PT1H``, ``2026-01-01T09:00``) in a diagram
  made elsewhere (``namespaces.is_ours`` is false: a plain BPMN export too): quoted, as our
  timers are Python expressions (BPMN 2.0 and Camunda 7 write the ISO text as it is).
  (In our own diagrams an unquoted ``P3D`` stays an error: there it is a forgotten quote.)

The stored file is never changed: only the tree handed to the parser.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree

from ..errors import Problem
from ..lint_graph import bpmn, describe, local
from .juel import is_juel, to_python
from .namespaces import is_ours

_TIMERS = ("timeDate", "timeDuration", "timeCycle")
_EXPRESSIONS = ("conditionExpression", "completionCondition", "loopCardinality")
_PYTHONIC = {"", "python", "juel", "http://www.omg.org/spec/bpmn/20100524/model"}
_ISO = re.compile(
    r"^(R\d*/)?(P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?"
    r"|\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?)$"
)


def translate_tree(root: etree._Element, file: str) -> list[Problem]:
    """Rewrite ``root`` in place; returns a warning per translation, an error per
    expression that cannot be translated."""
    foreign = not is_ours(root)
    problems = []
    for tag in _EXPRESSIONS + _TIMERS:
        for node in root.iter(bpmn(tag)):
            problems += [Problem(file, *found) for found in _translate(node, foreign)]
    return problems


def _owner(node: etree._Element) -> etree._Element:
    owner = node.getparent()
    while owner is not None and local(owner) in (
        "timerEventDefinition",
        "multiInstanceLoopCharacteristics",
        "standardLoopCharacteristics",
    ):
        owner = owner.getparent()
    return owner if owner is not None else node


def _name(element: etree._Element) -> str:
    if local(element) == "sequenceFlow":
        name = (element.get("name") or "").strip()
        return f"顺序流{f'「{name}」' if name else ''}({element.get('id')})"
    return describe(element)


def _translate(node: etree._Element, foreign: bool) -> Iterator[tuple[str | None, str, str]]:
    text = (node.text or "").strip()
    owner = _owner(node)
    element, what = owner.get("id"), f"{_name(owner)} 的表达式"
    language = (node.get("language") or "").strip().lower()
    if local(node) == "conditionExpression" and language not in _PYTHONIC:
        yield (
            element,
            f"{what}是 {node.get('language')} 脚本，本系统只运行 Python 表达式：请改写为"
            " Python 表达式（如 amount > 100）",
            "error",
        )
        return
    if is_juel(text):
        python = to_python(text)
        if python is None:
            yield (
                element,
                f"{what} {text} 是 JUEL 表达式，无法自动换成 Python：请改写为 Python 表达式"
                "（变量直接写名字，如 amount > 100 and approved）",
                "error",
            )
            return
        node.text = python
        yield element, f"{what} {text} 按 Python 读作 {python}", "warning"
    elif foreign and local(node) in _TIMERS and _ISO.match(text):
        node.text = repr(text)
        yield element, f"{what} {text} 按 Camunda 的约定读作文本 {node.text}", "warning"
