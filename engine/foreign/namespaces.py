"""The namespaces of other engines' BPMN extensions, and which of their names we read."""

from __future__ import annotations

from lxml import etree

CAMUNDA = "http://camunda.org/schema/1.0/bpmn"
FLOWABLE = "http://flowable.org/bpmn"
ACTIVITI = "http://activiti.org/bpmn"
ZEEBE = "http://camunda.org/schema/zeebe/1.0"

FOREIGN: dict[str, str] = {
    CAMUNDA: "camunda",
    FLOWABLE: "flowable",
    ACTIVITI: "activiti",
    ZEEBE: "zeebe",
    "http://www.signavio.com": "signavio",
    "http://www.jboss.org/drools": "drools",
    "http://www.trisotech.com/2015/triso/modeling": "triso",
}
"""Engines whose extensions change how a process runs; the label a designer reads."""

USER_TASK_ENGINES = (CAMUNDA, FLOWABLE, ACTIVITI)
"""Engines whose ``assignee``/``candidateUsers`` attributes mean what ours do."""

HARMLESS = frozenset(
    {
        "http://www.omg.org/spec/BPMN/20100524/MODEL",
        "http://www.omg.org/spec/BPMN/20100524/DI",
        "http://www.omg.org/spec/DD/20100524/DI",
        "http://www.omg.org/spec/DD/20100524/DC",
        "http://www.w3.org/2001/XMLSchema-instance",
        "http://www.w3.org/XML/1998/namespace",
        "http://spiffworkflow.org/bpmn/schema/1.0/core",
        "http://camunda.org/schema/modeler/1.0",
        "http://bpmn.io/schema/bpmn/biocolor/1.0",
        "http://www.omg.org/spec/BPMN/non-normative/color/1.0",
    }
)
"""Ours, the standard's, and tool metadata or colours that never change how a process runs."""

READ: frozenset[tuple[str, str, str]] = frozenset(
    {
        *((ns, "userTask", name) for ns in USER_TASK_ENGINES for name in ("assignee",)),
        *((ns, "userTask", "candidateUsers") for ns in USER_TASK_ENGINES),
        (CAMUNDA, "businessRuleTask", "decisionRef"),
        (ZEEBE, "businessRuleTask", "calledDecision"),
        # multi-instance collections and called processes: ``loops``
        (CAMUNDA, "multiInstanceLoopCharacteristics", "collection"),
        (CAMUNDA, "multiInstanceLoopCharacteristics", "elementVariable"),
        (ZEEBE, "multiInstanceLoopCharacteristics", "loopCharacteristics"),
        (ZEEBE, "callActivity", "calledElement"),
    }
)
"""(namespace, element kind, extension name) read as one of ours: not ignored."""


def namespace_of(tag: str) -> str | None:
    """The namespace of an lxml tag or attribute name (``{ns}name``), None without one."""
    return etree.QName(tag).namespace if tag.startswith("{") else None


SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"


def is_ours(root: etree._Element) -> bool:
    """A diagram of this system: it declares our ``spiffworkflow:`` extensions and no other
    engine's. Any other file (a tool's plain BPMN export included) was made elsewhere."""
    return SPIFF in root.nsmap.values() and not is_foreign_file(root)


def is_foreign_file(root: etree._Element) -> bool:
    """The file declares another engine's namespace, on its root or on any element inside
    (ARIS declares ``camunda:`` on the process), so that engine's conventions apply."""
    declared = set(root.nsmap.values())
    for element in root.iter():
        if isinstance(element.tag, str):
            declared |= set(element.nsmap.values())
    return any(ns in declared for ns in FOREIGN)


def label(namespace: str, name: str, nsmap: dict) -> str:
    """``camunda:assignee`` as the designer wrote it (the file's own prefix if any)."""
    prefix = FOREIGN.get(namespace)
    if prefix is None:
        prefix = next((p for p, ns in nsmap.items() if ns == namespace and p), namespace)
    return f"{prefix}:{name}"
