"""Trial runs ("试运行"): a designer steps through a draft diagram set before deploying it.

A trial parses the set exactly as a deploy would (``engine.validation.analyse``) and
refuses one with errors. It keeps everything in its own ``trial_run`` row and never
writes an instance, task, timer, history or domain row: steps run in a read-only step
context, service tasks are recorded and answered by their operators' simulations, and the
trial has its own clock that moves only when the designer fast-forwards to a timer.
"""

from .autorun import AutorunResult, run_to_end
from .isolation import TrialWriteRefused
from .models import TrialRun
from .queries import startable_processes, trial_trail, trial_view, trials_of
from .service import delete_trial, restart_trial, start_trial
from .steps import complete_trial_task, fire_trial_timer, send_trial_message, send_trial_signal
from .views import (
    EntryKind,
    LogEntry,
    StepKind,
    TrialMessage,
    TrialRefused,
    TrialStatus,
    TrialStep,
    TrialSummary,
    TrialTask,
    TrialTimer,
    TrialView,
)

__all__ = [
    "AutorunResult",
    "EntryKind",
    "LogEntry",
    "StepKind",
    "TrialMessage",
    "TrialRefused",
    "TrialRun",
    "TrialStatus",
    "TrialStep",
    "TrialSummary",
    "TrialTask",
    "TrialTimer",
    "TrialView",
    "TrialWriteRefused",
    "complete_trial_task",
    "delete_trial",
    "fire_trial_timer",
    "restart_trial",
    "run_to_end",
    "send_trial_message",
    "send_trial_signal",
    "start_trial",
    "startable_processes",
    "trial_trail",
    "trial_view",
    "trials_of",
]
