"""The 12345 hotline's verdict on the center's reply to its work order (认可/退回)."""

from __future__ import annotations

from typing import Any

from engine import current_step

from ..enums import Verdict
from ..models import HandoffVerdict, ProgressReport
from .base import ActionSet, case_of, required

actions = ActionSet()


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
