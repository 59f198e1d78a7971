"""督办: the 工作任务交办单 and 督办提示单 records, and how each was chased."""

from __future__ import annotations

from typing import Any

from engine import current_step

from ..enums import ChaseMethod, SupervisionKind, SupervisionReason
from ..models import SupervisionRecord, Unit
from .base import ActionSet, case_of, parse_time, required

actions = ActionSet()


def _unit_name(target: Any) -> str:
    """A target given as a unit code (the 四定's 责任单位) by the unit's name."""
    if not isinstance(target, str) or not target:
        return ""
    unit = current_step().session.get(Unit, target)
    return unit.name if unit is not None else target


@actions(
    "supervision.issue",
    "开具督办记录：工作任务交办单或督办提示单",
    kind="工作任务交办单/督办提示单",
    reason="临期预警/超期未化解/部门未报到/超期未签收/回访不满意/交办",
    target="督办对象（层级、单位或责任人）",
    due="办理时限（ISO 时间，可空）",
    content="内容",
)
def issue(params: dict[str, Any], data: dict[str, Any]) -> int:
    step = current_step()
    case = case_of(data)
    record = SupervisionRecord(
        case_id=case.id,
        kind=SupervisionKind(required(params, "kind")),
        reason=SupervisionReason(required(params, "reason")),
        target=_unit_name(params.get("target")) or case.owner_unit or case.level or "镇综治中心",
        content=params.get("content") or "",
        due_at=parse_time(params.get("due")),
        issued_at=step.now,
        issued_by=step.actor.user,
    )
    step.session.add(record)
    step.session.flush()
    step.record(
        "supervision_issued",
        {
            "case_id": case.id,
            "supervision_id": record.id,
            "kind": record.kind,
            "reason": record.reason,
            "target": record.target,
        },
    )
    return record.id


@actions(
    "supervision.chase",
    "记录催办方式（电话督办/函件督办）与结果",
    supervision_id="督办记录编号",
    method="电话督办/函件督办",
    note="催办情况",
)
def chase(params: dict[str, Any], data: dict[str, Any]) -> int:
    step = current_step()
    record = step.session.get(SupervisionRecord, int(required(params, "supervision_id")))
    if record is None or record.case_id != case_of(data).id:
        raise ValueError(f"督办记录 {params['supervision_id']} 不属于本案件")
    record.chase_method = ChaseMethod(required(params, "method"))
    record.chased_at, record.chased_by = step.now, step.actor.user
    record.chase_note = params.get("note") or ""
    step.record(
        "supervision_chased",
        {"case_id": record.case_id, "supervision_id": record.id, "method": record.chase_method},
    )
    return record.id
