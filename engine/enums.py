"""Named states of the engine's records."""

from enum import StrEnum


class InstanceStatus(StrEnum):
    """Where a process instance stands."""

    RUNNING = "running"
    """Waiting for people, timers or messages."""
    COMPLETED = "completed"
    """Reached an end event."""
    CANCELLED = "cancelled"
    """Stopped by a person, with a reason."""


class TaskStatus(StrEnum):
    """A human task's state in the projection."""

    READY = "ready"
    """Waiting for someone to complete it."""
    COMPLETED = "completed"
    """Completed by ``completed_by``."""
    CANCELLED = "cancelled"
    """Withdrawn: a boundary timer interrupted it or the instance was cancelled."""


class EventType(StrEnum):
    """History event names, ``<subject>_<past tense verb>``."""

    VERSION_DEPLOYED = "version_deployed"
    INSTANCE_STARTED = "instance_started"
    INSTANCE_COMPLETED = "instance_completed"
    INSTANCE_CANCELLED = "instance_cancelled"
    INSTANCE_MIGRATED = "instance_migrated"
    """Moved onto another version of its process (data: from/to version ids, reason)."""
    TASK_READY = "task_ready"
    """A human task became ready (data: the assignee and candidates its diagram named, a
    multi-instance task's item)."""
    TASK_CLAIMED = "task_claimed"
    TASK_UNCLAIMED = "task_unclaimed"
    """Handed back by its holder (or for them: data ``on_behalf_of``): back to its lane or
    candidates."""
    TASK_ASSIGNED = "task_assigned"
    """Reassigned to a named person (data: from, to, reason, ``on_behalf_of``)."""
    TASK_COMPLETED = "task_completed"
    """Data: the values the task added or changed; ``on_behalf_of`` when someone completed
    it for its holder (a supervisor in scope, a stand-in)."""
    TASK_CANCELLED = "task_cancelled"
    TIMER_FIRED = "timer_fired"
    TIMER_PARKED = "timer_parked"
    """A timer failed its last attempt and waits as 故障 (data: timer, element, attempts, error)."""
    TIMER_RETRIED = "timer_retried"
    """An admin released a parked timer for another try (data: timer, element, error, reason)."""
    DEADLINES_RETIMED = "deadlines_retimed"
    """Waiting timers re-armed after their deadlines were counted again (data: reason,
    each timer's old and new due, the data variables that changed)."""
    MESSAGE_RECEIVED = "message_received"
    VARIABLES_SET = "variables_set"
    """Variables of a running instance set from outside its steps (data: values, old, reason)."""
    USER_CHANGED = "user_changed"
