"""What a trial shows the layers above: frozen values, never SpiffWorkflow objects."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from ..errors import EngineError, Problem


class TrialStatus(StrEnum):
    """Where a trial stands."""

    RUNNING = "running"
    """Waiting for a task, a timer or a message."""
    COMPLETED = "completed"
    """The tried process reached its end."""
    FAILED = "failed"
    """The start failed (the log says where): restart it, e.g. with other start data."""


class StepKind(StrEnum):
    """What a designer did to move a trial (one log entry each)."""

    STARTED = "started"
    TASK = "task"
    """Completed a user task with form data."""
    TIMER = "timer"
    """Fast-forwarded the trial's clock to a timer's due time."""
    MESSAGE = "message"
    """Delivered a message the process was waiting for."""
    SIGNAL = "signal"
    """Broadcast a signal the process was waiting for (BPMN 2.0 §10.5.1: a signal reaches
    every catcher of its name)."""


class EntryKind(StrEnum):
    """What the engine did within a step, in the order it happened."""

    TASK_READY = "task_ready"
    TASK_COMPLETED = "task_completed"
    TASK_CANCELLED = "task_cancelled"
    SERVICE_SIMULATED = "service_simulated"
    """A service task's operator was not run: its call is recorded with the evaluated
    parameters, and the operator's simulation (or None) answered."""
    GATEWAY_TAKEN = "gateway_taken"
    TIMER_ARMED = "timer_armed"
    TIMER_FIRED = "timer_fired"
    TIMER_CANCELLED = "timer_cancelled"
    SUBPROCESS_ENTERED = "subprocess_entered"
    ELEMENT_COMPLETED = "element_completed"
    """Any other element (script, decision table, event) that completed."""
    PROCESS_COMPLETED = "process_completed"


class TrialRefused(EngineError):
    """The set has errors (``problems``, warnings included) or names no such process;
    nothing was stored."""

    def __init__(self, message: str, problems: list[Problem] | None = None):
        super().__init__(message)
        self.message = message
        self.problems = list(problems or [])


@dataclass(frozen=True)
class LogEntry:
    kind: EntryKind
    element: str | None
    name: str
    element_type: str
    """The element's kind, as SpiffWorkflow names its spec class (``UserTask``, ...)."""
    process: str
    """The name of the process (or embedded subprocess) the element belongs to."""
    details: dict[str, Any] = field(default_factory=dict)
    """By kind: ``data`` (what the element set), ``lane``, ``operator``/``params``/``result``/
    ``simulated``, ``targets``/``flows`` (a gateway's choice), ``due`` (ISO, a timer)."""


@dataclass(frozen=True)
class TrialStep:
    number: int
    kind: StepKind
    at: datetime
    """The trial's clock when the step ran."""
    actor: str
    subject: str
    """The task, timer, message or process acted on, by name."""
    submitted: dict[str, Any]
    entries: tuple[LogEntry, ...]
    data: dict[str, Any]
    """The process data after the step (before it, for a failed attempt)."""
    error: str | None = None
    """Set for a failed attempt: the step was not applied and the trial is as it was."""
    error_element: str | None = None


@dataclass(frozen=True)
class TrialTask:
    """A user task ready in the trial."""

    id: str
    element: str
    name: str
    lane: str | None
    process: str
    form_key: str | None
    schema: dict[str, Any] | None
    instructions: str | None
    """The diagram author's instruction template (raw Jinja text), to render sandboxed."""
    data: dict[str, Any]
    outputs: tuple[str, ...] = ()
    """Variables the task must set and has not: its ``ioSpecification`` data outputs and,
    for one instance of a multi-instance activity, the output item (BPMN 2.0 §10.4.6,
    §13.3.7); SpiffWorkflow fails the step without them."""
    output_names: tuple[str, ...] = ()
    """Per entry of ``outputs``, its ``name`` in the diagram (else its id): what a sample
    value is chosen by (``Bpmn_DataOutput_x`` named ``approver`` is an approver)."""


@dataclass(frozen=True)
class TrialTimer:
    """A timer waiting in the trial."""

    id: str
    element: str
    name: str
    process: str
    due: datetime
    cycle: bool
    attached_to: str | None
    """The activity a boundary timer waits on, by name."""


@dataclass(frozen=True)
class TrialMessage:
    """A message the trial's process waits for."""

    name: str


@dataclass(frozen=True)
class TrialSummary:
    id: int
    process_id: str
    process_name: str
    source: str
    created_by: str
    created_at: datetime
    updated_at: datetime
    status: TrialStatus
    step_count: int


@dataclass(frozen=True)
class TrialView:
    summary: TrialSummary
    base_version_id: int | None
    clock_at: datetime
    start_data: dict[str, Any]
    data: dict[str, Any]
    tasks: tuple[TrialTask, ...]
    timers: tuple[TrialTimer, ...]
    messages: tuple[TrialMessage, ...]
    steps: tuple[TrialStep, ...]
    file_names: tuple[str, ...]
    signals: tuple[str, ...] = ()
    """The signals the process waits for, by name."""
