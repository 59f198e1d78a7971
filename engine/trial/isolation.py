"""Where a trial's steps run: the real sandbox and helpers, simulated operators, no writes.

Script helpers (deadlines, working days) run for real: they read the deadline rules and the
calendar through ``current_step().session``. In a trial that session refuses every write
(an ORM flush or a non-SELECT statement raises; on PostgreSQL the transaction is also READ
ONLY) and is rolled back whatever happens. Service tasks never reach their operators: the
call is recorded with its evaluated parameters and the operator's simulation answers.
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

from ..clock import Clock
from ..context import StepContext, in_step
from ..data_stores import TrialStores
from ..persist import json_safe
from ..sandbox import SandboxedScriptEngine
from ..step import StepOutcome, advance
from ..views import Actor

if TYPE_CHECKING:
    from SpiffWorkflow.bpmn import BpmnWorkflow

    from ..ports import Trials as Engine

NO_INSTANCE = 0
"""The ``instance_id`` a trial's step context carries: a trial is no instance."""


class TrialWriteRefused(RuntimeError):
    """Something tried to write to the database during a trial step."""


def _refuse_flush(session: Session, _context: Any, _instances: Any) -> None:
    raise TrialWriteRefused("试运行不能写入数据库（有内容试图保存）")


def _refuse_writes(state: ORMExecuteState) -> None:
    if not state.is_select:
        raise TrialWriteRefused("试运行不能写入数据库（有语句试图修改数据）")


@contextlib.contextmanager
def read_only_session(engine: Engine) -> Iterator[Session]:
    """A session that can read but never write; rolled back and closed on exit."""
    session = engine.session_factory()
    try:
        if session.get_bind().dialect.name == "postgresql":
            session.connection().exec_driver_sql("SET TRANSACTION READ ONLY")
        event.listen(session, "before_flush", _refuse_flush)
        event.listen(session, "do_orm_execute", _refuse_writes)
        yield session
    finally:
        session.rollback()
        session.close()


class TrialScriptEngine(SandboxedScriptEngine):
    """The engine's sandbox (same policy, same helpers) with service calls simulated.

    ``calls`` maps each service task's id to its recorded call: operator, evaluated
    parameters, the simulated result and whether a simulation is registered; ``printed``
    maps a task's id to the lines its scripts printed (``engine.script_print``).
    """

    def __init__(self, engine: Engine):
        environment = copy.copy(engine.script_engine().environment)
        environment.services = self._simulate
        super().__init__(environment=environment)
        self._operators = engine.operators
        self._task: Any = None
        self.calls: dict[str, dict[str, Any]] = {}
        self.printed: dict[str, list[str]] = {}
        # Data stores live in the trial's own workflow, never in the real table.
        self.data_stores = TrialStores()

    def printed_line(self, task, line: str) -> None:
        """A script's ``print``: a line of the trial's log, never the application log."""
        self.printed.setdefault(str(task.id), []).append(line)

    def passed_through(self, task, event_type: str, data: dict[str, Any]) -> None:
        """A service, send or receive task passed without a call (``engine.service_tasks``)."""
        self.calls[str(task.id)] = {"passed": event_type, **json_safe(data)}

    def call_service(self, task, **kwargs):
        self._task = task
        try:
            return super().call_service(task, **kwargs)
        finally:
            self._task = None

    def _simulate(self, name: str, params: dict[str, Any], data: dict[str, Any]) -> Any:
        operator = self._operators.get(name)
        result = self._operators.simulate(name, params, data)
        if self._task is not None:
            self.calls[str(self._task.id)] = {
                "operator": name,
                "description": operator.description,
                "params": json_safe(params),
                "result": json_safe(result),
                "simulated": operator.simulate is not None,
            }
        return result


def run_step(
    engine: Engine,
    workflow: BpmnWorkflow,
    action: Callable[[BpmnWorkflow], None],
    *,
    actor: Actor,
    clock: Clock,
    process_id: str,
    version_id: int | None,
) -> StepOutcome:
    """Advance ``workflow`` as a real step would, inside a read-only step context."""
    with read_only_session(engine) as session:
        context = StepContext(
            session=session,
            instance_id=NO_INSTANCE,
            process_id=process_id,
            version_id=version_id or 0,
            actor=actor,
            now=clock.now(),
        )
        with in_step(context):
            return advance(workflow, action, clock=clock)
