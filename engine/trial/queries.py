"""Reading trials: a user's list (columns only), one trial's page, its diagram marks."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from .. import trail
from ..models import ProcessDefinition, ProcessVersion
from .isolation import TrialScriptEngine
from .models import TrialRun
from .rows import owned_trial
from .state import diagram_index, form_schema, load_workflow
from .views import (
    EntryKind,
    LogEntry,
    StepKind,
    TrialStatus,
    TrialStep,
    TrialSummary,
    TrialView,
)
from .waiting import (
    current_data,
    ready_tasks,
    waiting_messages,
    waiting_signals,
    waiting_timers,
)

if TYPE_CHECKING:
    from ..ports import Sessions as Engine

SUMMARY_COLUMNS = (
    TrialRun.id,
    TrialRun.process_id,
    TrialRun.process_name,
    TrialRun.source,
    TrialRun.created_by,
    TrialRun.created_at,
    TrialRun.updated_at,
    TrialRun.status,
    TrialRun.step_count,
)


def startable_processes(engine: Engine) -> tuple[int | None, list[tuple[str, str]]]:
    """The latest deployed version and its processes as (id, name), for a "try" menu."""
    with engine.session_factory() as session:
        version_id = session.execute(select(func.max(ProcessVersion.id))).scalar()
        rows = session.execute(
            select(ProcessDefinition.process_id, ProcessDefinition.name)
            .where(ProcessDefinition.version_id == version_id)
            .order_by(ProcessDefinition.process_id)
        )
        return version_id, [(pid, name) for pid, name in rows]


def trials_of(engine: Engine, user: str, *, limit: int = 100) -> list[TrialSummary]:
    """The user's trials, the latest first (never their files, state or log)."""
    with engine.session_factory() as session:
        rows = session.execute(
            select(*SUMMARY_COLUMNS)
            .where(TrialRun.created_by == user)
            .order_by(TrialRun.id.desc())
            .limit(limit)
        )
        return [_summary(row) for row in rows]


def _summary(row: Any) -> TrialSummary:
    return TrialSummary(
        id=row.id,
        process_id=row.process_id,
        process_name=row.process_name,
        source=row.source,
        created_by=row.created_by,
        created_at=row.created_at,
        updated_at=row.updated_at,
        status=TrialStatus(row.status),
        step_count=row.step_count,
    )


def trial_view(engine: Engine, trial_id: int, *, user: str) -> TrialView:
    """The trial as its page shows it: what waits, the data, every step (raises ``NotFound``)."""
    with engine.session_factory() as session:
        row = owned_trial(session, trial_id, user)
        workflow = load_workflow(row, TrialScriptEngine(engine))
        running = row.status == TrialStatus.RUNNING
        return TrialView(
            summary=_summary(row),
            base_version_id=row.base_version_id,
            clock_at=row.clock_at,
            start_data=dict(row.start_data),
            data=current_data(workflow) if row.log else dict(row.start_data),
            tasks=ready_tasks(workflow, lambda key: form_schema(row, key)) if running else (),
            timers=waiting_timers(workflow) if running else (),
            messages=waiting_messages(workflow) if running else (),
            steps=tuple(_step_view(step) for step in row.log),
            file_names=tuple(f["name"] for f in row.files),
            signals=waiting_signals(workflow) if running else (),
        )


def trial_trail(engine: Engine, trial_id: int, *, user: str) -> list[trail.ProcessTrail]:
    """Per process that ran in the trial: its XML from the trial's files and the marks."""
    with engine.session_factory() as session:
        row = owned_trial(session, trial_id, user)
        workflow = load_workflow(row, TrialScriptEngine(engine))
        index = diagram_index(row)
    return trail.workflow_trail(workflow, index)


def _step_view(step: dict[str, Any]) -> TrialStep:
    return TrialStep(
        number=step["number"],
        kind=StepKind(step["kind"]),
        at=datetime.fromisoformat(step["at"]),
        actor=step["actor"],
        subject=step["subject"],
        submitted=step["submitted"],
        entries=tuple(_entry_view(entry) for entry in step["entries"]),
        data=step["data"],
        error=step.get("error"),
        error_element=step.get("error_element"),
    )


def _entry_view(entry: dict[str, Any]) -> LogEntry:
    return LogEntry(
        kind=EntryKind(entry["kind"]),
        element=entry["element"],
        name=entry["name"],
        element_type=entry["type"],
        process=entry["process"],
        details=entry["details"],
    )
