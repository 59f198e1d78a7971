"""Lane → role mapping at deploy, for diagrams whose lanes are not our roles.

A diagram made elsewhere names its lanes after its own people (``Manager``, ``Customer``).
A deploy may map each lane name to one of our roles (``{"Manager": "镇综治中心"}``), and
name a role for human tasks outside any lane under the key ``"*"``. The map is applied to
the parsed specs (a human task's lane becomes its role), so the task projection, the work
lists, the history and trials all see the role; the files stay byte for byte as given.

The map is stored with the version (``ProcessVersion.lane_map``) and is part of its
identity: the same files with another map are another version. A deploy without a map
keeps the current version's entries for lanes the set still has.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Container, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select

from .bundle import SourceFile, content_hash
from .errors import Problem
from .models import ProcessVersion
from .specs import ParsedProcess

if TYPE_CHECKING:
    from .ports import Sessions as Engine

OUTSIDE_LANES = "*"
"""The key whose role human tasks outside any lane get."""
MAP_FILE = "泳道映射"
"""How problems of the map itself name their "file"."""
NAME_MAX = 120


@dataclass(frozen=True)
class LaneUse:
    """The lanes of a set's human tasks, as the diagrams name them."""

    lanes: tuple[str, ...]
    outside: bool
    """Some human task is in no lane."""

    def unknown(self, lane_names: Container[str] | None) -> tuple[str, ...]:
        """Lanes that are not roles (all lanes when any lane is accepted: none)."""
        if lane_names is None:
            return ()
        return tuple(lane for lane in self.lanes if lane not in lane_names)


def parse_option(text: str) -> tuple[str, str]:
    """``"Manager=镇综治中心"`` (CLI ``--lane``) as (lane, role); ``ValueError`` in Chinese."""
    lane, sep, role = text.partition("=")
    lane, role = lane.strip(), role.strip()
    if not sep or not lane or not role:
        raise ValueError(f"泳道映射 {text!r} 应写成 泳道名=角色，如 Manager=镇综治中心")
    return lane, role


def clean(lane_map: Mapping[str, str] | None) -> dict[str, str]:
    """Entries with a lane and a role (blank ones dropped), names trimmed."""
    found = {}
    for lane, role in (lane_map or {}).items():
        if isinstance(lane, str) and isinstance(role, str) and lane.strip() and role.strip():
            found[lane.strip()[:NAME_MAX]] = role.strip()[:NAME_MAX]
    return found


def human_specs(parsed: Iterable[ParsedProcess]):
    for process in parsed:
        for process_spec in process.all_specs():
            for spec in process_spec.task_specs.values():
                if getattr(spec, "bpmn_id", None) and getattr(spec, "manual", False):
                    yield spec


def lane_use(parsed: Iterable[ParsedProcess]) -> LaneUse:
    lanes: dict[str, None] = {}
    outside = False
    for spec in human_specs(parsed):
        if spec.lane:
            lanes[spec.lane] = None
        else:
            outside = True
    return LaneUse(tuple(lanes), outside)


Inherited = Mapping[str, str] | Callable[[], Mapping[str, str]] | None
"""The current version's map, or a function reading it (called only when a lane needs it)."""


def apply(
    parsed: Mapping[str, ParsedProcess],
    given: Mapping[str, str] | None,
    inherited: Inherited,
    lane_names: Container[str] | None,
) -> tuple[dict[str, str], list[Problem]]:
    """Map the lanes of ``parsed`` in place; returns the map in force (entries for lanes
    the set has, given ones over inherited ones) and the problems of the given entries."""
    use = lane_use(parsed.values())
    needs_map = use.outside or bool(
        use.unknown(lane_names) if lane_names is not None else use.lanes
    )
    if callable(inherited):
        inherited = inherited() if needs_map else None
    given, inherited = clean(given), clean(inherited)
    present = set(use.lanes) | ({OUTSIDE_LANES} if use.outside else set())
    problems = []
    for lane, role in given.items():
        if lane not in present:
            what = "不在任何泳道的人工任务" if lane == OUTSIDE_LANES else f"泳道「{lane}」"
            problems.append(
                Problem(MAP_FILE, None, f"{lane}={role}：流程图中没有{what}，此项未用", "warning")
            )
        elif lane_names is not None and role not in lane_names:
            problems.append(Problem(MAP_FILE, None, f"{lane}={role}：「{role}」不是已知的角色"))
    in_force = {k: v for k, v in {**inherited, **given}.items() if k in present}
    for spec in human_specs(parsed.values()):
        key = spec.lane or OUTSIDE_LANES
        if key in in_force:
            spec.lane = in_force[key]
    return in_force, problems


def version_hash(files: Iterable[SourceFile], lane_map: Mapping[str, str]) -> str:
    """The version's identity: its files, and its lane map when it has one (so a version
    without a map keeps the hash its files alone give)."""
    digest = content_hash(files)
    if not lane_map:
        return digest
    text = json.dumps(dict(sorted(lane_map.items())), ensure_ascii=False)
    return hashlib.sha256(f"{digest}\0lanes\0{text}".encode()).hexdigest()


def latest_map(engine: Engine) -> dict[str, str]:
    """The lane map of the latest version (empty without one)."""
    with engine.session_factory() as session:
        found = session.execute(
            select(ProcessVersion.lane_map).order_by(ProcessVersion.id.desc()).limit(1)
        ).scalar()
    return clean(found)


def map_changes(old: Mapping[str, str] | None, new: Mapping[str, str] | None) -> list[str]:
    """The lane map's changes between two versions, in short Chinese (for the diff)."""
    old, new = clean(old), clean(new)
    changes = []
    for lane in sorted(set(old) | set(new)):
        what = "不在泳道中的人工任务" if lane == OUTSIDE_LANES else f"泳道「{lane}」"
        before, after = old.get(lane), new.get(lane)
        if before == after:
            continue
        if before is None:
            changes.append(f"新增映射：{what} → 角色「{after}」")
        elif after is None:
            changes.append(f"取消映射：{what}（原为角色「{before}」）")
        else:
            changes.append(f"{what}的角色：「{before}」→「{after}」")
    return changes


def version_map(engine: Engine, version_id: int) -> dict[str, str]:
    with engine.session_factory() as session:
        found = session.execute(
            select(ProcessVersion.lane_map).where(ProcessVersion.id == version_id)
        ).scalar()
    return clean(found)
