"""司法确认提醒: the 30-day window in which the parties of any mediation agreement may jointly
apply to a court for 司法确认 (人民调解法 Art.33; 民事诉讼法 Art.205), and what became of it.

Called from ``bpmn/confirmation.bpmn`` for every agreement (三调 hand-offs, the ladder,
中心吹哨): the case need not have a hand-off's ``Mediation`` row; when it has one, the
window's end is kept on it as well.
"""

from __future__ import annotations

from typing import Any

from engine import current_step

from ..models import Mediation, ProgressReport
from .base import ActionSet, case_of, parse_time, required

actions = ActionSet()

LAPSED = "申请期限届满"
STATUSES = frozenset({"已提醒，当事人将申请", "当事人已申请司法确认", "当事人决定不申请", LAPSED})


@actions(
    "mediation.confirmation",
    "调解协议达成：记录共同申请司法确认的截止时间（人民调解法第三十三条）",
    due="申请司法确认截止时间（ISO 时间）",
)
def confirmation(params: dict[str, Any], data: dict[str, Any]) -> str:
    step = current_step()
    case = case_of(data)
    due = parse_time(required(params, "due"))
    assert due is not None
    row = step.session.query(Mediation).filter_by(case_id=case.id).one_or_none()
    if row is not None:
        row.confirmation_due_at = due
    step.record("confirmation_due_set", {"case_id": case.id, "due": due.isoformat()})
    return due.isoformat()


@actions(
    "mediation.confirmation_result",
    "登记司法确认提醒的结果：已提醒、已申请、不申请，或申请期限届满",
    status="已提醒，当事人将申请/当事人已申请司法确认/当事人决定不申请/申请期限届满",
    note="说明",
)
def confirmation_result(params: dict[str, Any], data: dict[str, Any]) -> str:
    step = current_step()
    case = case_of(data)
    status = _status(params)
    note = str(params.get("note") or "").strip()
    text = f"司法确认提醒：{status}" + (f"（{note}）" if note else "")
    if status == LAPSED:
        text = "申请司法确认的期限已届满，未登记提醒结果"
    step.session.add(
        ProgressReport(
            case_id=case.id,
            kind="进展",
            at=step.now,
            by=step.actor.user,
            level=case.level,
            text=text,
        )
    )
    step.record(
        "confirmation_recorded",
        {"case_id": case.id, "status": status, "note": note, "by": step.actor.user},
    )
    return status


def _status(params: dict[str, Any]) -> str:
    status = required(params, "status")
    if status not in STATUSES:
        raise ValueError(f"司法确认提醒结果 {status!r} 不在可选范围：{'、'.join(sorted(STATUSES))}")
    return status


@actions.simulation("mediation.confirmation")
def _confirmation_due(params: dict[str, Any], data: dict[str, Any]) -> str:
    due = parse_time(required(params, "due"))
    assert due is not None
    return due.isoformat()


@actions.simulation("mediation.confirmation_result")
def _confirmation_status(params: dict[str, Any], data: dict[str, Any]) -> str:
    return _status(params)
