"""Turn whatever SpiffWorkflow raised while parsing a set into a ``Problem`` naming the file
and the element, in Chinese (``spiff_texts``, ``xsd_texts``), never Python error text."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.exceptions import SpiffWorkflowException

from .errors import Problem
from .lint_graph import KIND_NAMES, bpmn
from .spiff_texts import translate
from .xsd_texts import xsd_line

Roots = Mapping[str, etree._Element]
_CALLED = re.compile(r"^(?:The process '([^']*)' was not found|Process (\S+) is not executable)")
_DECISION = re.compile(r'^No DMN Diagram available with id "')
_UNSUPPORTED_EVENT = re.compile(r"^NotImplementedError\('Unsupported (Catch|Throw) Event")
EVENT_KINDS = {
    "compensateEventDefinition": "补偿",
    "linkEventDefinition": "链接",
}
"""Event definitions SpiffWorkflow 3.2 does not run, by the name a designer knows."""


OTHER_KINDS = {
    "process": "流程",
    "sequenceFlow": "顺序流",
    "participant": "参与者",
    "collaboration": "协作",
    "dataObject": "数据对象",
    "dataStoreReference": "数据存储引用",
    "message": "消息",
    "signal": "信号",
}
"""Names for elements a problem may point at that are not flow nodes (``KIND_NAMES``)."""


def label(kind: str, name: str | None, element_id: str | None) -> str:
    """``服务任务「发短信」(notify)``, from a tag's local name, the name and the id."""
    local = kind.rsplit(":", 1)[-1].rsplit("}", 1)[-1]
    shown = f"「{name.strip()}」" if name and name.strip() else ""
    kind_name = KIND_NAMES.get(local) or OTHER_KINDS.get(local) or local or "元素"
    return f"{kind_name}{shown}({element_id})"


def _where(line: object) -> str:
    return f"（第 {line} 行）" if line else ""


def _caller(roots: Roots, process_id: str) -> tuple[str, etree._Element] | None:
    """The first call activity (file, element) that calls ``process_id``."""
    for file, root in roots.items():
        for node in root.iter(bpmn("callActivity")):
            if node.get("calledElement") == process_id:
                return file, node
    return None


def _holder(roots: Roots, element_id: str) -> str | None:
    for file, root in roots.items():
        if root.xpath("//*[@id=$id]", id=element_id):
            return file
    return None


def _unsupported_event(roots: Roots, element_id: str) -> str | None:
    """Why an event SpiffWorkflow refused cannot run: the kind of its definition."""
    for root in roots.values():
        for node in root.xpath("//*[@id=$id]", id=element_id):
            for child in node:
                kind = EVENT_KINDS.get(
                    etree.QName(child).localname if isinstance(child.tag, str) else ""
                )
                if kind:
                    return (
                        f"本引擎（SpiffWorkflow 3.2）不支持{kind}事件：请删除它"
                        f"（以及与之相连的{kind}处理），或改用显式的步骤表达同样的意思"
                    )
    return None


def _from_validation(error: ValidationException, file: str, roots: Roots) -> Problem:
    original = str(error.args[0]) if error.args else ""
    file = Path(error.file_name or file).name
    element = error.id or None
    xsd = xsd_line(original)
    if xsd is not None:
        standard = "DMN" if file.lower().endswith(".dmn") else "BPMN 2.0"
        return Problem(file, element, f"不符合 {standard} 规范{_where(error.line_number)}：{xsd}")
    text = translate(original)
    if _UNSUPPORTED_EVENT.match(original) and element:
        text = _unsupported_event(roots, element) or text
    called = _CALLED.match(original)
    found = _caller(roots, called.group(1) or called.group(2)) if called else None
    if found is not None and (called.group(1) or not element):
        file, node = found
        element = node.get("id")
        text = f"{label('callActivity', node.get('name'), element)}：{text}"
    elif element:
        text = f"{label(error.tag or '', error.name, element)}：{text}"
        if _DECISION.match(original) or not error.file_name:
            file = _holder(roots, element) or file
    return Problem(file, element, text + _where(error.line_number))


def _parser_frame(error: BaseException) -> tuple[str | None, etree._Element | None]:
    """The file and node of the innermost SpiffWorkflow node parser in the traceback."""
    found: tuple[str | None, etree._Element | None] = (None, None)
    trace = error.__traceback__
    while trace is not None:
        owner = trace.tb_frame.f_locals.get("self")
        node = getattr(owner, "node", None)
        if isinstance(node, etree._Element):
            found = (getattr(owner, "filename", None), node)
        trace = trace.tb_next
    return found


def problem_of(error: Exception, file: str, roots: Roots | None = None) -> Problem:
    """The problem for an exception raised while loading or parsing ``file``."""
    roots = roots or {}
    if isinstance(error, ValidationException):
        return _from_validation(error, file, roots)
    where_file, node = _parser_frame(error)
    if isinstance(error, SpiffWorkflowException) and error.args:
        text = translate(str(error.args[0]))
    else:
        text = translate(f"{type(error).__name__}({error})")
    if node is None:
        return Problem(file, None, text)
    element = node.get("id")
    named = f"{label(etree.QName(node).localname, node.get('name'), element)}：{text}"
    return Problem(Path(where_file or file).name, element, named + _where(node.sourceline))
