"""Rising-risk alerts (风险预警): after a county's scheduled weekly report (周研判), each
dispute type and each township whose received cases rose week on week is put to the
designers' decision table ``risk_rise`` (``bpmn/risk_rise.dmn``); every hit is recorded
as a ``RiskAlert`` in the report's own transaction, and then started as a ``risk_alert``
process, whose 研判风险预警 task waits on the county center's work list.

Recording and starting are two steps so that neither a crash nor a second scheduler loses
or doubles an alert: alerts not yet started are started by the next round, and a start
claims its alert row (``instance_id`` still empty) in the start's own transaction.
"""

from __future__ import annotations

import logging
import math
from collections import Counter
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, select, update
from sqlalchemy.orm import Session

from engine import SCHEDULER, DecisionFailed, Engine, InstanceStatus, NotFound
from engine.models import Instance

from ..deadlines import local
from ..models import Case, DisputeType, ReportSnapshot, RiskAlert
from . import conditions
from .periods import Period, PeriodKind
from .regions import RegionTree

log = logging.getLogger(__name__)

RISK_RISE = "risk_rise"
"""The decision table: inputs current, previous, change, growth; outputs alert, level."""
RISK_ALERT_PROCESS = "risk_alert"
COUNTY, TOWNSHIP = "县", "镇"
BY_TYPE, BY_AREA = "类型", "区域"

Decide = Callable[[str, Mapping[str, Any]], dict[str, Any]]
"""``Engine.decide``: a decision's outputs for the given inputs."""


class AlreadyStarted(RuntimeError):
    """Another scheduler started this alert's process first."""


@dataclass(frozen=True)
class Rise:
    """A type's or a township's received cases this week and the week before."""

    dimension: str
    subject_code: str
    subject: str
    current: int
    previous: int

    @property
    def change(self) -> int:
        return self.current - self.previous

    @property
    def growth(self) -> float:
        """Relative change; infinite from a week with none."""
        return self.change / self.previous if self.previous else math.inf

    def decision_inputs(self) -> dict[str, Any]:
        return {
            "current": self.current,
            "previous": self.previous,
            "change": self.change,
            "growth": self.growth,
        }


def weekly_rises(session: Session, *, region_code: str, period: Period) -> list[Rise]:
    """Every dispute type and every township (镇 child of ``region_code``) whose received
    cases (``conditions.received``) rose from the week before ``period`` to ``period``."""
    tree = RegionTree.load(session)
    township_of = {
        code: child.code
        for child in tree.children(region_code)
        if child.level == TOWNSHIP
        for code in tree.descendants(child.code)
    }
    this_week = (period.start, period.end)
    last_week = (period.previous().start, period.previous().end)
    query = (
        select(
            Case.dispute_type,
            Case.region_code,
            conditions.count_if(conditions.received(this_week)),
            conditions.count_if(conditions.received(last_week)),
        )
        .where(
            conditions.in_regions(Case.region_code, tree.descendants(region_code)),
            and_(Case.received_at >= last_week[0], Case.received_at < this_week[1]),
        )
        .group_by(Case.dispute_type, Case.region_code)
    )
    now: Counter[tuple[str, str]] = Counter()
    before: Counter[tuple[str, str]] = Counter()
    for dispute_type, region, current, previous in session.execute(query):
        keys = [(BY_TYPE, dispute_type)]
        if region in township_of:
            keys.append((BY_AREA, township_of[region]))
        for key in keys:
            now[key] += int(current or 0)
            before[key] += int(previous or 0)
    type_names = _type_names(session, {code for dim, code in now if dim == BY_TYPE})
    rises = [
        Rise(
            dim,
            code,
            type_names.get(code, code) if dim == BY_TYPE else tree.get(code).name,
            now[(dim, code)],
            before[(dim, code)],
        )
        for dim, code in sorted(now)
    ]
    return [rise for rise in rises if rise.change > 0]


def _type_names(session: Session, codes: set[str]) -> dict[str, str]:
    query = select(DisputeType.code, DisputeType.name).where(DisputeType.code.in_(codes))
    return dict(session.execute(query).all())


