"""Lint rules over a diagram set, beyond what the parser and the sandbox check.

Structure (read from the XML, element ids as in the file): sequence flows that point
nowhere, elements without a way in, gateways and intermediate events without a way out,
elements no start event leads to, timers without an expression. An activity, start or
boundary event without a way out is an implicit end (BPMN allows it): a warning, as is a
compensation handler no compensation event points at. Human tasks (read from the parsed
specs, as the engine runs them): each in a lane, a known one when the engine was given
``lane_names``; a user task without a form is a warning (its assignee can only submit), and
so is an assignee or candidates on an element that is not a human task. Every message names
the element by kind, name and id; all other rules are errors.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Iterator, Mapping
from pathlib import Path

from lxml import etree

from . import assignment
from .errors import Problem
from .file_checks import is_executable
from .forms import FORM_PROPERTY, form_key_of
from .lint_graph import (
    ACTIVITY_KINDS,
    FlowGraph,
    bpmn,
    build_graph,
    describe,
    has_event,
    is_event_subprocess,
    local,
    reachable,
)
from .specs import ParsedProcess

TIMER_EXPRESSIONS = ("timeDate", "timeDuration", "timeCycle")


def _executable_processes(root: etree._Element) -> Iterator[etree._Element]:
    for process in root.iter(bpmn("process")):
        if is_executable(process):
            yield process


def _dangling_flows(graph: FlowGraph) -> Iterator[tuple[str, str]]:
    for flow in graph.flows:
        flow_id = flow.get("id")
        for attr, end in (("sourceRef", "起点"), ("targetRef", "终点")):
            ref = flow.get(attr)
            if not ref:
                yield flow_id, f"顺序流 {flow_id} 没有{end}（悬空的连线）"
            elif ref not in graph.nodes:
                yield flow_id, f"顺序流 {flow_id} 的{end} {ref} 不存在（悬空的连线）"
        source, target = (
            graph.nodes.get(flow.get("sourceRef")),
            graph.nodes.get(flow.get("targetRef")),
        )
        if (
            source is not None
            and target is not None
            and source.getparent() is not target.getparent()
        ):
            yield (
                flow_id,
                f"顺序流 {flow_id} 跨越了子流程边界（{describe(source)} → {describe(target)}）",
            )


def _dangling_refs(graph: FlowGraph) -> Iterator[tuple[str, str]]:
    """Boundary events on no activity; gateway defaults that are not their own exits."""
    flows = {f.get("id"): f for f in graph.flows}
    for node_id, node in graph.nodes.items():
        host = node.get("attachedToRef")
        if local(node) == "boundaryEvent" and host not in graph.nodes:
            yield node_id, f"{describe(node)} 附着的活动 {host or '（未指定）'} 不存在"
        default = node.get("default")
        if default and (default not in flows or flows[default].get("sourceRef") != node_id):
            yield node_id, f"{describe(node)} 的默认顺序流 {default} 不是它的出口"


def _needs_incoming(node: etree._Element) -> bool:
    kind = local(node)
    if kind in ("startEvent", "boundaryEvent") or is_event_subprocess(node):
        return False
    if node.get("isForCompensation") == "true" or local(node.getparent()) == "adHocSubProcess":
        return False
    return not (kind == "intermediateCatchEvent" and has_event(node, "linkEventDefinition"))


def _ends_quietly(node: etree._Element) -> bool:
    """Elements BPMN lets end a path with no flow out and nothing worth a warning."""
    kind = local(node)
    if kind == "endEvent" or is_event_subprocess(node):
        return True
    if node.get("isForCompensation") == "true" or local(node.getparent()) == "adHocSubProcess":
        return True
    if kind == "boundaryEvent" and has_event(node, "compensateEventDefinition"):
        return True
    if kind == "boundaryEvent" and node.get("cancelActivity") != "false":
        return has_event(node, "signalEventDefinition")  # cancels the activity, no more
    return kind == "intermediateThrowEvent" and has_event(node, "linkEventDefinition")


def _implicit_end(node: etree._Element) -> bool:
    """Activities, start and boundary events may end a path (an implicit end)."""
    return local(node) in ACTIVITY_KINDS or local(node) in ("startEvent", "boundaryEvent")


def _disconnected(graph: FlowGraph) -> Iterator[tuple[str, str]]:
    reached = reachable(graph)
    for node_id, node in graph.nodes.items():
        if _needs_incoming(node) and not graph.incoming.get(node_id):
            yield node_id, f"{describe(node)} 没有进入它的顺序流，永远不会执行"
            continue
        if not (_ends_quietly(node) or _implicit_end(node) or graph.outgoing.get(node_id)):
            yield node_id, f"{describe(node)} 没有离开它的顺序流（网关和中间事件必须有出口）"
        parent = node.getparent()
        if node.get("attachedToRef") and node.get("attachedToRef") not in graph.nodes:
            continue  # named by _dangling_refs
        if node.get("isForCompensation") == "true":
            continue  # reached through its compensation event: _stray_handlers
        if node_id not in reached and (parent is graph.process or parent.get("id") in reached):
            yield node_id, f"{describe(node)} 从开始事件无法到达"


def _implicit_ends(graph: FlowGraph) -> Iterator[tuple[str, str]]:
    """Warnings: a path that ends at an activity or event other than an end event."""
    for node_id, node in graph.nodes.items():
        if _ends_quietly(node) or not _implicit_end(node) or graph.outgoing.get(node_id):
            continue
        yield (
            node_id,
            f"{describe(node)} 没有离开它的顺序流：流程走到这里就结束（隐式结束）；"
            "如需继续，请连一条顺序流，或在其后加一个结束事件让图更清楚",
        )


def _stray_handlers(graph: FlowGraph) -> Iterator[tuple[str, str]]:
    """Warnings: a compensation handler no compensation boundary event points at."""
    handlers = {t for targets in graph.compensations.values() for t in targets}
    for node_id, node in graph.nodes.items():
        if node.get("isForCompensation") == "true" and node_id not in handlers:
            yield (
                node_id,
                f"{describe(node)} 是补偿处理活动，但没有补偿边界事件用关联线指向它，不会被执行",
            )


def _timers(graph: FlowGraph) -> Iterator[tuple[str, str]]:
    for node_id, node in graph.nodes.items():
        definition = node.find(bpmn("timerEventDefinition"))
        if definition is None:
            continue
        found = [definition.find(bpmn(n)) for n in TIMER_EXPRESSIONS]
        texts = [(e.text or "").strip() for e in found if e is not None]
        if not any(texts):
            yield node_id, f"{describe(node)} 的定时器没有设置时间表达式"
        elif len(texts) > 1:
            yield node_id, f"{describe(node)} 的定时器同时设置了多种时间表达式，只能有一种"


ERROR_RULES = (_dangling_flows, _dangling_refs, _disconnected, _timers)
WARNING_RULES = (_implicit_ends, _stray_handlers)


def lint_xml(roots: Mapping[str, etree._Element]) -> list[Problem]:
    """Structural problems of every executable process in the BPMN files ``roots``."""
    problems = []
    for file, root in roots.items():
        for process in _executable_processes(root):
            graph = build_graph(process)
            for rule in ERROR_RULES:
                problems += [Problem(file, element, message) for element, message in rule(graph)]
            for rule in WARNING_RULES:
                problems += [Problem(file, e, m, "warning") for e, m in rule(graph)]
    return problems


def _human_task_problems(spec, lane_names: Container[str] | None) -> Iterator[str]:
    kind = "用户任务" if type(spec).__name__ == "UserTask" else "人工任务"
    label = f"{kind}「{spec.bpmn_name or spec.bpmn_id}」({spec.bpmn_id})"
    if not spec.lane:
        yield f"{label} 不在任何泳道中，没有角色能在待办中看到它"
    elif lane_names is not None and spec.lane not in lane_names:
        yield f"{label} 所在泳道「{spec.lane}」不是已知的角色"


def _form_warning(spec) -> str | None:
    if type(spec).__name__ != "UserTask" or form_key_of(getattr(spec, "extensions", {}) or {}):
        return None
    return (
        f"用户任务「{spec.bpmn_name or spec.bpmn_id}」({spec.bpmn_id}) 没有指定表单"
        f"（spiffworkflow:property {FORM_PROPERTY}），办理人只能直接提交"
    )


def _people_warning(spec) -> str | None:
    """Assignee or candidates on an element nobody does by hand: they would be ignored."""
    named = assignment.spec_expressions(spec)
    if getattr(spec, "manual", False) or not named:
        return None
    words = "、".join(assignment.PROPERTY_LABELS[name] for name in named)
    return f"「{spec.bpmn_name or spec.bpmn_id}」({spec.bpmn_id}) 不是人工任务，{words}不起作用"


def _spec_problems(file: str, spec, lane_names: Container[str] | None) -> list[Problem]:
    if not getattr(spec, "bpmn_id", None):
        return []
    if not getattr(spec, "manual", False):
        warning = _people_warning(spec)
        return [] if warning is None else [Problem(file, spec.bpmn_id, warning, "warning")]
    problems = [Problem(file, spec.bpmn_id, m) for m in _human_task_problems(spec, lane_names)]
    if (warning := _form_warning(spec)) is not None:
        problems.append(Problem(file, spec.bpmn_id, warning, "warning"))
    return problems


def lint_specs(parsed: Iterable[ParsedProcess], lane_names: Container[str] | None) -> list[Problem]:
    """Human-task problems of the parsed processes (lanes as the engine assigns them)."""
    problems = []
    for process in parsed:
        for process_spec in process.all_specs():
            file = Path(process_spec.file or "?").name
            for spec in process_spec.task_specs.values():
                problems += _spec_problems(file, spec, lane_names)
    return problems
