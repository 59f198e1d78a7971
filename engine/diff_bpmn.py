"""What a BPMN element is, as a designer would compare it: named aspects read from the XML.

Each element (flow node, sequence flow, lane, process, message, signal…) becomes a
mapping of aspect label → text. Two versions of an element differ where an aspect does;
a difference no named aspect explains is reported as "其他设置". Layout (bpmndi) is not
part of any element.
"""

from __future__ import annotations

from lxml import etree

from .forms import FORM_PROPERTY
from .lint_graph import BPMN_NS, KIND_NAMES, bpmn, local

SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
OTHER_KINDS = {
    "sequenceFlow": "顺序流",
    "lane": "泳道",
    "process": "流程",
    "participant": "参与者",
    "message": "消息",
    "signal": "信号",
    "error": "错误",
    "escalation": "升级",
    "dataObject": "数据对象",
    "dataObjectReference": "数据对象引用",
    "dataStoreReference": "数据存储引用",
    "textAnnotation": "注释",
    "association": "关联",
}
ELEMENT_KINDS = {**KIND_NAMES, **OTHER_KINDS}
TIMER_LABELS = {
    "timeDate": "定时器（时间点）",
    "timeDuration": "定时器（时长）",
    "timeCycle": "定时器（循环）",
}
_NOT_ASPECTS = {"incoming", "outgoing", "flowNodeRef"}  # follow from flows and lanes

_ACTIVITY_DEFAULTS = {"isForCompensation": "false", "startQuantity": "1", "completionQuantity": "1"}
_CATCH_DEFAULTS = {"parallelMultiple": "false"}
DEFAULTS: dict[str, dict[str, str]] = {
    "boundaryEvent": {"cancelActivity": "true", **_CATCH_DEFAULTS},
    "startEvent": {"isInterrupting": "true", **_CATCH_DEFAULTS},
    "intermediateCatchEvent": _CATCH_DEFAULTS,
    "subProcess": {"triggeredByEvent": "false", **_ACTIVITY_DEFAULTS},
    "transaction": {"triggeredByEvent": "false", **_ACTIVITY_DEFAULTS},
    "process": {"isExecutable": "false", "isClosed": "false", "processType": "None"},
    "multiInstanceLoopCharacteristics": {"isSequential": "false", "behavior": "All"},
    "standardLoopCharacteristics": {"testBefore": "false"},
    "eventBasedGateway": {"instantiate": "false", "eventGatewayType": "Exclusive"},
    "exclusiveGateway": {"gatewayDirection": "Unspecified"},
    "inclusiveGateway": {"gatewayDirection": "Unspecified"},
    "parallelGateway": {"gatewayDirection": "Unspecified"},
    "complexGateway": {"gatewayDirection": "Unspecified"},
    "userTask": {"implementation": "##unspecified", **_ACTIVITY_DEFAULTS},
    "serviceTask": {"implementation": "##WebService", **_ACTIVITY_DEFAULTS},
    "businessRuleTask": {"implementation": "##unspecified", **_ACTIVITY_DEFAULTS},
    "sendTask": {"implementation": "##WebService", **_ACTIVITY_DEFAULTS},
    "receiveTask": {"implementation": "##WebService", "instantiate": "false", **_ACTIVITY_DEFAULTS},
    "scriptTask": _ACTIVITY_DEFAULTS,
    "manualTask": _ACTIVITY_DEFAULTS,
    "task": _ACTIVITY_DEFAULTS,
    "callActivity": _ACTIVITY_DEFAULTS,
}
"""Attribute values BPMN 2.0 gives an element that does not state them. A modeler may write
them out or leave them off (bpmn-js drops ``cancelActivity="true"``): either way the
element is the same, so comparisons read these values when an attribute is absent."""


def spiff(name: str) -> str:
    return f"{{{SPIFF_NS}}}{name}"


def _text(element: etree._Element | None) -> str:
    return " ".join((element.text or "").split()) if element is not None else ""


def is_element(node: etree._Element) -> bool:
    return (
        isinstance(node.tag, str)
        and etree.QName(node).namespace == BPMN_NS
        and local(node) in ELEMENT_KINDS
        and bool(node.get("id"))
    )


def attribute(node: etree._Element, name: str) -> str:
    """The attribute's value, or the one BPMN gives when it is not stated (``DEFAULTS``)."""
    value = node.get(name)
    if value is not None:
        return value
    return DEFAULTS.get(local(node), {}).get(name, "")


def _stated(node: etree._Element) -> tuple[tuple[str, str], ...]:
    """The attributes that say something: those equal to BPMN's default are left out."""
    defaults = DEFAULTS.get(local(node), {})
    return tuple(sorted((k, v) for k, v in node.attrib.items() if defaults.get(k) != v))


