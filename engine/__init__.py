"""The SpiffWorkflow 3.2 wrapper: versions, instances, projections, timers, history.

Knows nothing of 综治 cases. The rest of the application uses ``Engine`` and the
values and errors re-exported here; only this package imports SpiffWorkflow.
"""

from .api import Engine
from .budget import Budget, BudgetExceeded
from .budget_jinja import render_budgeted
from .bundle import SourceFile, diagram_kind
from .clock import Clock, ManualClock, SystemClock
from .context import NoStepInProgress, StepContext, current_step
from .decisions import DecisionFailed
from .enums import EventType, InstanceStatus, TaskStatus
from .errors import (
    ConflictError,
    DeployRejected,
    EngineError,
    FormInvalid,
    MigrationRefused,
    NotFound,
    PermissionDenied,
    Problem,
    StepFailed,
    UnsafeXml,
)
from .operators import OperatorRegistry
from .ranks import UNRANKED, set_received, set_region, set_sort_rank
from .specs import SPIFF_LOGGERS
from .timer_quarantine import TroubledTimer
from .timers import RetryPolicy
from .views import (
    SCHEDULER,
    SYSTEM,
    Actor,
    Candidates,
    DeployResult,
    ElementChange,
    FileDiff,
    InstanceView,
    TaskView,
    VersionDiff,
    VersionSummary,
)

__all__ = [
    "SCHEDULER",
    "SPIFF_LOGGERS",
    "SYSTEM",
    "UNRANKED",
    "Actor",
    "Budget",
    "BudgetExceeded",
    "Candidates",
    "Clock",
    "ConflictError",
    "DecisionFailed",
    "DeployRejected",
    "DeployResult",
    "ElementChange",
    "Engine",
    "EngineError",
    "EventType",
    "FileDiff",
    "FormInvalid",
    "InstanceStatus",
    "InstanceView",
    "ManualClock",
    "MigrationRefused",
    "NoStepInProgress",
    "NotFound",
    "OperatorRegistry",
    "PermissionDenied",
    "Problem",
    "RetryPolicy",
    "SourceFile",
    "StepContext",
    "StepFailed",
    "SystemClock",
    "TaskStatus",
    "TaskView",
    "TroubledTimer",
    "UnsafeXml",
    "VersionDiff",
    "VersionSummary",
    "current_step",
    "diagram_kind",
    "render_budgeted",
    "set_received",
    "set_region",
    "set_sort_rank",
]
