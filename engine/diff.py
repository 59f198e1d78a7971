"""Compare two deployed versions: files added, removed, changed, and inside each changed
BPMN, DMN or form file the elements added, removed and changed, in short Chinese."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .bundle import SourceFile
from .catalog import version_files
from .diff_bpmn import elements_of, layout_of
from .diff_other import FORMAT_ONLY, describe_changes, dmn_changes, form_changes
from .errors import UnsafeXml
from .lanes import map_changes, version_map
from .lint_graph import local
from .views import ElementChange, FileDiff, VersionDiff
from .xmlsafe import parse_xml

if TYPE_CHECKING:
    from .ports import Sessions as Engine

LAYOUT_ONLY = "仅布局变化"


def _bpmn_changes(old: SourceFile, new: SourceFile) -> tuple[list[ElementChange], list[str]]:
    old_root, new_root = parse_xml(old.content, old.name), parse_xml(new.content, new.name)
    before, after = elements_of(old_root), elements_of(new_root)
    changes = []
    for element_id in dict.fromkeys([*before, *after]):
        if element_id not in before or element_id not in after:
            node, aspects, _ = after.get(element_id) or before[element_id]
            change = "added" if element_id in after else "removed"
            changes.append(_element(element_id, node, aspects, change, []))
            continue
        (_, old_aspects, old_body), (node, new_aspects, new_body) = (
            before[element_id],
            after[element_id],
        )
        details = describe_changes(old_aspects, new_aspects)
        if not details and old_body != new_body:
            details = ["其他设置有变化"]
        if details:
            changes.append(_element(element_id, node, new_aspects, "changed", details))
    notes = []
    if not changes:
        notes.append(LAYOUT_ONLY if layout_of(old_root) != layout_of(new_root) else FORMAT_ONLY)
    return changes, notes


def _element(element_id, node, aspects, change, details) -> ElementChange:
    return ElementChange(
        element_id=element_id,
        element_type=local(node),
        type_label=aspects["类型"],
        name=aspects.get("名称", ""),
        change=change,
        details=tuple(details),
    )


_COMPARERS: dict[str, Callable[[SourceFile, SourceFile], tuple[list[ElementChange], list[str]]]] = {
    "bpmn": _bpmn_changes,
    "dmn": dmn_changes,
    "form": form_changes,
}


def diff_files(old: list[SourceFile], new: list[SourceFile]) -> list[FileDiff]:
    before, after = {f.name: f for f in old}, {f.name: f for f in new}
    diffs = []
    for name in sorted(set(before) | set(after)):
        if name not in before or name not in after:
            file = after.get(name) or before[name]
            diffs.append(FileDiff(name, file.kind, "added" if name in after else "removed"))
            continue
        if before[name].content == after[name].content:
            continue
        try:
            elements, notes = _COMPARERS[after[name].kind](before[name], after[name])
        except (UnsafeXml, ValueError):
            elements, notes = [], ["内容已变化（无法逐项比较）"]
        diffs.append(FileDiff(name, after[name].kind, "changed", tuple(elements), tuple(notes)))
    return diffs


def diff_versions(engine: Engine, old_id: int, new_id: int) -> VersionDiff:
    old, new = version_files(engine, old_id), version_files(engine, new_id)
    lanes = map_changes(version_map(engine, old_id), version_map(engine, new_id))
    return VersionDiff(old_id, new_id, tuple(diff_files(old, new)), tuple(lanes))
