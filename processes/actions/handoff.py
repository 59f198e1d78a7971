"""Feeding a result back to the system a case came from (court, police, petition, 12345)."""

from __future__ import annotations

from typing import Any

from engine import current_step

from ..outbox import enqueue_result
from .base import ActionSet, case_of, required

actions = ActionSet()


@actions(
    "handoff.feedback",
    "向来源单位反馈结果（写入发件箱，按配置地址推送并可轮询）",
    kind="反馈类型：签收/调解成功/退回/回访",
    outcome="结果",
    reason="理由或说明",
    remedies="已告知当事人的其他救济途径",
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
