"""回访: the callback record, the citizen's evaluation and the same-day feedback."""

from __future__ import annotations

from typing import Any

from engine import current_step

from ..enums import Evaluation
from ..models import CallbackRecord
from ..outbox import enqueue_result
from .base import ActionSet, case_of, required

actions = ActionSet()


@actions(
    "callback.record",
    "记录回访结果并当日反馈（满意/基本满意/不满意）",
    evaluation="满意/基本满意/不满意",
    performance="履行情况",
    note="回访情况",
    round="第几次回访",
)
def record(params: dict[str, Any], data: dict[str, Any]) -> str:
    step = current_step()
    case = case_of(data)
    evaluation = Evaluation(required(params, "evaluation"))
    step.session.add(
        CallbackRecord(
            case_id=case.id,
            round=int(params.get("round") or 1),
            at=step.now,
            by=step.actor.user,
            evaluation=evaluation,
            performance=params.get("performance") or "",
            note=params.get("note") or "",
            fed_back_at=step.now,
        )
    )
    case.evaluation = evaluation
    enqueue_result(
        step.session,
        case,
        kind="回访",
        payload={"outcome": evaluation, "reason": params.get("note") or ""},
        now=step.now,
    )
    step.record("case_called_back", {"case_id": case.id, "evaluation": evaluation})
    return evaluation


@actions.simulation("callback.record")
def _record_result(params: dict[str, Any], data: dict[str, Any]) -> str:
    """Trial runs: the evaluation, checked as ``record`` checks it; nothing written or sent."""
    return Evaluation(required(params, "evaluation"))
