"""Starting a trial, starting it over, deleting it: one transaction on its own row.

A trial parses its set as a deploy does (``engine.validation.analyse``) and refuses one with
errors; its first step runs as a real start would, inside ``isolation.run_step``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..bundle import SourceFile, content_hash
from ..clock import ManualClock
from ..errors import StepFailed
from ..lanes import latest_map
from ..persist import json_safe
from ..specs import SERIALIZER_VERSION, ParsedProcess, dump_state, new_workflow, spec_to_json
from ..validation import analyse
from ..views import Actor
from . import log
from .isolation import TrialScriptEngine, run_step
from .models import TrialRun
from .rows import append, commit, failed_entry, owned_trial, step_entry
from .state import diagram_index, files_to_json, parsed_of
from .views import StepKind, TrialRefused, TrialStatus

if TYPE_CHECKING:
    from ..ports import Trials as Engine

StartData = Mapping[str, Any] | Callable[[str], Mapping[str, Any]]
"""A trial's start data, or a function giving it for the chosen process id."""


def start_trial(  # noqa: PLR0913 - where the set comes from, and how to read it
    engine: Engine,
    files: Sequence[SourceFile],
    *,
    actor: Actor,
    data: StartData,
    source: str,
    process_id: str | None = None,
    prefer_file: str | None = None,
    base_version_id: int | None = None,
    lane_map: Mapping[str, str] | None = None,
) -> int:
    """Validate the set as a deploy would, store a trial of one of its processes, run its
    first step; returns the trial id. Raises ``TrialRefused`` (nothing stored) when the set
    has errors or the process cannot be told; a failing first step is stored and logged.

    The process is ``process_id``, else the one in ``prefer_file`` (the file being edited),
    else the set's only one. ``data`` may be a function of the chosen process id.
    ``lane_map`` maps the set's lanes to roles as a deploy would (``engine.lanes``)."""
    analysis = analyse(engine, files, lane_map=lane_map, inherited_lanes=lambda: latest_map(engine))
    if analysis.errors:
        raise TrialRefused(
            f"这组文件有 {len(analysis.errors)} 个错误，修正后才能试运行", analysis.problems
        )
    chosen = _choose(analysis.parsed, process_id, prefer_file)
    parsed = analysis.parsed[chosen]
    now = engine.clock.now()
    row = TrialRun(
        created_by=actor.user,
        created_at=now,
        updated_at=now,
        process_id=chosen,
        process_name=parsed.spec.description or chosen,
        source=source[:255],
        base_version_id=base_version_id,
        content_hash=content_hash(analysis.files),
        files=files_to_json(analysis.files),
        spec=spec_to_json(parsed),
        step_count=0,
        log=[],
    )
    start_data = dict(data(chosen) if callable(data) else data)
    _run_start(engine, row, parsed, start_data, actor=actor, now=now)
    with engine.session_factory() as session:
        session.add(row)
        session.commit()
        return row.id


def _choose(parsed: Mapping[str, ParsedProcess], wanted: str | None, prefer_file: str | None):
    if wanted:
        if wanted not in parsed:
            raise TrialRefused(f"这组文件中没有可执行的流程 {wanted}")
        return wanted
    in_file = [
        pid for pid, p in sorted(parsed.items()) if Path(p.spec.file or "").name == prefer_file
    ]
    if in_file:
        return in_file[0]
    if len(parsed) == 1:
        return next(iter(parsed))
    raise TrialRefused("这组文件有多个流程，请选择要试运行的流程")


def _run_start(
    engine: Engine, row: TrialRun, parsed: ParsedProcess, data: dict, *, actor: Actor, now
) -> None:
    """Fill ``row`` with a fresh workflow run to its first rest, and the start's log entry."""
    script = TrialScriptEngine(engine)
    workflow = new_workflow(parsed, script)
    workflow.task_tree.data.update(data)
    fresh = dump_state(workflow)
    row.start_data, row.clock_at, row.serializer_version = json_safe(data), now, SERIALIZER_VERSION
    row.log, row.step_count = [], 0
    try:
        outcome = run_step(
            engine,
            workflow,
            lambda wf: None,
            actor=actor,
            clock=ManualClock(now),
            process_id=row.process_id,
            version_id=row.base_version_id,
        )
    except StepFailed as failed:
        row.state, row.status = fresh, TrialStatus.FAILED
        append(row, failed_entry(row, StepKind.STARTED, row.process_name, data, failed, actor, now))
        return
    entries = log.step_entries(outcome, script.calls, diagram_index(row), script.printed)
    row.status = TrialStatus.RUNNING
    if outcome.completed:
        entries.append(log.process_completed(row.process_name))
        row.status = TrialStatus.COMPLETED
    row.state = dump_state(workflow)
    step = step_entry(StepKind.STARTED, row.process_name, data, entries, workflow, actor, now)
    append(row, step)


def restart_trial(
    engine: Engine, trial_id: int, *, actor: Actor, data: Mapping[str, Any] | None = None
) -> None:
    """Start the trial over on the same files (with new start data if given); the log is
    cleared and the clock set to now."""
    with engine.session_factory() as session:
        row = owned_trial(session, trial_id, actor.user, lock=True)
        start_data = dict(data) if data is not None else dict(row.start_data)
        now = engine.clock.now()
        _run_start(engine, row, parsed_of(row), start_data, actor=actor, now=now)
        row.updated_at = now
        commit(session)


def delete_trial(engine: Engine, trial_id: int, *, actor: Actor) -> None:
    with engine.session_factory() as session:
        session.delete(owned_trial(session, trial_id, actor.user, lock=True))
        commit(session)
