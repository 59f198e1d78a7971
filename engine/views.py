"""Frozen values the engine hands to the layers above (never SpiffWorkflow objects)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from .enums import InstanceStatus, TaskStatus
from .errors import Problem


@dataclass(frozen=True)
class Actor:
    """Who acts: a user name, the roles (lane names) they hold and the units (codes) they
    belong to; a task naming candidate units is offered to lane holders in one of them."""

    user: str
    roles: frozenset[str] = field(default_factory=frozenset)
    units: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def of(cls, user: str, roles: Iterable[str] = (), units: Iterable[str] = ()) -> Actor:
        return cls(user, frozenset(roles), frozenset(units))


SYSTEM = Actor("system")
SCHEDULER = Actor("system:scheduler")


@dataclass(frozen=True)
class DeployResult:
    version_id: int
    content_hash: str
    created: bool
    process_ids: list[str]
    warnings: tuple[Problem, ...] = ()
    """Problems of severity "warning" found on the way (they never block a deploy)."""


@dataclass(frozen=True)
class TaskView:
    id: str
    instance_id: int
    process_id: str
    spec_id: str
    name: str
    lane: str | None
    candidate_role: str | None
    assignee: str | None
    status: TaskStatus
    form_key: str | None
    created_at: datetime
    due_at: datetime | None
    completed_at: datetime | None
    completed_by: str | None
    candidate_unit: str | None = None
    """The first candidate unit the diagram named (all of them: ``Engine.candidates``)."""
    item: str | None = None
    """A multi-instance task's item as people read it (e.g. the department summoned)."""
    open_to_lane: bool = True
    """Offered to every holder of its lane; ``False``: only to the candidates named."""


@dataclass(frozen=True)
class Candidates:
    """Whom a ready task is offered to besides its assignee, as the diagram named them."""

    users: tuple[str, ...] = ()
    units: tuple[str, ...] = ()


@dataclass(frozen=True)
class InstanceView:
    id: int
    process_id: str
    version_id: int
    status: InstanceStatus
    started_by: str
    started_at: datetime
    ended_at: datetime | None
    end_reason: str | None
    data: dict = field(default_factory=dict)


@dataclass(frozen=True)
class VersionSummary:
    """A deployed version as the library lists it (projection queries only)."""

    id: int
    content_hash: str
    deployed_at: datetime
    deployed_by: str
    note: str
    process_ids: tuple[str, ...]
    running_instances: int
    total_instances: int


@dataclass(frozen=True)
class ElementChange:
    """One element (BPMN element, DMN decision, form field) added, removed or changed.

    ``element_type`` is the XML local name (``userTask``, ``decision``, ``field``…),
    ``type_label`` its Chinese name; ``details`` say what changed, one short line each.
    """

    element_id: str
    element_type: str
    type_label: str
    name: str
    change: str  # added | removed | changed
    details: tuple[str, ...] = ()

    @property
    def summary(self) -> str:
        verb = {"added": "新增", "removed": "删除", "changed": "修改"}[self.change]
        label = f"「{self.name}」" if self.name else ""
        return f"{verb}{self.type_label}{label}({self.element_id})"


@dataclass(frozen=True)
class FileDiff:
    """A file that differs between two versions; ``notes`` hold file-level remarks
    such as "仅布局变化" when no element changed."""

    name: str
    kind: str  # bpmn | dmn | form
    change: str  # added | removed | changed
    elements: tuple[ElementChange, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class VersionDiff:
    old_version_id: int
    new_version_id: int
    files: tuple[FileDiff, ...]
    """Only the files that differ, by name."""
    lane_changes: tuple[str, ...] = ()
    """How the lane → role map changed (``engine.lanes``), in short Chinese."""

    @property
    def identical(self) -> bool:
        return not self.files and not self.lane_changes