def is_alerting_report(session: Session, snapshot: ReportSnapshot, now: datetime) -> bool:
    """A county's scheduled weekly report for the last week ended by ``now`` (a week
    caught up later raises nothing: a newer report speaks for it)."""
    if not snapshot.scheduled or snapshot.kind != PeriodKind.WEEK.value:
        return False
    latest = Period.containing(PeriodKind.WEEK, local(now).date()).previous()
    if snapshot.first < latest.first:
        return False
    return RegionTree.load(session).get(snapshot.region_code).level == COUNTY


def raise_alerts(
    session: Session, snapshot: ReportSnapshot, *, decide: Decide, now: datetime
) -> list[RiskAlert]:
    """Record an alert (not yet started) for every rise the decision table flags in a
    county's weekly report; nothing for other reports. Never fails the report: a missing
    or broken decision table is logged and raises no alert."""
    if not is_alerting_report(session, snapshot, now):
        return []
    period = Period(PeriodKind.WEEK, snapshot.first, snapshot.last)
    alerts = []
    for rise in weekly_rises(session, region_code=snapshot.region_code, period=period):
        try:
            outcome = decide(RISK_RISE, rise.decision_inputs())
        except NotFound:
            log.warning("decision table %s is not deployed: no risk alerts", RISK_RISE)
            return []
        except DecisionFailed:
            log.exception("risk alert for %s %s not evaluated", rise.dimension, rise.subject)
            continue
        if outcome.get("alert"):
            alerts.append(_alert(snapshot, rise, str(outcome.get("level") or "黄"), now))
    session.add_all(alerts)
    session.flush()
    return alerts


def _alert(snapshot: ReportSnapshot, rise: Rise, level: str, now: datetime) -> RiskAlert:
    return RiskAlert(
        region_code=snapshot.region_code,
        snapshot_id=snapshot.id,
        dimension=rise.dimension,
        subject_code=rise.subject_code,
        subject=rise.subject,
        current=rise.current,
        previous=rise.previous,
        level=level,
        raised_at=now,
    )


def start_pending(engine: Engine) -> int:
    """Start a ``risk_alert`` process for every alert without one; returns how many this
    call started. An alert another scheduler started meanwhile is skipped."""
    with engine.session_factory() as session:
        pending = session.scalars(
            select(RiskAlert.id).where(RiskAlert.instance_id.is_(None)).order_by(RiskAlert.id)
        ).all()
    started = 0
    for alert_id in pending:
        try:
            started += start_alert(engine, alert_id) is not None
        except NotFound:
            log.warning("process %s is not deployed: risk alerts wait", RISK_ALERT_PROCESS)
            break
    return started


def start_alert(engine: Engine, alert_id: int) -> int | None:
    """Start the alert's ``risk_alert`` process (data: ``alert_id`` only) and link it to
    the alert in the same transaction; ``None`` when the alert has one already. Raises
    ``NotFound`` when the process is not deployed."""
    try:
        return engine.start(
            RISK_ALERT_PROCESS,
            actor=SCHEDULER,
            data={"alert_id": alert_id},
            before_run=_claim(alert_id),
        )
    except AlreadyStarted:
        return None


def _claim(alert_id: int) -> Callable[[Session, int], dict[str, Any]]:
    def claim(session: Session, instance_id: int) -> dict[str, Any]:
        claimed = session.execute(
            update(RiskAlert)
            .where(RiskAlert.id == alert_id, RiskAlert.instance_id.is_(None))
            .values(instance_id=instance_id)
        )
        if claimed.rowcount != 1:
            raise AlreadyStarted(f"风险预警 {alert_id} 已启动或不存在")
        return {}

    return claim


def running_alert_instances(session: Session, regions: Collection[str]) -> frozenset[int]:
    """The running ``risk_alert`` instances of the alerts raised for ``regions``: what a
    county center's work list admits besides its cases' tasks. Few rows, found by the
    instance table's process index and filtered by region here (a long region list in
    the SQL would cost more than the lookup itself)."""
    query = (
        select(RiskAlert.instance_id, RiskAlert.region_code)
        .join(Instance, Instance.id == RiskAlert.instance_id)
        .where(
            Instance.process_id == RISK_ALERT_PROCESS,
            Instance.status == InstanceStatus.RUNNING,
        )
    )
    return frozenset(
        instance_id for instance_id, region in session.execute(query) if region in regions
    )
