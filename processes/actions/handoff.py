"""Feeding a result back to the system a case came from (court, police, petition, 12345),
and hearing the 12345 hotline's verdict on a reply to its work order."""

from __future__ import annotations

from typing import Any

from engine import current_step

from ..enums import Verdict
from ..models import HandoffVerdict, ProgressReport
from ..outbox import enqueue_result
from .base import ActionSet, case_of, required

actions = ActionSet()

OPTIONAL_FEEDBACK = ("plan", "plan_due", "round")
"""Feedback keys a result carries only when the diagram gives them (a 12345 reply)."""


@actions(
    "handoff.feedback",
    "向来源单位反馈结果（写入发件箱，按配置地址推送并可轮询）",
    kind="反馈类型：签收/调解成功/退回/回访/答复工单",
    outcome="结果",
    reason="理由或说明",
    remedies="已告知当事人的其他救济途径",
    plan="解决方案（12345 工单不能按期办结时）",
    plan_due="预计办结日期",
    round="第几次答复",
)
def feedback(params: dict[str, Any], data: dict[str, Any]) -> int | None:
    step = current_step()
    case = case_of(data)
    payload = {
        "outcome": params.get("outcome") or "",
        "reason": params.get("reason") or "",
        "remedies": params.get("remedies") or [],
        "status": case.status,
        "at": step.now.isoformat(),
    }
    payload |= {key: params[key] for key in OPTIONAL_FEEDBACK if params.get(key) not in (None, "")}
    message = enqueue_result(
        step.session, case, kind=required(params, "kind"), payload=payload, now=step.now
    )
    if message is None:
        return None
    step.record(
        "handoff_feedback_queued",
        {"case_id": case.id, "outbox_id": message.id, "kind": message.kind},
    )
    return message.id


@actions(
    "handoff.verdict",
    "登记 12345 热线对答复的回访结果（认可/退回）",
    verdict_id="热线的回访结果编号",
    verdict="认可/退回",
    reason="退回理由或说明",
    evaluation="群众评价（可空）",
    round="所评判的是第几次答复",
)
def verdict(params: dict[str, Any], data: dict[str, Any]) -> str:
    step = current_step()
    case = case_of(data)
    heard = Verdict(required(params, "verdict"))
    row = HandoffVerdict(
        sender_id=case.sender_id,
        case_id=case.id,
        verdict_id=str(required(params, "verdict_id")),
        verdict=heard,
        reason=params.get("reason") or "",
        evaluation=params.get("evaluation") or None,
        round=int(params.get("round") or 1),
        received_at=step.now,
    )
    step.session.add(row)
    text = f"12345 热线回访：{heard}（第 {row.round} 次答复）"
    step.session.add(
        ProgressReport(
            case_id=case.id,
            kind="反馈",
            at=step.now,
            by=step.actor.user,
            level=case.level,
            text=text + (f"。{row.reason}" if row.reason else ""),
        )
    )
    step.session.flush()
    step.record(
        "handoff_verdict_received",
        {
            "case_id": case.id,
            "verdict_id": row.verdict_id,
            "verdict": heard,
            "reason": row.reason,
            "evaluation": row.evaluation,
            "round": row.round,
        },
    )
    return heard


@actions.simulation("handoff.verdict")
def _verdict_result(params: dict[str, Any], data: dict[str, Any]) -> str:
    """Trial runs: the verdict, checked as ``verdict`` checks it; nothing written."""
    required(params, "verdict_id")
    return Verdict(required(params, "verdict"))
