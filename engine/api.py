"""The engine's facade: deploy versions, start and advance instances, fire timers.

Each verb is one unit of work: load (locking the instance row), apply, project, record
history, commit. Callers see only ``views`` and ``errors``; SpiffWorkflow stays inside.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Container, Mapping, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import (
    catalog,
    decisions,
    diff,
    handover,
    history,
    instances,
    lanes,
    migrate,
    offers,
    task_detail,
    timer_quarantine,
    timers,
    trail,
    validation,
    variables,
)
from . import deploy as deploying
from . import retime as retiming
from .budget import Budget
from .bundle import SourceFile
from .clock import Clock, SystemClock
from .errors import Problem
from .formcache import FormCache
from .history import PendingEvent
from .models import ProcessVersion
from .operators import OperatorRegistry
from .sandbox import make_script_engine
from .specs import SpecCache
from .timer_quarantine import TroubledTimer
from .timers import RetryPolicy
from .uow import BeforeCommitHook, UnitOfWork
from .views import (
    Actor,
    Candidates,
    DeployResult,
    InstanceView,
    TaskView,
    VersionDiff,
    VersionSummary,
)
from .wfcache import WorkflowCache


class Engine:
    """One per application (and per scheduler process); safe to share across threads."""

    def __init__(
        self,
        session_factory: Callable[[], Session],
        *,
        step_sessions: Callable[[], Session] | None = None,
        clock: Clock | None = None,
        operators: OperatorRegistry | None = None,
        helpers: Mapping[str, Callable[..., Any]] | None = None,
        lane_names: Container[str] | None = None,
        budget: Budget | None = None,
        timer_retry: RetryPolicy | None = None,
    ):
        self.session_factory = session_factory
        # Units of work (every change) may have connections of their own: their prepared
        # statements then outlive the reads' rollbacks (``engine.prepared``).
        self.step_sessions = step_sessions or session_factory
        # The lane names a user task may sit in (the application's login roles); None
        # accepts any lane. Checked when validating a diagram set.
        self.lane_names = lane_names
        self.clock: Clock = clock or SystemClock()
        self.operators = operators or OperatorRegistry()
        # What one evaluation of diagram code may spend (steps, seconds, memory).
        self.budget = budget or Budget()
        # How often a failing timer is tried before it is parked as 故障.
        self.timer_retry = timer_retry or RetryPolicy()
        # One sandboxed script engine, shared: it keeps no per-call state. Operators
        # registered later are still reached, through the registry's ``call``.
        self._script_engine = make_script_engine(
            helpers=dict(helpers or {}), services=self.operators.call, budget=self.budget
        )
        self.specs = SpecCache()
        self.forms = FormCache()
        self.decisions = decisions.DecisionCache()
        self.before_commit: list[BeforeCommitHook] = []
        # Workflows this process stepped, by (instance, row version): not restored again.
        self.workflows = WorkflowCache()

    # -- plumbing ---------------------------------------------------------------------
    def unit_of_work(self) -> UnitOfWork:
        # Values that a step's operators asked to set on their instance are written first.
        return UnitOfWork(
            self.step_sessions,
            self.before_commit,
            self.workflows,
            settle=lambda uow: variables.apply_queued(self, uow.session, uow.record),
        )

    def script_engine(self):
        return self._script_engine

    # -- versions ---------------------------------------------------------------------
    def deploy(
        self,
        paths: Sequence[Path | str],
        *,
        actor: str,
        note: str = "",
        forms_dirs: Sequence[Path | str] = (),
        lane_map: Mapping[str, str] | None = None,
    ) -> DeployResult:
        """Validate and store the diagrams at ``paths`` (files or folders) and the forms
        they reference (found in ``forms_dirs``) as a version; raises ``DeployRejected``.

        The same path as ``deploy_set``: the files are collected, then deployed as a set.
        """
        return deploying.deploy_paths(
            self, paths, actor=actor, note=note, forms_dirs=forms_dirs, lane_map=lane_map
        )

    def validate_set(
        self, files: Sequence[SourceFile], *, lane_map: Mapping[str, str] | None = None
    ) -> list[Problem]:
        """Every problem of an in-memory diagram set (diagrams plus the forms they use):
        the full deploy checks and the lint rules. Never raises for bad content; only
        problems of severity "error" would block a deploy."""
        return self.analyse_set(files, lane_map=lane_map).problems

    def analyse_set(
        self, files: Sequence[SourceFile], *, lane_map: Mapping[str, str] | None = None
    ) -> validation.Analysis:
        """``validate_set`` with what it found besides problems: the lanes of the set's
        human tasks as the diagrams name them (``lanes``) and the lane map in force."""
        return validation.analyse(
            self, files, lane_map=lane_map, inherited_lanes=lambda: lanes.latest_map(self)
        )

    def deploy_set(
        self,
        files: Sequence[SourceFile],
        *,
        actor: str,
        note: str,
        lane_map: Mapping[str, str] | None = None,
    ) -> DeployResult:
        """Validate ``files`` and store them as a version (or find it already deployed);
        raises ``DeployRejected``. Forms no diagram uses are not stored. ``lane_map``
        maps lanes that are not roles to roles (``engine.lanes``)."""
        return deploying.deploy_set(self, files, actor=actor, note=note, lane_map=lane_map)

    def lane_map(self, version_id: int) -> dict[str, str]:
        """The lane → role map stored with ``version_id`` (empty without one)."""
        return lanes.version_map(self, version_id)

    def version_files(self, version_id: int) -> list[SourceFile]:
        """All files of a deployed version, forms included; raises ``NotFound``."""
        return catalog.version_files(self, version_id)

    def versions(self) -> list[VersionSummary]:
        """Every deployed version, newest first: who, when, hash, note, processes, and how
        many instances run on it (projection queries only)."""
        return catalog.versions(self)

    def diff_versions(self, old_id: int, new_id: int) -> VersionDiff:
        """The files and elements added, removed and changed from ``old_id`` to ``new_id``;
        layout-only edits are noted as such, never as element changes."""
        return diff.diff_versions(self, old_id, new_id)

    # -- migration --------------------------------------------------------------------
    def migration_problems(self, instance_id: int, to_version_id: int) -> list[str]:
        """Dry run: why the instance could not move to ``to_version_id`` (empty: it can).

        Refused: an instance not running; a target without its process; a waiting task,
        timer or event missing from the target; a running multi-instance activity; a
        cycle timer that already fired; a step (even a finished one) deleted in the target.
        Raises ``NotFound`` for an unknown instance or version.
        """
        return migrate.migration_problems(self, instance_id, to_version_id)

    def migrate(self, instance_id: int, *, to_version_id: int, actor: Actor, reason: str) -> None:
        """Move a running instance onto ``to_version_id`` in one unit of work: state, task
        projection (ids kept), timers (running ones keep their due time), and an
        ``instance_migrated`` history event. Raises ``MigrationRefused`` (a
        ``ConflictError``) with the dry run's problems, ``ConflictError`` on a concurrent
        change, ``ValueError`` without a reason."""
        migrate.migrate(self, instance_id, to_version_id=to_version_id, actor=actor, reason=reason)

    # -- instances --------------------------------------------------------------------
    def start(
        self,
        process_id: str,
        *,
        actor: Actor,
        data: Mapping[str, Any] | None = None,
        before_run: instances.BeforeRun | None = None,
    ) -> int:
        """Start the latest version of ``process_id``; returns the instance id.

        ``before_run(session, instance_id)`` runs in the same transaction before the first
        step and returns extra start data: domain rows created there commit or roll back
        together with the instance.
        """
        return instances.start(
            self, process_id, actor=actor, data=dict(data or {}), before_run=before_run
        )

    def complete(
        self, task_id: str, data: Mapping[str, Any], *, actor: Actor, on_behalf: bool = False
    ) -> None:
        """Complete a task offered to ``actor`` (``engine.offers``) with its form ``data``.

        ``on_behalf=True``: the application lets ``actor`` act for the task's holder (a
        supervisor in scope, a stand-in); the ``task_completed`` event then names the holder
        (``on_behalf_of``). Raises ``PermissionDenied``, ``FormInvalid``, ``StepFailed``,
        ``ConflictError`` (done, reassigned or handed back meanwhile: nothing stored).
        """
        instances.complete(self, task_id, dict(data), actor=actor, on_behalf=on_behalf)

    def claim(self, task_id: str, *, actor: Actor) -> None:
        handover.claim(self, task_id, actor=actor)

    def unclaim(self, task_id: str, *, actor: Actor, on_behalf: bool = False) -> None:
        """Hand a task back to its lane (and candidates): by its holder, or for them."""
        handover.unclaim(self, task_id, actor=actor, on_behalf=on_behalf)

    def assign(
        self,
        task_id: str,
        *,
        to_user: str,
        actor: Actor,
        reason: str,
        on_behalf: bool = False,
    ) -> None:
        """Reassign a ready task to the person ``to_user`` with a reason: by its holder,
        or with ``on_behalf`` for them (a supervisor in scope); history ``task_assigned``
        (from, to, reason). Raises ``ValueError`` (no reason, not a username),
        ``PermissionDenied``, ``ConflictError``, ``NotFound``."""
        handover.assign(
            self, task_id, to_user=to_user, actor=actor, reason=reason, on_behalf=on_behalf
        )

    def offered(self, task_id: str, *, actor: Actor) -> bool:
        """Whether the ready task waits for ``actor``: assigned to them, or open to them
        (their lane, and a candidate user or unit when the diagram named candidates)."""
        with self.session_factory() as session:
            record = instances._ready_record(session, task_id)
            return offers.refusal(session, record, actor) is None

    def candidates(self, task_id: str) -> Candidates:
        """The candidate users and units the diagram named for a ready task."""
        with self.session_factory() as session:
            return offers.candidates_of(session, task_id)

    def cancel(self, instance_id: int, *, actor: Actor, reason: str) -> None:
        instances.cancel(self, instance_id, actor=actor, reason=reason)

    def send_message(
        self, instance_id: int, name: str, payload: Mapping[str, Any], *, actor: Actor
    ) -> None:
        instances.send_message(self, instance_id, name, dict(payload), actor=actor)

    def set_variables(
        self,
        instance_id: int,
        values: Mapping[str, Any],
        *,
        actor: Actor,
        reason: str,
        before_save: variables.BeforeSave | None = None,
    ) -> None:
        """Set ``values`` in a running instance's data (the workflow's and every unfinished
        task's, subprocesses included) in one unit of work, with a ``variables_set`` event
        (old and new values, reason); no step runs. ``before_save(session)`` writes what
        goes with the change in the same transaction. Raises ``ValueError`` without a
        reason or with bad names, ``NotFound``, ``ConflictError`` for an instance that has
        ended or was changed meanwhile."""
        variables.set_variables(
            self, instance_id, values, actor=actor, reason=reason, before_save=before_save
        )

    def instance(self, instance_id: int, *, with_data: bool = False) -> InstanceView:
        return instances.view(self, instance_id, with_data=with_data)

    # -- queries (projection tables only) -----------------------------------------------
    def task(self, task_id: str) -> TaskView:
        return instances.task_view(self, task_id)

    def ready_tasks(self, actor: Actor) -> list[TaskView]:
        """The tasks offered to ``actor``: assigned to them, or open in a lane of their
        roles (to them or their units, when the diagram named candidates)."""
        return instances.ready_tasks(self, actor)

    def tasks_of(self, instance_id: int) -> list[TaskView]:
        return instances.tasks_of(self, instance_id)

    def form_schema(self, task_id: str) -> dict[str, Any] | None:
        return instances.form_schema_of(self, task_id)

    def task_instructions(self, task_id: str) -> tuple[str | None, dict[str, Any]]:
        """The task's ``instructionsForEndUser`` template text (or None) and its data.

        Loads the instance: for the one task a user opens, never for lists. The template
        is the diagram author's: render it sandboxed.
        """
        return task_detail.task_instructions(self, task_id)

    def instance_trail(self, instance_id: int) -> list[trail.ProcessTrail]:
        """Per process that ran in the instance: its deployed XML and the elements completed,
        current and waiting, and the sequence flows taken (for the case page's diagram).

        Loads the instance: for showing one case's diagram, never for lists.
        """
        return trail.instance_trail(self, instance_id)

    def decide(self, decision_id: str, data: Mapping[str, Any]) -> dict[str, Any]:
        """Evaluate DMN decision ``decision_id`` of the newest version that has it on
        ``data``, sandboxed: the first matching rule's outputs, ``{}`` when none matches.

        Raises ``NotFound`` naming a decision never deployed, ``DecisionFailed`` when a
        cell fails. Reads the version files only; no instance is involved.
        """
        return decisions.decide(self, decision_id, data)

    def retime(
        self,
        instance_id: int,
        moves: retiming.Moves,
        *,
        actor: Actor,
        reason: str,
        on_step: retiming.OnStep | None = None,
    ) -> retiming.Retimed:
        """Move a running instance's deadlines (old due → new due) in one unit of work:
        waiting timers re-armed in the state, the moved moments replaced in its data,
        timer rows and ready tasks' due times updated, one ``deadlines_retimed`` event.
        Nothing runs. ``on_step(session)`` moves the caller's records in the same
        transaction. Raises ``ConflictError`` for an ended or concurrently changed instance.
        """
        return retiming.retime(
            self, instance_id, moves, actor=actor, reason=reason, on_step=on_step
        )

    # -- timers and history -------------------------------------------------------------
    def fire_due_timers(
        self,
        *,
        limit: int | None = None,
        on_progress: Callable[[], None] | None = None,
        stopping: Callable[[], bool] | None = None,
        workers: int = 1,
    ) -> int:
        """Fire timers due by the engine clock, all of them unless ``limit`` instances
        advanced first; returns how many instances advanced. ``on_progress()`` is called
        for every timer handled (the scheduler's heartbeat); ``stopping()`` ends early;
        ``workers`` threads fire side by side."""
        return timers.fire_due(
            self, limit=limit, on_progress=on_progress, stopping=stopping, workers=workers
        )

    def troubled_timers(
        self, *, parked_only: bool = False, instance_ids: Collection[int] | None = None
    ) -> list[TroubledTimer]:
        """Timers whose firing failed (parked ones first), optionally of some instances."""
        return timer_quarantine.troubled(self, parked_only=parked_only, instance_ids=instance_ids)

    def retry_timer(self, timer_id: int, *, actor: Actor, reason: str = "") -> TroubledTimer:
        """Release a failing or parked timer: it is tried on the next poll. Returns the
        timer as it was. Raises ``NotFound`` for a timer that is gone or never failed."""
        return timer_quarantine.retry(self, timer_id, actor=actor, reason=reason)

    def record_operation(
        self,
        session: Session,
        *,
        event_type: str,
        actor: str,
        data: Mapping[str, Any],
        instance_id: int | None = None,
    ) -> None:
        """Append an operation-log event (e.g. an account change) in the caller's transaction.

        ``instance_id`` files it under an instance (a person's action on a case outside any
        task, e.g. a chase from the supervision board), so it shows on that case's timeline.
        """
        event = PendingEvent(
            event_type=event_type,
            at=self.clock.now(),
            actor=actor,
            data=dict(data),
            instance_id=instance_id,
        )
        history.append(session, [event])

    def verify_history(self, *, instance_id: int | None = None) -> history.VerifyResult:
        with self.session_factory() as session:
            return history.verify(session, instance_id=instance_id)

    def latest_version_id(self) -> int | None:
        with self.session_factory() as session:
            return session.execute(
                select(ProcessVersion.id).order_by(ProcessVersion.id.desc())
            ).scalar()
