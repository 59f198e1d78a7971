"""Feeding a result back to the system a case came from (court, police, petition, 12345)."""

from __future__ import annotations

from typing import Any

from engine import current_step

from ..deadlines import local
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


@actions("handoff.received_at", "读取收到推送的时间（案件受理时间，信访时限自收到之日起算）")
def received_at(params: dict[str, Any], data: dict[str, Any]) -> str:
    """When the pushed matter arrived (``Case.received_at``), as an ISO time."""
    return local(case_of(data).received_at).isoformat()


# -- trial runs ---------------------------------------------------------------------------


@actions.simulation("handoff.received_at")
def _received_result(params: dict[str, Any], data: dict[str, Any]) -> str:
    return local(current_step().now).isoformat()
