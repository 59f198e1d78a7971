"""Rewrite a foreign diagram's expressions into ours before it is parsed.

* ``${…}`` (JUEL) in a condition, a multi-instance completion condition or cardinality, or
  a timer, and a condition in FEEL, JavaScript or XPath (its ``language``, else for FEEL and
  JavaScript the file's ``expressionLanguage``): its Python twin when it is in the subset
  ``expressions`` documents (a warning shows the Python), else an error naming the element
  and saying what to write instead;
* a condition calling BPMN 2.0's XPath functions (``bpmn:getDataObject('x')``, §10.4) with
  no language of its own: read as XPath, whatever the file's default; so is a condition with
  no language that is not Python but is in the XPath subset (``priority = 'Emergency'``:
  XPath is BPMN 2.0's default expression language); one with no language that starts with
  ``=`` is Zeebe's FEEL (``=fraud``);
* a condition in any other language (``groovy``…): an error;
* a bare ISO 8601 timer literal (``PT5M``, ``R3/PT1H``, ``2026-01-01T09:00``) in a diagram
  made elsewhere (``namespaces.is_ours`` is false: a plain BPMN export too): quoted, as our
  timers are Python expressions (BPMN 2.0 and Camunda 7 write the ISO text as it is).
  (In our own diagrams an unquoted ``P3D`` stays an error: there it is a forgotten quote.)

The stored file is never changed: only the tree handed to the parser.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from lxml import etree

from ..errors import Problem
from ..lint_graph import bpmn, describe, local
from .expressions import (
    FEEL,
    JUEL,
    XPATH,
    Translation,
    language_of,
    translate,
    uses_bpmn_functions,
)
from .namespaces import is_ours

_TIMERS = ("timeDate", "timeDuration", "timeCycle")
_EXPRESSIONS = ("conditionExpression", "completionCondition", "loopCardinality")
_PYTHONIC = {"", "python", "http://www.omg.org/spec/bpmn/20100524/model"}
_SOURCES = {
    "JUEL": "JUEL 表达式（Camunda 7 表达式语言）",
    "FEEL": "FEEL 表达式（DMN 1.3 第 10 章）",
    "JavaScript": "JavaScript 表达式",
    "XPath": "XPath 表达式（BPMN 2.0 的默认表达式语言）",
}
_INSTEAD = "请改写为 Python 表达式（变量直接写名字，如 amount > 100 and approved）"
_ISO = re.compile(
    r"^(R\d*/)?(P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?"
    r"|\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?)$"
)


def translate_tree(root: etree._Element, file: str) -> list[Problem]:
    """Rewrite ``root`` in place; returns a warning per translation, an error per
    expression that cannot be translated."""
    foreign = not is_ours(root)
    default = _default_language(root)
    problems = []
    for tag in _EXPRESSIONS + _TIMERS:
        for node in root.iter(bpmn(tag)):
            problems += [Problem(file, *found) for found in _translate(node, foreign, default)]
    return problems


def _default_language(root: etree._Element) -> str:
    """The file's ``expressionLanguage`` when it is FEEL or JavaScript; BPMN's own default
    (XPath) is written by many tools above Python conditions, so it is not applied."""
    declared = (root.get("expressionLanguage") or "").strip()
    return declared if language_of(declared, "") in ("FEEL", "JavaScript") else ""


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


def _translate(
    node: etree._Element, foreign: bool, default: str
) -> Iterator[tuple[str | None, str, str]]:
    text = (node.text or "").strip()
    owner = _owner(node)
    element, what = owner.get("id"), f"{_name(owner)} 的表达式"
    declared = node.get("language")
    condition = local(node) == "conditionExpression"
    # The file's default language applies to conditions only: a cardinality or completion
    # condition in Python (``len(items)``) stays as written unless it names its language.
    fallback = default if condition else ""
    language = language_of(declared if declared is not None else fallback, text)
    if language is None and (declared or "").strip().lower() in _PYTHONIC:
        # BPMN 2.0 §10.4's bpmn:getDataObject('x')…: XPath even where the file says nothing
        # (XPath is BPMN's default expression language) or names another default; so is a
        # condition naming no language that is no Python but XPath (``a = 'x'``).
        xpath = uses_bpmn_functions(text) or (condition and _xpath_not_python(text))
        language = XPATH if xpath else FEEL if _zeebe_feel(text) else None
    if condition and language is None and (declared or "").strip().lower() not in _PYTHONIC:
        yield (
            element,
            f"{what}是 {declared} 脚本，本系统只运行 Python 表达式：请改写为"
            " Python 表达式（如 amount > 100）",
            "error",
        )
        return
    if language is not None and text and (local(node) in _EXPRESSIONS or language == JUEL):
        yield _translated(node, element, what, text, translate(text, language))
    elif foreign and local(node) in _TIMERS and _ISO.match(text):
        node.text = repr(text)
        yield element, f"{what} {text} 按 Camunda 的约定读作文本 {node.text}", "warning"


def _zeebe_feel(text: str) -> bool:
    """``=fraud``: Zeebe (Camunda 8) marks every FEEL expression with a leading ``=``."""
    return text.startswith("=") and not text.startswith("==")


def _xpath_not_python(text: str) -> bool:
    """``text`` is no Python expression, and is one of the XPath subset."""
    try:
        ast.parse(text, mode="eval")
    except SyntaxError:
        return translate(text, XPATH).python is not None
    return False


def _translated(
    node: etree._Element, element: str | None, what: str, text: str, found: Translation
) -> tuple[str | None, str, str]:
    source = _SOURCES[found.language]
    if found.python is None:
        return (
            element,
            f"{what} {text} 是 {source}，无法自动换成 Python：{found.why}；{_INSTEAD}",
            "error",
        )
    node.text = found.python
    renamed = "".join(f"；多词名称「{a}」读作变量 {b}" for a, b in found.renamed)
    return element, f"{what} {text} 是 {source}，按 Python 读作 {found.python}{renamed}", "warning"
