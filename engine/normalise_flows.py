"""Sequence-flow rewrites of ``engine.normalise``: implicit splits after activities and
events (BPMN 2.0 §10.5.1, §13.2.1) and exclusive-gateway flows without a condition in
diagrams made elsewhere (Camunda 7's reading)."""

from __future__ import annotations

from lxml import etree

from .lint_graph import ACTIVITY_KINDS, KIND_NAMES, bpmn, describe, local
from .normalise_tree import Ids, flow, insert_after, label, node, set_condition

SPLIT_KINDS = ACTIVITY_KINDS | {
    "startEvent",
    "intermediateCatchEvent",
    "intermediateThrowEvent",
    "boundaryEvent",
}
"""Flow nodes that are not gateways: several flows out of one is an implicit split."""
SECTION_SPLIT = "BPMN 2.0 §10.5.1、§13.2.1"
CAMUNDA_XOR = "Camunda 7 的约定"
SECTION_OPEN = "BPMN 2.0 §8.3.13"
Found = list[tuple[str | None, str]]


def _outgoing(process: etree._Element) -> dict[str, list[etree._Element]]:
    """Sequence flows by source id, in document order (a dangling one is lint's to name)."""
    found: dict[str, list[etree._Element]] = {}
    ids = {e.get("id") for e in process.iter() if local(e) in KIND_NAMES}
    for sequence_flow in process.iter(bpmn("sequenceFlow")):
        if sequence_flow.get("targetRef") not in ids:
            continue
        found.setdefault(sequence_flow.get("sourceRef") or "", []).append(sequence_flow)
    return found


def has_condition(sequence_flow: etree._Element) -> bool:
    expression = sequence_flow.find(bpmn("conditionExpression"))
    return expression is not None and bool((expression.text or "").strip())


def implicit_splits(process: etree._Element, ids: Ids) -> Found:
    """Insert a gateway after every non-gateway node with several outgoing flows."""
    outgoing = _outgoing(process)
    found: Found = []
    for element in list(process.iter()):
        flows = outgoing.get(element.get("id") or "", [])
        if local(element) not in SPLIT_KINDS or len(flows) < 2:
            continue
        if local(element) == "startEvent" and not any(has_condition(f) for f in flows):
            continue  # SpiffWorkflow already starts every flow of a start event
        found.append((element.get("id"), _split(element, flows, ids)))
    return found


def _split(element: etree._Element, flows: list[etree._Element], ids: Ids) -> str:
    default_id = element.attrib.pop("default", None)
    conditioned = [f for f in flows if has_condition(f) and f.get("id") != default_id]
    default = [f for f in flows if f.get("id") == default_id and conditioned]
    plain = [f for f in flows if f not in conditioned and f not in default]
    own = element.get("id")
    added: list[etree._Element] = []
    fork = choice = None
    if plain:
        fork = node("parallelGateway", ids.new(f"{own}__split"))
        added += [fork, flow(ids, element, fork)]
        _move(plain, fork)
    if conditioned:
        choice = node("inclusiveGateway", ids.new(f"{own}__choice"))
        added += [choice, flow(ids, fork if fork is not None else element, choice)]
        added += _default_of(choice, default, ids)
        _move(conditioned, choice)
    insert_after(element, added)
    return _split_message(element, fork, choice, default)


def _move(flows: list[etree._Element], source: etree._Element) -> None:
    for sequence_flow in flows:
        sequence_flow.set("sourceRef", source.get("id"))


def _default_of(choice: etree._Element, default: list[etree._Element], ids: Ids) -> list:
    """The inclusive gateway's default: the node's own, else a none end event (when no
    condition is true the node passes no token on that side, BPMN 2.0 §13.2.1)."""
    if default:
        _move(default, choice)
        choice.set("default", default[0].get("id"))
        return []
    end = node("endEvent", ids.new(f"{choice.get('id')}__none_true"))
    to_end = flow(ids, choice, end)
    choice.set("default", to_end.get("id"))
    return [end, to_end]


def _split_message(element, fork, choice, default) -> str:
    parts = []
    if fork is not None:
        parts.append(f"没有条件的顺序流同时都走（已在执行副本中插入并行网关 {fork.get('id')}）")
    if choice is not None:
        rest = "其默认流" if default else "这一侧不再继续"
        parts.append(
            f"有条件的顺序流在条件为真时走、都不为真时{rest}（已插入包容网关 {choice.get('id')}）"
        )
    return (
        f"{describe(element)} 有多条离开它的顺序流：按 {SECTION_SPLIT} 这是隐式分叉，"
        + "；".join(parts)
        + "。建议在图中画出网关，让分叉一目了然"
    )


def exclusive_defaults(process: etree._Element) -> Found:
    """Camunda 7 reads an exclusive gateway's flow without a condition as "conceptually a
    true condition", evaluated in document order: the first such flow is taken when no
    conditioned flow before it is true (it becomes the default) and the flows after it
    (and a default it overrides) are never taken (their condition becomes ``False``)."""
    outgoing = _outgoing(process)
    found: Found = []
    for gateway in process.iter(bpmn("exclusiveGateway")):
        flows = outgoing.get(gateway.get("id") or "", [])
        default_id = gateway.get("default")
        candidates = [f for f in flows if f.get("id") != default_id]
        winner = next((f for f in candidates if not has_condition(f)), None)
        if winner is None or len(flows) < 2:
            continue
        dead = candidates[candidates.index(winner) + 1 :]
        dead += [f for f in flows if f.get("id") == default_id]
        gateway.set("default", winner.get("id"))
        for sequence_flow in dead:
            set_condition(sequence_flow, "False")
        found.append((winner.get("id"), _exclusive_message(gateway, winner, dead)))
    return found


def _exclusive_message(gateway, winner, dead) -> str:
    never = "、".join(label(f) for f in dead)
    tail = f"；排在它后面的 {never} 因此永远不会被选中" if dead else ""
    return (
        f"{describe(gateway)} 的{label(winner)} 既没有条件，也不是默认流：按 {CAMUNDA_XOR}，"
        "没有条件的顺序流视为条件恒真，按文件中的先后取第一条为真的顺序流，"
        f"所以它在前面有条件的顺序流都不为真时被选中（当作默认流）{tail}。"
        "如果这不是本意，请给它写条件表达式"
    )


def inclusive_always(process: etree._Element) -> Found:
    """BPMN 2.0 §8.3.13: a sequence flow's condition is an optional gate, so an inclusive
    gateway's flow without one (and not the default) always gets a token (``True``)."""
    outgoing = _outgoing(process)
    found: Found = []
    for gateway in process.iter(bpmn("inclusiveGateway")):
        flows = outgoing.get(gateway.get("id") or "", [])
        open_flows = [
            f for f in flows if f.get("id") != gateway.get("default") and not has_condition(f)
        ]
        if len(flows) < 2 or not open_flows:
            continue
        for sequence_flow in open_flows:
            set_condition(sequence_flow, "True")
        names = "、".join(label(f) for f in open_flows)
        found.append(
            (
                gateway.get("id"),
                f"{describe(gateway)} 的{names} 没有条件也不是默认流：按 {SECTION_OPEN}，"
                "没有条件的顺序流不设门槛，网关每次都走它（视为条件恒真）。"
                "如果这不是本意，请给它写条件表达式",
            )
        )
    return found
