"""BPMN semantics SpiffWorkflow 3.2 lacks, rewritten at deploy into elements it runs.

Applied to the tree handed to the parser (deploy and trial alike); the stored file, the one
the designer sees, stays as given. Every rewrite is a Chinese warning naming the file and
the element, saying which document gives the meaning adopted:

* **implicit split** (BPMN 2.0 §10.5.1, §13.2.1): an activity or intermediate/boundary
  event with several outgoing sequence flows passes a token on every flow without a
  condition and on every conditioned flow whose condition is true (the default flow when
  none is): a parallel gateway ``<id>__split`` is inserted after it, an inclusive one when
  a flow has a condition (``normalise_flows``);
* **no start event** (BPMN 2.0 §10.5.2: "if there is no Start Event, all Flow Nodes
  without an incoming Sequence Flow are instantiated"): a process or embedded sub-process
  without one gets a none start event ``<id>__start`` leading to each such node (through a
  parallel gateway when there are several); an empty sub-process gets a start and an end
  event, so it completes at once. Event sub-processes (their start events carry the
  trigger) and ad-hoc sub-processes (no start event allowed) are left alone; several start
  events in a sub-process stay a rejection (the standard does not settle which run);
* **no end event** in a sub-process (BPMN 2.0 §10.5.3: paths end where they have no way
  out, implicit ends): an end event ``<id>__end`` joins every such node, as SpiffWorkflow
  wants one there;
* **an empty pool**: a process with no element at all and no ``isExecutable`` (a
  collaboration's black-box participant) is read as not executable;
* **exclusive-gateway flow without condition** that is not the default, in a diagram made
  elsewhere (Camunda 7: such a flow is "conceptually having a true condition" and the
  first true one in document order is taken): it becomes the gateway's default, the flows
  after it can never be taken (``normalise_flows``). In our own diagrams (spiffworkflow
  extensions and no other engine's) it stays an error: there it is a forgotten condition.
  An inclusive gateway's flow without condition there always gets a token (BPMN 2.0
  §8.3.13: a condition is an optional gate), ``inclusive_always``.

XML comments are dropped first, silently: they mean nothing in BPMN, and SpiffWorkflow 3.2's
script-task parser reads every child's tag as text, so a comment inside a script task (as in
its own ``data_store_read.bpmn``) failed the parse.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from lxml import etree

from .errors import Problem
from .file_checks import is_executable
from .foreign.namespaces import is_ours
from .lint_graph import KIND_NAMES, bpmn, describe, has_event, is_event_subprocess, local
from .normalise_flows import exclusive_defaults, implicit_splits, inclusive_always
from .normalise_tree import Ids, flow, insert_flow_elements, label, node

SECTION_START = "BPMN 2.0 §10.5.2"
SECTION_END = "BPMN 2.0 §10.5.3"


def normalise_tree(root: etree._Element, file: str) -> list[Problem]:
    """Rewrite ``root`` in place; a warning per rewrite, naming ``file`` and the element."""
    etree.strip_tags(root, etree.Comment)
    ids = Ids(root)
    found: list[tuple[str | None, str]] = []
    processes = list(root.iter(bpmn("process")))
    boxes = [p for p in processes if _black_box(p)]
    if any(is_executable(p) and p not in boxes for p in processes):  # else told as it is
        for process in boxes:
            process.set("isExecutable", "false")
            found.append((process.get("id"), _black_box_message(process)))
    for process in processes:
        if not is_executable(process):
            continue
        for container in _containers(process):
            found += _add_start(container, ids) + _add_end(container, ids)
        found += implicit_splits(process, ids)
        if not is_ours(root):
            found += exclusive_defaults(process) + inclusive_always(process)
    return [Problem(file, element, message, "warning") for element, message in found]


def _containers(process: etree._Element) -> Iterator[etree._Element]:
    """The process and its embedded sub-processes that start from a none start event."""
    yield process
    for element in process.iter(bpmn("subProcess"), bpmn("transaction")):
        if not is_event_subprocess(element):
            yield element


def _flow_nodes(container: etree._Element) -> list[etree._Element]:
    return [c for c in container if local(c) in KIND_NAMES and c.get("id")]


def _black_box(process: etree._Element) -> bool:
    """A pool drawn without content whose process says nothing of being executable (beside
    a process with content, it is a collaboration's black-box participant)."""
    if process.get("isExecutable") is not None:
        return False
    return not any(local(e) in KIND_NAMES for e in process.iter())


def _black_box_message(process: etree._Element) -> str:
    return (
        f"{label(process)} 里没有任何元素（协作图中只画了泳池的参与者），也没有标记为可执行："
        "不作为流程部署"
    )


def _can_start(element: etree._Element) -> bool:
    """A node without incoming flow that the container's start instantiates (§10.5.2)."""
    kind = local(element)
    if kind in ("boundaryEvent", "startEvent") or is_event_subprocess(element):
        return False
    if element.get("isForCompensation") == "true":
        return False
    return not (kind == "intermediateCatchEvent" and has_event(element, "linkEventDefinition"))


def _entries(container: etree._Element, nodes: list[etree._Element]) -> list[etree._Element]:
    targets = {f.get("targetRef") for f in container if local(f) == "sequenceFlow"}
    return [n for n in nodes if n.get("id") not in targets and _can_start(n)]


def _add_start(container: etree._Element, ids: Ids) -> list[tuple[str | None, str]]:
    nodes = _flow_nodes(container)
    if any(local(n) == "startEvent" for n in nodes):
        return []
    entries = _entries(container, nodes)
    own_id = container.get("id")
    if not entries:
        if nodes or local(container) == "process":
            return []  # every node is on a cycle, or an empty process: still rejected
        return [(own_id, _empty_subprocess(container, ids))]
    start = node("startEvent", ids.new(f"{own_id}__start"))
    added = [start]
    if len(entries) == 1:
        added.append(flow(ids, start, entries[0]))
    else:
        fork = node("parallelGateway", ids.new(f"{own_id}__start_split"))
        added += [fork, flow(ids, start, fork), *(flow(ids, fork, e) for e in entries)]
    insert_flow_elements(container, added)
    return [(own_id, _start_message(container, entries, start.get("id")))]


def _add_end(container: etree._Element, ids: Ids) -> list[tuple[str | None, str]]:
    """A sub-process without end event ends where its paths end (implicit ends, BPMN 2.0
    §10.5.3); SpiffWorkflow wants an end event there: one joins every path's last node."""
    nodes = _flow_nodes(container)
    if local(container) == "process" or any(local(n) == "endEvent" for n in nodes):
        return []
    sources = {f.get("sourceRef") for f in container if local(f) == "sequenceFlow"}
    leaves = [n for n in nodes if n.get("id") not in sources and _can_end(n)]
    if not leaves:
        return []
    end = node("endEvent", ids.new(f"{container.get('id')}__end"))
    insert_flow_elements(container, [end, *(flow(ids, leaf, end) for leaf in leaves)])
    names = "、".join(describe(n) for n in leaves)
    return [
        (
            container.get("id"),
            f"{label(container)} 没有结束事件：按 {SECTION_END}，路径走到没有出口的元素就结束"
            f"（{names}），所有路径结束时子流程完成；已在执行副本中加入结束事件 "
            f"{end.get('id')}",
        )
    ]


def _can_end(element: etree._Element) -> bool:
    kind = local(element)
    if is_event_subprocess(element) or element.get("isForCompensation") == "true":
        return False
    if kind == "boundaryEvent" and has_event(element, "compensateEventDefinition"):
        return False
    return not (kind == "intermediateThrowEvent" and has_event(element, "linkEventDefinition"))


def _empty_subprocess(container: etree._Element, ids: Ids) -> str:
    own_id = container.get("id")
    start = node("startEvent", ids.new(f"{own_id}__start"))
    end = node("endEvent", ids.new(f"{own_id}__end"))
    insert_flow_elements(container, [start, end, flow(ids, start, end)])
    return (
        f"{label(container)} 是空的（里面没有任何元素）：按 {SECTION_START}，"
        "没有开始事件时从没有进入顺序流的元素开始，空子流程因此一开始就完成；"
        "已在执行副本中加入开始和结束事件。如果它应当做事，请在子流程里画出内容"
    )


def _start_message(container: etree._Element, entries: Iterable[etree._Element], new: str) -> str:
    names = "、".join(describe(e) for e in entries)
    return (
        f"{label(container)} 没有开始事件：按 {SECTION_START}，它开始时所有没有进入顺序流的"
        f"元素一起开始（{names}）；已在执行副本中加入开始事件 {new}。"
        "建议在图中画出开始事件，让起点一目了然"
    )
