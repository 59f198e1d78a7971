"""Drafts: a deployed version's files with some files replaced or added, as a set to check.

The browser edits one file at a time; the engine validates and deploys whole sets. A draft
set is the base version's files (the latest unless named) with the edited files swapped in.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import PurePosixPath
from typing import Any

from engine import DeployResult, Engine, Problem, SourceFile, diagram_kind

KINDS_BY_SUFFIX = {".bpmn": "bpmn", ".dmn": "dmn", ".json": "form"}
"""A file's kind from its name: forms are JSON Schemas named by their path under forms/,
e.g. ``whistle/dispatch.schema.json``."""


def kind_of(name: str) -> str | None:
    """``bpmn``, ``dmn`` or ``form`` for a file name, or None when no file of a set is so named."""
    return diagram_kind(name) or KINDS_BY_SUFFIX.get(PurePosixPath(name).suffix.lower())


def files_with(
    engine: Engine,
    replaced: Mapping[str, bytes],
    *,
    base_version_id: int | None = None,
) -> list[SourceFile]:
    """The base version's files (default: the latest) with ``replaced`` swapped in or added.

    Raises ``ValueError`` for a name whose kind cannot be told from its suffix.
    """
    base_id = base_version_id if base_version_id is not None else engine.latest_version_id()
    files = {f.name: f for f in engine.version_files(base_id)} if base_id is not None else {}
    for name, content in replaced.items():
        kind = kind_of(name)
        if kind is None:
            raise ValueError(
                f"文件 {name} 的类型无法识别：应为 .bpmn、.bpmn20.xml、.dmn 或表单 .json"
            )
        files[name] = SourceFile(name, kind, content)
    return [files[name] for name in sorted(files)]


def validate_files(
    engine: Engine,
    replaced: Mapping[str, bytes],
    *,
    base_version_id: int | None = None,
    lane_map: Mapping[str, str] | None = None,
) -> list[Problem]:
    """Every problem of the draft set (errors and warnings); never raises for bad content."""
    files = files_with(engine, replaced, base_version_id=base_version_id)
    return engine.validate_set(files, lane_map=lane_map)


def lanes_to_map(
    engine: Engine,
    replaced: Mapping[str, bytes],
    *,
    lane_roles: list[str],
    lane_map: Mapping[str, str] | None = None,
) -> dict[str, Any] | None:
    """What the modeler's 泳道映射 dialog offers for the draft set: its lanes that are not
    roles and whether some human task is in no lane, the map in force and the roles; None
    when every lane is a role and every human task in one."""
    analysis = engine.analyse_set(files_with(engine, replaced), lane_map=lane_map)
    if analysis.lanes is None:
        return None
    unknown = [lane for lane in analysis.lanes.lanes if lane not in lane_roles]
    if not unknown and not analysis.lanes.outside:
        return None
    return {
        "unknown": unknown,
        "outside": analysis.lanes.outside,
        "map": analysis.lane_map,
        "roles": lane_roles,
    }


def deploy_files(
    engine: Engine,
    replaced: Mapping[str, bytes],
    *,
    actor: str,
    note: str,
    base_version_id: int | None = None,
    lane_map: Mapping[str, str] | None = None,
) -> DeployResult:
    """Deploy the draft set as a new version; raises ``DeployRejected`` and stores nothing."""
    files = files_with(engine, replaced, base_version_id=base_version_id)
    return engine.deploy_set(files, actor=actor, note=note, lane_map=lane_map)
