"""Multi-instance collections and called processes that Camunda and Zeebe keep in
extensions, rewritten into BPMN 2.0's own elements after the schema check (a data item's
id is its variable, which may repeat) and before the processes are parsed.

* Camunda 7 ``<multiInstanceLoopCharacteristics camunda:collection="items"
  camunda:elementVariable="item">`` (the collection a variable name or ``${name}``): the
  instances run over the list ``items``, each with its element in ``item``;
* Zeebe (Camunda 8) ``<zeebe:loopCharacteristics inputCollection="=items"
  inputElement="item" outputCollection="results" outputElement="=result">`` (the
  collections and the output element FEEL names, ``=name``): the same, and each
  instance's ``result`` collected into ``results``;
* Zeebe ``<zeebe:calledElement processId="p">`` on a call activity without its own
  ``calledElement``: it calls ``p``.

These become ``loopDataInputRef``/``inputDataItem``/``loopDataOutputRef``/
``outputDataItem`` (BPMN 2.0 §10.2.8: the same meaning) and ``calledElement``, each with a
warning saying what was read. A collection that is an expression, not a name, is left as
it is: the multi-instance then has no collection and the deploy says so. Only the tree
handed to the parser changes, never the stored file.
"""

from __future__ import annotations

import re

from lxml import etree

from ..errors import Problem
from ..lint_graph import bpmn, describe
from .namespaces import CAMUNDA, ZEEBE

_NAME = re.compile(r"^[A-Za-z_\u3400-\u9fff][\w\u3400-\u9fff]*$")


def rewrite_vendor_loops(root: etree._Element, file: str) -> list[Problem]:
    """Rewrite ``root`` in place; a warning per element rewritten."""
    problems = []
    for loop in root.iter(bpmn("multiInstanceLoopCharacteristics")):
        counted = loop.find(bpmn("loopCardinality")) is not None
        if counted or loop.find(bpmn("loopDataInputRef")) is not None:
            continue
        said = _camunda(loop) or _zeebe(loop)
        if said:
            owner = loop.getparent()
            problems.append(Problem(file, owner.get("id"), _said(owner, said), "warning"))
    for call in root.iter(bpmn("callActivity")):
        found = _extension(call, "calledElement")
        process = _name(found.get("processId")) if found is not None else ""
        if process and not call.get("calledElement"):
            call.set("calledElement", process)
            said = f"调用的流程 {process}（zeebe:calledElement）"
            problems.append(Problem(file, call.get("id"), _said(call, said), "warning"))
    return problems


def _camunda(loop: etree._Element) -> str:
    collection = _name(loop.get(f"{{{CAMUNDA}}}collection"))
    if not collection:
        return ""
    element = _name(loop.get(f"{{{CAMUNDA}}}elementVariable"))
    _put(loop, "loopDataInputRef", collection)
    if element:
        _put(loop, "inputDataItem", element)
    return _words(collection, element, "", "", "camunda:collection")


def _zeebe(loop: etree._Element) -> str:
    found = _extension(loop, "loopCharacteristics")
    if found is None:
        return ""
    collection = _name(found.get("inputCollection"))
    if not collection:
        return ""
    element = _name(found.get("inputElement"))
    results = _name(found.get("outputCollection"))
    result = _name(found.get("outputElement"))
    _put(loop, "loopDataInputRef", collection)
    if results:
        _put(loop, "loopDataOutputRef", results)
    if element:
        _put(loop, "inputDataItem", element)
    if results and result:
        _put(loop, "outputDataItem", result)
    return _words(
        collection, element, results, result if results else "", "zeebe:loopCharacteristics"
    )


def _words(collection: str, element: str, results: str, result: str, source: str) -> str:
    text = f"多实例按列表 {collection} 逐项执行"
    if element:
        text += f"，每项放在变量 {element}"
    if results:
        text += f"，各实例的 {result or '结果'} 收集到 {results}"
    return f"{text}（{source}）"


def _name(value: str | None) -> str:
    """A variable name written plainly, as ``${name}`` (JUEL) or ``=name`` (FEEL)."""
    text = (value or "").strip()
    if text.startswith("${") and text.endswith("}"):
        text = text[2:-1].strip()
    text = text.removeprefix("=").strip()
    return text if _NAME.match(text) else ""


def _put(loop: etree._Element, tag: str, name: str) -> None:
    """Add ``tag``: a reference holding ``name``, or a data item named ``name`` (the
    parser finds each child by its tag; the schema check has already run)."""
    if loop.find(bpmn(tag)) is not None:
        return
    node = etree.SubElement(loop, bpmn(tag))
    if tag.endswith("Ref"):
        node.text = name
    else:
        node.set("id", name)
        node.set("name", name)


def _extension(element: etree._Element, name: str) -> etree._Element | None:
    return element.find(f"{bpmn('extensionElements')}/{{{ZEEBE}}}{name}")


def _said(owner: etree._Element, said: str) -> str:
    return f"{describe(owner)}：按其他引擎的扩展读取：{said}"
