"""Call activities that call back into their own process, directly or through others.

SpiffWorkflow nests a called process inside its caller; a process that calls itself nests
without end, and starting it never returns (a diagram of SpiffWorkflow's own test suite
does exactly that). Loops are drawn with a gateway that flows back instead.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from lxml import etree

from .errors import Problem
from .lint_graph import bpmn, describe


def _calls(roots: Mapping[str, etree._Element]) -> dict[str, list[tuple[str, etree._Element]]]:
    """Process id → the (file, call activity) pairs inside it."""
    calls: dict[str, list[tuple[str, etree._Element]]] = {}
    for file, root in roots.items():
        for process in root.iter(bpmn("process")):
            found = calls.setdefault(process.get("id") or "", [])
            found += [(file, node) for node in process.iter(bpmn("callActivity"))]
    return calls


def _reaches(calls: Mapping[str, list], start: str, target: str) -> bool:
    seen, todo = set(), [start]
    while todo:
        current = todo.pop()
        if current == target:
            return True
        if current in seen:
            continue
        seen.add(current)
        todo += [node.get("calledElement") or "" for _, node in calls.get(current, [])]
    return False


def recursive_calls(roots: Mapping[str, etree._Element]) -> Iterator[Problem]:
    """Each call activity whose called process leads back to the process it sits in."""
    calls = _calls(roots)
    for process_id, found in calls.items():
        for file, node in found:
            called = node.get("calledElement") or ""
            if called in calls and _reaches(calls, called, process_id):
                how = "调用了它所在的流程自身" if called == process_id else "调用的流程又会调用回来"
                yield Problem(
                    file,
                    node.get("id"),
                    f"{describe(node)} {how}（{called} → … → {process_id}）：递归调用会无限嵌套，"
                    "本引擎不支持；要重复一段步骤，请用网关连回前面的活动",
                )
