"""Building blocks of ``engine.normalise``: unique ids, new BPMN elements and where they go
in a process or sub-process so that the result still satisfies the BPMN 2.0 schema."""

from __future__ import annotations

from collections.abc import Iterable

from lxml import etree

from .lint_graph import KIND_NAMES, bpmn, describe, local

FLOW_ELEMENTS = frozenset(
    {"sequenceFlow", "dataObject", "dataObjectReference", "dataStoreReference"}
)
ARTIFACTS = frozenset({"association", "textAnnotation", "group"})


class Ids:
    """The ids of a file, handing out new ones that clash with none of them."""

    def __init__(self, root: etree._Element):
        self.taken = {e.get("id") for e in root.iter() if isinstance(e.tag, str) and e.get("id")}

    def new(self, base: str) -> str:
        candidate, n = base, 2
        while candidate in self.taken:
            candidate, n = f"{base}_{n}", n + 1
        self.taken.add(candidate)
        return candidate


def node(kind: str, element_id: str, **attributes: str) -> etree._Element:
    return etree.Element(bpmn(kind), id=element_id, **attributes)


def flow(
    ids: Ids, source: etree._Element, target: etree._Element, condition: str | None = None
) -> etree._Element:
    """A sequence flow ``<source>__to__<target>`` (with a Python condition if given)."""
    new_id = ids.new(f"{source.get('id')}__to__{target.get('id')}")
    element = node("sequenceFlow", new_id, sourceRef=source.get("id"), targetRef=target.get("id"))
    if condition is not None:
        set_condition(element, condition)
    return element


def set_condition(sequence_flow: etree._Element, python: str) -> None:
    """Replace the flow's condition by the Python expression ``python``."""
    for old in sequence_flow.findall(bpmn("conditionExpression")):
        sequence_flow.remove(old)
    expression = etree.SubElement(sequence_flow, bpmn("conditionExpression"))
    expression.text = python


def insert_flow_elements(container: etree._Element, elements: Iterable[etree._Element]) -> None:
    """Put new flow elements where the schema allows them: before the container's first
    flow element, else before its first artifact, else at its end."""
    children = [c for c in container if isinstance(c.tag, str)]
    anchor = next((c for c in children if _is_flow_element(c)), None)
    if anchor is None:
        anchor = next((c for c in children if local(c) in ARTIFACTS), None)
    for element in elements:
        if anchor is None:
            container.append(element)
        else:
            anchor.addprevious(element)


def insert_after(anchor: etree._Element, elements: Iterable[etree._Element]) -> None:
    """Put new flow elements right after ``anchor`` (a flow node), in the order given."""
    for element in reversed(list(elements)):
        anchor.addnext(element)


def _is_flow_element(element: etree._Element) -> bool:
    return local(element) in KIND_NAMES or local(element) in FLOW_ELEMENTS


def label(element: etree._Element) -> str:
    """How messages name a process (``流程「名称」(id)``), a flow or any other element."""
    name = (element.get("name") or "").strip()
    shown = f"「{name}」" if name else ""
    if local(element) == "process":
        return f"流程{shown}({element.get('id')})"
    if local(element) == "sequenceFlow":
        return f"顺序流{shown}({element.get('id')})"
    return describe(element)
