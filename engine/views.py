"""Frozen values the engine hands to the layers above (never SpiffWorkflow objects)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from .enums import InstanceStatus, TaskStatus
from .errors import Problem


@dataclass(frozen=True)
class Actor:
    """Who acts: a user name and the roles (lane names) they hold."""

    user: str
    roles: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def of(cls, user: str, roles: Iterable[str] = ()) -> Actor:
        return cls(user, frozenset(roles))


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
