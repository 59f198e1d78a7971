"""Every foreign extension the engine does not read, as a warning naming the element.

Scans each process (executable or not) of a BPMN file: attributes in another engine's
namespace, and children of ``extensionElements`` outside ours and the standard's. One
warning per element lists all its ignored extensions. Tool metadata (Camunda Modeler's
``modeler:``) and colours change nothing and are not listed.
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from ..errors import Problem
from ..lint_graph import bpmn, describe, local
from .namespaces import HARMLESS, READ, label, namespace_of

_CANDIDATE_GROUPS = "candidateGroups"


def ignored_extensions(root: etree._Element, file: str) -> list[Problem]:
    """A warning per element of ``root``'s processes that carries extensions we ignore."""
    problems = []
    for process in root.iter(bpmn("process")):
        for element in process.iter(etree.Element):
            names = list(dict.fromkeys(_ignored(element)))
            if names:
                problems.append(
                    Problem(file, element.get("id"), _message(element, names), "warning")
                )
    return problems


def _ignored(element: etree._Element) -> Iterator[str]:
    kind = local(element)
    for name in element.attrib:
        namespace = namespace_of(name)
        if namespace and namespace not in HARMLESS:
            local_name = etree.QName(name).localname
            if (namespace, kind, local_name) not in READ:
                yield label(namespace, local_name, element.nsmap)
    extensions = element.find(bpmn("extensionElements"))
    for child in extensions if extensions is not None else ():
        if not isinstance(child.tag, str):
            continue
        namespace = namespace_of(child.tag)
        known = namespace is None or namespace in HARMLESS
        if not known and (namespace, kind, local(child)) not in READ:
            yield label(namespace, local(child), element.nsmap)


def _message(element: etree._Element, names: list[str]) -> str:
    where = _where(element)
    hint = ""
    if any(name.endswith(f":{_CANDIDATE_GROUPS}") for name in names):
        hint = "；候选组在本系统中就是泳道的角色：请把任务放进对应的泳道，或部署时做泳道→角色映射"
    if any(name.endswith((":formData", ":formProperty")) for name in names):
        hint += (
            "；其表单字段只在试运行中用作示例表单，正式办理请用 spiffworkflow:property "
            "formJsonSchemaFilename 指定 JSON Schema 表单"
        )
    return f"{where} 的扩展 {'、'.join(names)} 在本系统中不起作用，已忽略{hint}"


def _where(element: etree._Element) -> str:
    kind = local(element)
    if kind == "process":
        name = (element.get("name") or "").strip()
        return f"流程{f'「{name}」' if name else ''}({element.get('id')})"
    if kind == "sequenceFlow":
        return f"顺序流({element.get('id')})"
    return describe(element)
