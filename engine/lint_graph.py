"""The flow graph of a BPMN process read from its XML: flow nodes, sequence flows,
boundary attachments and sub-processes, with element ids exactly as in the file."""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"

KIND_NAMES = {
    "task": "任务",
    "userTask": "用户任务",
    "manualTask": "人工任务",
    "serviceTask": "服务任务",
    "scriptTask": "脚本任务",
    "businessRuleTask": "业务规则任务",
    "sendTask": "发送任务",
    "receiveTask": "接收任务",
    "callActivity": "调用活动",
    "subProcess": "子流程",
    "transaction": "事务子流程",
    "adHocSubProcess": "自由子流程",
    "startEvent": "开始事件",
    "endEvent": "结束事件",
    "intermediateCatchEvent": "中间捕获事件",
    "intermediateThrowEvent": "中间抛出事件",
    "boundaryEvent": "边界事件",
    "exclusiveGateway": "排他网关",
    "parallelGateway": "并行网关",
    "inclusiveGateway": "包容网关",
    "eventBasedGateway": "事件网关",
    "complexGateway": "复杂网关",
}
SUBPROCESS_KINDS = {"subProcess", "transaction", "adHocSubProcess"}
ACTIVITY_KINDS = {
    "task",
    "userTask",
    "manualTask",
    "serviceTask",
    "scriptTask",
    "businessRuleTask",
    "sendTask",
    "receiveTask",
    "callActivity",
} | SUBPROCESS_KINDS


def local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def bpmn(name: str) -> str:
    return f"{{{BPMN_NS}}}{name}"


def describe(element: etree._Element) -> str:
    """``用户任务「受理登记」(intake)``: how messages name an element."""
    kind = KIND_NAMES.get(local(element), local(element))
    name = (element.get("name") or "").strip()
    label = f"「{name}」" if name else ""
    return f"{kind}{label}({element.get('id')})"


def has_event(element: etree._Element, definition: str) -> bool:
    return element.find(bpmn(definition)) is not None


def is_event_subprocess(element: etree._Element) -> bool:
    return local(element) in SUBPROCESS_KINDS and element.get("triggeredByEvent") == "true"


@dataclass
class FlowGraph:
    """One executable process: its nodes by id and its valid sequence flows."""

    process: etree._Element
    nodes: dict[str, etree._Element] = field(default_factory=dict)
    flows: list[etree._Element] = field(default_factory=list)
    outgoing: dict[str, list[str]] = field(default_factory=dict)
    incoming: dict[str, list[str]] = field(default_factory=dict)
    boundaries: dict[str, list[str]] = field(default_factory=dict)
    compensations: dict[str, list[str]] = field(default_factory=dict)
    """Compensation boundary event id → the handlers its associations point at."""

    def children(self, container: etree._Element) -> list[etree._Element]:
        return [c for c in container if local(c) in KIND_NAMES and c.get("id")]


def build_graph(process: etree._Element) -> FlowGraph:
    graph = FlowGraph(process)
    for element in process.iter():
        kind = local(element)
        if kind in KIND_NAMES and element.get("id"):
            graph.nodes[element.get("id")] = element
        elif kind == "sequenceFlow":
            graph.flows.append(element)
    for node_id, node in graph.nodes.items():
        if local(node) == "boundaryEvent" and node.get("attachedToRef"):
            graph.boundaries.setdefault(node.get("attachedToRef"), []).append(node_id)
    for flow in graph.flows:
        source, target = flow.get("sourceRef"), flow.get("targetRef")
        if source in graph.nodes and target in graph.nodes:
            graph.outgoing.setdefault(source, []).append(target)
            graph.incoming.setdefault(target, []).append(source)
    _link_events(graph)
    _compensation_links(graph)
    return graph


def _compensation_links(graph: FlowGraph) -> None:
    """A compensation boundary event leads, by an association, to its handler activity."""
    for association in graph.process.iter(bpmn("association")):
        source = graph.nodes.get(association.get("sourceRef") or "")
        target = association.get("targetRef")
        if source is None or target not in graph.nodes:
            continue
        if has_event(source, "compensateEventDefinition"):
            graph.compensations.setdefault(source.get("id"), []).append(target)


def _link_events(graph: FlowGraph) -> None:
    """A link throw event continues at the link catch event of the same name."""
    catches: dict[str, str] = {}
    for node_id, node in graph.nodes.items():
        link = node.find(bpmn("linkEventDefinition"))
        if link is not None and local(node) == "intermediateCatchEvent":
            catches[link.get("name") or ""] = node_id
    for node_id, node in graph.nodes.items():
        link = node.find(bpmn("linkEventDefinition"))
        if link is not None and local(node) == "intermediateThrowEvent":
            target = catches.get(link.get("name") or "")
            if target is not None:
                graph.outgoing.setdefault(node_id, []).append(target)
                graph.incoming.setdefault(target, []).append(node_id)


def reachable(graph: FlowGraph) -> set[str]:
    """Ids reached from the process's start events: along sequence flows, into the
    boundary events of a reached activity, the handlers of a reached compensation boundary
    event and the start events of a reached sub-process;
    event sub-processes and everything inside them count as reached."""
    seen: set[str] = set()
    todo = [c.get("id") for c in graph.children(graph.process) if local(c) == "startEvent"]
    for node in graph.nodes.values():
        if is_event_subprocess(node):
            seen.update(d.get("id") for d in node.iter() if d.get("id") in graph.nodes)
    while todo:
        node_id = todo.pop()
        if node_id in seen:
            continue
        seen.add(node_id)
        node = graph.nodes[node_id]
        todo += graph.outgoing.get(node_id, [])
        todo += graph.boundaries.get(node_id, [])
        todo += graph.compensations.get(node_id, [])
        if local(node) == "adHocSubProcess":
            todo += [c.get("id") for c in graph.children(node)]
        elif local(node) in SUBPROCESS_KINDS:
            todo += [c.get("id") for c in graph.children(node) if local(c) == "startEvent"]
    return seen