def _canonical(node: etree._Element) -> tuple:
    """The element's own content (nested elements and derived children left out)."""
    children = tuple(
        _canonical(child)
        for child in node
        if isinstance(child.tag, str) and not is_element(child) and local(child) not in _NOT_ASPECTS
    )
    return (
        node.tag,
        _stated(node),
        " ".join((node.text or "").split()),
        children,
    )


def _extension_aspects(node: etree._Element, aspects: dict[str, str]) -> None:
    ext = node.find(bpmn("extensionElements"))
    if ext is None:
        return
    for prop in ext.iter(spiff("property")):
        label = "表单" if prop.get("name") == FORM_PROPERTY else f"属性 {prop.get('name')}"
        aspects[label] = prop.get("value") or ""
    aspects["办理说明"] = _text(ext.find(spiff("instructionsForEndUser")))
    aspects["前置脚本"] = _text(ext.find(spiff("preScript")))
    aspects["后置脚本"] = _text(ext.find(spiff("postScript")))
    aspects["决策表"] = _text(ext.find(spiff("calledDecisionId")))
    operator = ext.find(spiff("serviceTaskOperator"))
    if operator is not None:
        aspects["服务操作"] = operator.get("id") or ""
        aspects["结果变量"] = operator.get("resultVariable") or ""
        params = [f"{p.get('id')}={p.get('value')}" for p in operator.iter(spiff("parameter"))]
        aspects["服务参数"] = "；".join(params)


def _event_aspects(node: etree._Element, aspects: dict[str, str]) -> None:
    for child in node:
        kind = local(child)
        if kind == "timerEventDefinition":
            for expr in child:
                if local(expr) in TIMER_LABELS:
                    aspects[TIMER_LABELS[local(expr)]] = _text(expr)
        elif kind.endswith("EventDefinition"):
            ref = next((v for k, v in child.attrib.items() if k.endswith("Ref")), "")
            aspects["事件"] = f"{kind.removesuffix('EventDefinition')} {ref}".strip()


def _loop_aspects(node: etree._Element, aspects: dict[str, str]) -> None:
    loop = node.find(bpmn("multiInstanceLoopCharacteristics"))
    if loop is None:
        if node.find(bpmn("standardLoopCharacteristics")) is not None:
            aspects["循环"] = "标准循环"
        return
    aspects["多实例"] = "顺序" if attribute(loop, "isSequential") == "true" else "并行"
    for tag, label in (
        ("loopDataInputRef", "多实例集合"),
        ("loopCardinality", "多实例数量"),
        ("loopDataOutputRef", "多实例输出集合"),
        ("completionCondition", "多实例完成条件"),
    ):
        aspects[label] = _text(loop.find(bpmn(tag)))
    for tag, label in (("inputDataItem", "多实例元素"), ("outputDataItem", "多实例输出元素")):
        item = loop.find(bpmn(tag))
        if item is not None:
            aspects[label] = item.get("name") or item.get("id") or ""


_ATTRIBUTE_ASPECTS = (
    ("sourceRef", "起点"),
    ("targetRef", "终点"),
    ("default", "默认连线"),
    ("calledElement", "调用流程"),
    ("attachedToRef", "附着于"),
    ("cancelActivity", "中断活动"),
    ("isInterrupting", "中断"),
    ("isExecutable", "可执行"),
    ("triggeredByEvent", "事件子流程"),
)


def aspects_of(node: etree._Element, lane: str | None) -> dict[str, str]:
    """Label → text for every aspect the element has (empty ones left out)."""
    aspects = {"类型": ELEMENT_KINDS[local(node)], "名称": node.get("name") or ""}
    aspects["说明"] = _text(node.find(bpmn("documentation")))
    aspects["泳道"] = lane or ""
    aspects["条件"] = _text(node.find(bpmn("conditionExpression")))
    aspects["脚本"] = _text(node.find(bpmn("script")))
    for attr, label in _ATTRIBUTE_ASPECTS:
        aspects[label] = attribute(node, attr)
    _extension_aspects(node, aspects)
    _event_aspects(node, aspects)
    _loop_aspects(node, aspects)
    return {k: v for k, v in aspects.items() if v}


def elements_of(root: etree._Element) -> dict[str, tuple[etree._Element, dict[str, str], tuple]]:
    """Element id → (node, aspects, canonical content) for a BPMN document."""
    lanes = {
        ref.text.strip(): ref.getparent().get("name") or ref.getparent().get("id")
        for ref in root.iter(bpmn("flowNodeRef"))
        if ref.text
    }
    return {
        node.get("id"): (node, aspects_of(node, lanes.get(node.get("id"))), _canonical(node))
        for node in root.iter()
        if is_element(node)
    }


def layout_of(root: etree._Element) -> bytes:
    """The diagram interchange (shapes and edges) only."""
    diagrams = root.findall("{http://www.omg.org/spec/BPMN/20100524/DI}BPMNDiagram")
    return b"".join(etree.tostring(d, method="c14n") for d in diagrams)
