"""The task page: who may open a task, the case summary (or, for a rising-risk alert's
task, the alert's facts) beside the form, the diagram author's instructions rendered in a
sandbox."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from flask import current_app, has_app_context
from jinja2 import TemplateError
from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from engine import Budget, BudgetExceeded, TaskView, render_budgeted
from processes.current_deadline import CurrentDeadline, case_deadlines
from processes.deadlines import local
from processes.masking import MaskedParty, masked_party
from processes.models import Case, DisputeType, Region, ReportSnapshot, RiskAlert, Summons
from processes.reports.periods import Period, PeriodKind
from processes.roles import Role

from ..accounts.models import User
from ..security import SUPERVISION_ROLES
from .filters import Viewer

log = logging.getLogger(__name__)

INSTRUCTIONS_UNAVAILABLE = "（本任务的办理说明暂时无法显示，请按表单要求填写。）"
INSTRUCTIONS_MAX = 5000


@dataclass(frozen=True)
class CaseSummary:
    id: int
    code: str
    dispute_type: str
    summary: str
    parties: list[MaskedParty]
    level: str
    risk_colour: str
    due_at: datetime | None
    status: str
    received_at: datetime
    deadline: CurrentDeadline
    """The deadline running on the case now (``processes.current_deadline``)."""


@dataclass(frozen=True)
class AlertSummary:
    """A rising-risk alert as its task page shows it (no personal data: counts only)."""

    id: int
    level: str
    dimension: str
    subject: str
    region: str
    week: str
    current: int
    previous: int
    snapshot_id: int

    @property
    def change(self) -> int:
        return self.current - self.previous

    @property
    def growth(self) -> str:
        """The rise in per cent, or "" from a week with none."""
        return f"{self.change / self.previous:.0%}" if self.previous else ""


def case_of(session: Session, instance_id: int) -> Case | None:
    return session.scalar(select(Case).where(Case.instance_id == instance_id))


def alert_of(session: Session, instance_id: int) -> RiskAlert | None:
    """The rising-risk alert an instance works on, if it is a ``risk_alert`` process."""
    return session.scalar(select(RiskAlert).where(RiskAlert.instance_id == instance_id))


def in_scope(viewer: Viewer, case: Case | None, alert: RiskAlert | None = None) -> bool:
    """A task outside the viewer's regions is treated as not existing (404): its case's
    region, or for a case-less alert task the alert's region, must be in scope."""
    if viewer.scope is None:
        return True
    if case is not None:
        return case.region_code in viewer.scope
    return alert is not None and alert.region_code in viewer.scope


def alert_summary(session: Session, alert: RiskAlert) -> AlertSummary:
    region = session.get(Region, alert.region_code)
    snapshot = session.get(ReportSnapshot, alert.snapshot_id)
    week = Period(PeriodKind(snapshot.kind), snapshot.first, snapshot.last).label
    return AlertSummary(
        id=alert.id,
        level=alert.level,
        dimension=alert.dimension,
        subject=alert.subject,
        region=region.name if region else alert.region_code,
        week=week,
        current=alert.current,
        previous=alert.previous,
        snapshot_id=alert.snapshot_id,
    )


class Access(StrEnum):
    """What a user may do with a ready task of a case in their area."""

    OFFERED = "offered"
    """The task waits for them: they do it as themselves."""
    STAND_IN = "stand_in"
    """Assigned to someone they stand in for today: done on the holder's behalf."""
    SUPERVISOR = "supervisor"
    """Not theirs, but a case they supervise: opened and done on the holder's behalf."""
    REFUSED = "refused"
    """Open to another lane (or, for a 部门 liaison, another department's case): 403."""
    HIDDEN = "hidden"
    """Someone else's (assigned, or restricted to other candidates): 404, as if absent."""

    @property
    def on_behalf(self) -> bool:
        return self in (Access.STAND_IN, Access.SUPERVISOR)


def supervises(viewer: Viewer, case: Case | None) -> bool:
    """A supervisor in scope (督办员, 县综治中心, 镇综治中心) of a case in their area may
    open, complete and reassign any of its tasks, on behalf of the holder."""
    return case is not None and bool(viewer.roles & SUPERVISION_ROLES) and in_scope(viewer, case)


