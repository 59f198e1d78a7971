"""What a task form shows beside its fields: the diagram author's instructions and the
data the task sees. Loads the instance (the user is about to act on it), never a list."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

from .errors import NotFound
from .instances import reading
from .models import Instance, TaskRecord
from .persist import json_safe

if TYPE_CHECKING:
    from .ports import Stepper as Engine

INSTRUCTIONS = "instructionsForEndUser"
"""The spiffworkflow extension holding the task's instruction template (raw Jinja text)."""


def task_instructions(engine: Engine, task_id: str) -> tuple[str | None, dict[str, Any]]:
    """The task's instruction template (or None) and a JSON-safe copy of its data.

    A task no longer in the workflow (e.g. cancelled and pruned) gives ``(None, {})``.
    """
    with engine.session_factory() as session:
        record = session.get(TaskRecord, task_id)
        if record is None:
            raise NotFound(f"任务 {task_id} 不存在")
        row = session.get(Instance, record.instance_id)
        with reading(engine, session, row) as workflow:
            task = workflow.get_task_from_id(UUID(task_id))
            if task is None:
                return None, {}
            template = (getattr(task.task_spec, "extensions", None) or {}).get(INSTRUCTIONS)
            return (template or None), json_safe(dict(task.data))
