"""风险预警: the county center's judgement of a rising-risk alert, and the 工作任务交办单
that hands it to a township.

An alert has no case, so the case-bound ``supervision.issue`` does not fit: the assignment
sheet is recorded on the alert itself (whom, by when, since when) and in the history.
"""

from __future__ import annotations

from typing import Any

from engine import current_step

from ..enums import SupervisionKind
from ..models import RiskAlert
from .base import ActionSet, parse_time, required

actions = ActionSet()


def alert_of(data: dict[str, Any]) -> RiskAlert:
    """The alert the running instance works on (``alert_id`` in its data)."""
    alert_id = data.get("alert_id")
    if alert_id is None:
        raise ValueError("流程数据中没有 alert_id，无法定位风险预警")
    alert = current_step().session.get(RiskAlert, int(alert_id))
    if alert is None:
        raise ValueError(f"风险预警 {alert_id} 不存在")
    return alert


@actions(
    "risk.record_judgement",
    "把研判意见和处置措施记入风险预警",
    judgement="研判意见",
    measures="处置措施",
)
def record_judgement(params: dict[str, Any], data: dict[str, Any]) -> int:
    step = current_step()
    alert = alert_of(data)
    alert.judgement = str(required(params, "judgement"))
    alert.measures = str(required(params, "measures"))
    alert.handled_by, alert.handled_at = step.actor.user, step.now
    step.record(
        "risk_alert_judged",
        {"alert_id": alert.id, "level": alert.level, "subject": alert.subject},
    )
    return alert.id


@actions(
    "risk.assign",
    "开具工作任务交办单，把风险预警交办乡镇",
    target="交办对象（乡镇；为空时取预警所指乡镇）",
    due="办理时限（ISO 时间）",
)
def assign(params: dict[str, Any], data: dict[str, Any]) -> int:
    step = current_step()
    alert = alert_of(data)
    target = str(params.get("target") or "").strip()
    if not target:
        target = alert.subject if alert.dimension == "区域" else "各乡镇（街道）"
    alert.assigned_to = target[:120]
    alert.assigned_due_at = parse_time(params.get("due"))
    alert.assigned_at = step.now
    step.record(
        "risk_alert_assigned",
        {
            "alert_id": alert.id,
            "kind": SupervisionKind.ASSIGNMENT.value,
            "target": alert.assigned_to,
            "due": alert.assigned_due_at.isoformat() if alert.assigned_due_at else None,
        },
    )
    return alert.id