def access(
    session: Session, viewer: Viewer, task: TaskView, case: Case | None, *, offered: bool
) -> Access:
    """The work list's rule for one ready task; ``offered`` is the engine's answer
    (``Engine.offered``: assignee, lane, candidates), to which a 部门 liaison's old
    department rule adds for 部门 tasks open to the whole lane."""
    if offered and _department_admits(session, viewer, task, case):
        return Access.OFFERED
    if task.assignee is not None and task.assignee in viewer.stands_in_for:
        return Access.STAND_IN
    if supervises(viewer, case):
        return Access.SUPERVISOR
    if task.assignee is not None or not task.open_to_lane:
        return Access.HIDDEN
    return Access.REFUSED


def _department_admits(session: Session, viewer: Viewer, task: TaskView, case: Case | None) -> bool:
    if task.assignee is not None or not task.open_to_lane or case is None:
        return True
    if viewer.department and task.candidate_role == Role.DEPARTMENT:
        return department_involved(session, case, viewer.department)
    return True


def may_see_outcome(viewer: Viewer, task: TaskView, case: Case | None) -> bool:
    """Who may read who finished a task: its holder and completer, a supervisor of its
    case, and the holders of its lane (of its candidate unit, when it named one) unless
    it was someone's own."""
    if viewer.username in {task.assignee, task.completed_by} or supervises(viewer, case):
        return True
    if task.candidate_role not in viewer.roles:
        return False
    if task.candidate_unit is not None:
        return task.candidate_unit in viewer.units
    return task.open_to_lane


def department_involved(session: Session, case: Case, department: str) -> bool:
    summoned = select(Summons.department).where(Summons.case_id == case.id)
    names = set(session.scalars(summoned))
    return not names or department in names or case.responsible_unit == department


def summary_of(session: Session, case: Case) -> CaseSummary:
    kind = session.get(DisputeType, case.dispute_type)
    return CaseSummary(
        id=case.id,
        code=case.code or "（未赋码）",
        dispute_type=kind.name if kind else case.dispute_type,
        summary=case.summary,
        parties=[masked_party(p) for p in case.parties],
        level=case.level or "",
        risk_colour=case.risk_colour or "",
        due_at=case.due_at,
        status=case.status,
        received_at=case.received_at,
        deadline=case_deadlines(session, [case])[case.id],
    )


def display_name(session: Session, username: str | None) -> str:
    if not username:
        return ""
    name = session.scalar(select(User.display_name).where(User.username == username))
    return f"{name}（{username}）" if name else username


def has_case(session: Session, instance_id: int) -> bool:
    return bool(session.scalar(select(exists().where(Case.instance_id == instance_id))))


# -- instructions ----------------------------------------------------------------------------


def render_instructions(
    template: str | None, data: dict[str, Any], budget: Budget | None = None
) -> str | None:
    """The instruction text with the task's data filled in, rendered in Jinja's sandbox
    under the site's script budget (``ZONGZHI_SCRIPT_*``).

    A template that fails (a missing variable, an unsafe attribute, a syntax error) gives
    a neutral sentence, never an error page; one that goes past its budget says which;
    the reason goes to the log.
    """
    if not template or not template.strip():
        return None
    try:
        text = render_budgeted(template, _readable(data), budget=budget or _site_budget())
    except BudgetExceeded as exceeded:
        log.warning("instructions over budget: %s", exceeded)
        return instructions_over_budget(exceeded)
    except (TemplateError, ArithmeticError, TypeError, ValueError, RecursionError) as error:
        log.warning("instructions not rendered: %s", error)
        return INSTRUCTIONS_UNAVAILABLE
    return text.strip()[:INSTRUCTIONS_MAX] or None


def instructions_over_budget(exceeded: BudgetExceeded) -> str:
    return (
        f"（本任务的办理说明{exceeded.describe()}，未能显示；"
        "请按表单要求填写，并告知流程设计人员。）"
    )


def _site_budget() -> Budget:
    configured = current_app.config.get("ZONGZHI_SCRIPT_BUDGET") if has_app_context() else None
    return configured or Budget()


def _readable(data: dict[str, Any]) -> dict[str, Any]:
    """ISO date-times in the data shown as local ``YYYY-MM-DD HH:MM``."""
    return {key: _local_time(value) for key, value in data.items() if key.isidentifier()}


def _local_time(value: Any) -> Any:
    if not isinstance(value, str) or len(value) < 16 or value[10:11] != "T":
        return value
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if moment.tzinfo is None:
        return value
    return f"{local(moment):%Y-%m-%d %H:%M}"
