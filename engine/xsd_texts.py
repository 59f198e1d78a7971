"""The BPMN 2.0 schema's complaints (libxml2's XSD messages) as one short Chinese line.

libxml2 writes ``Element '{namespace}name', attribute 'x': …`` and, for an element in the
wrong place, lists every element that could have come instead (often 600 characters of
namespaces). A designer needs the element, the attribute and a few of the expected names
with their usual prefix (``bpmn:incoming``), not the rest.
"""

from __future__ import annotations

import re
from collections.abc import Callable

PREFIXES = {
    "http://www.omg.org/spec/BPMN/20100524/MODEL": "bpmn",
    "http://www.omg.org/spec/BPMN/20100524/DI": "bpmndi",
    "http://www.omg.org/spec/DD/20100524/DC": "dc",
    "http://www.omg.org/spec/DD/20100524/DI": "di",
    "http://www.w3.org/2001/XMLSchema-instance": "xsi",
}
_HEAD = re.compile(r"^Element '([^']*)'(?:, attribute '([^']*)')?: (.*)$", re.S)
_QNAME = re.compile(r"\{([^}]*)\}([\w.-]+)")
_EXPECTED = re.compile(r"Expected is(?: one of)? \((.*)\)", re.S)
SHOWN_EXPECTED = 4
ID_HINTS = {
    "xs:ID": "；id 须以字母或下划线开头",
    "xs:IDREF": "；引用的 id 须以字母或下划线开头",
    "xs:QName": "；引用的 id 须以字母或下划线开头，带前缀时前缀须已声明",
}
ORIGINAL_MAX = 160


def short_name(qualified: str) -> str:
    """``{http://www.omg.org/spec/BPMN/20100524/MODEL}task`` → ``bpmn:task``."""

    def one(match: re.Match) -> str:
        prefix = PREFIXES.get(match.group(1))
        return f"{prefix}:{match.group(2)}" if prefix else match.group(2)

    return _QNAME.sub(one, qualified)


def _expected(rest: str) -> str:
    match = _EXPECTED.search(rest)
    if match is None:
        return ""
    names = [short_name(n.strip()) for n in match.group(1).split(",") if n.strip()]
    shown = "、".join(names[:SHOWN_EXPECTED])
    more = f" 等 {len(names)} 种" if len(names) > SHOWN_EXPECTED else ""
    return f"（此处应为 {shown}{more}）"


def _value(rest: str) -> str:
    """``的值 'x'（应为 xs:ID）`` from libxml2's invalid-value message, or ``的值``."""
    found = re.search(r"'([^']*)' is not a valid value of the (?:atomic|list) type '([^']*)'", rest)
    if found is None:
        found = re.search(r"The (?:QName )?value '([^']*)'", rest)
        return f" 的值 {found.group(1)!r}" if found else " 的值"
    hint = ID_HINTS.get(found.group(2), "")
    return f" 的值 {found.group(1)!r}（应为 {found.group(2)}{hint}）"


def _attribute_line(element: str, attribute: str, rest: str) -> str:
    attribute = short_name(attribute)
    if "is not allowed" in rest:
        return f"元素 {element} 上不允许有属性 {attribute}：请删除它"
    if "is required but missing" in rest:
        return f"元素 {element} 缺少必需的属性 {attribute}"
    if "no corresponding namespace declaration" in rest:
        return f"元素 {element} 的属性 {attribute}{_value(rest)} 用了未声明的命名空间前缀"
    return f"元素 {element} 的属性 {attribute}{_value(rest)} 不合规范：请改正"


_ELEMENT_LINES: tuple[tuple[str, Callable[[str, str], str]], ...] = (
    (
        "No matching global declaration",
        lambda e, r: f"根元素 {e} 不是 BPMN 2.0 的 bpmn:definitions：这不是完整的 BPMN 文件",
    ),
    (
        "This element is not expected",
        lambda e, r: f"元素 {e} 出现在不允许的位置或顺序上{_expected(r)}",
    ),
    ("Missing child element", lambda e, r: f"元素 {e} 缺少必需的子元素{_expected(r)}"),
    (
        "Character content",
        lambda e, r: f"元素 {e} 里不能直接写文字：请把文字放进合适的子元素",
    ),
    (
        "demanded by the strict wildcard",
        lambda e, r: f"元素 {e} 不属于 BPMN 2.0：请移进扩展元素（bpmn:extensionElements）或删除",
    ),
    (
        "is not a valid value",
        lambda e, r: f"元素 {e} 的内容{_value(r).removeprefix(' 的值')} 不合规范：请改正",
    ),
)


def _element_line(element: str, rest: str) -> str:
    for needle, line in _ELEMENT_LINES:
        if needle in rest:
            return line(element, rest)
    missing = re.search(r"The attribute '([^']*)' is required but missing", rest)
    if missing:
        return f"元素 {element} 缺少必需的属性 {missing.group(1)}"
    original = short_name(rest.strip())
    cut = original if len(original) <= ORIGINAL_MAX else original[:ORIGINAL_MAX] + "…"
    return f"元素 {element} 不符合 BPMN 2.0 规范（原文：{cut}）"


def xsd_line(message: str) -> str | None:
    """The Chinese line for an XSD message, or None when ``message`` is not one."""
    head = _HEAD.match(message.strip())
    if head is None:
        return None
    element = short_name(head.group(1))
    if head.group(2):
        return _attribute_line(element, head.group(2), head.group(3))
    return _element_line(element, head.group(3))
