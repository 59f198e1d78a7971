"""访调: the case's own 信访 clock. Recording the notice and conclusion limits, and
extending the 60-day conclusion limit (信访工作条例 Art.34: ≤30 days, approved by the unit's
head, the reason told to the petitioner).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from engine import current_step

from ..deadlines import local, rule_of
from ..enums import Extension, SupervisionReason
from ..models import DeadlineRule, Mediation, SupervisionRecord
from .base import ActionSet, case_of, parse_time, required

actions = ActionSet()

APPROVED = "批准"


# -- 访调: the 信访 clocks and extending the conclusion limit -----------------------------------


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


@actions(
    "mediation.petition_clocks",
    "访调：记录信访程序时限（书面告知、办结）",
    notice_due="书面告知信访人截止时间（ISO 时间）",
    conclude_due="信访事项办结截止时间（ISO 时间）",
)
def petition_clocks(params: dict[str, Any], data: dict[str, Any]) -> dict[str, str | None]:
    step = current_step()
    case = case_of(data)
    row = step.session.query(Mediation).filter_by(case_id=case.id).one_or_none()
    if row is None:
        raise ValueError(f"案件 {case.id} 尚未签收，没有调解记录")
    row.petition_notice_due_at = parse_time(required(params, "notice_due"))
    row.petition_conclude_due_at = parse_time(required(params, "conclude_due"))
    result = {
        "notice_due": _iso(row.petition_notice_due_at),
        "conclude_due": _iso(row.petition_conclude_due_at),
    }
    step.record("petition_clocks_set", {"case_id": case.id, **result})
    return result


def _shown(moment: datetime) -> str:
    return f"{local(moment):%Y-%m-%d %H:%M}"


def _int(params: dict[str, Any], name: str, minimum: int) -> int:
    value = int(params.get(name) or 0)
    if value < minimum:
        raise ValueError(f"参数 {name} 不能小于 {minimum}，实为 {value}")
    return value


def _extension_refusal(rule: DeadlineRule, extended: int, days: int) -> str | None:
    """Why rule ``rule`` does not allow ``days`` more days on top of ``extended``, or None."""
    label = f"时限规则 {rule.key}（{rule.name}）"
    if rule.extendable_by != Extension.APPROVAL:
        return f"{label}不能经领导批准延长"
    if rule.max_extension is not None and extended + days > rule.max_extension:
        left = max(rule.max_extension - extended, 0)
        return (
            f"{label}累计最多延长 {rule.max_extension} 日，已延长 {extended} 日，"
            f"还可延长 {left} 日，申请 {days} 日超出"
        )
    return None


@actions(
    "handoff.petition_extension_request",
    "访调：申请延长信访事项办结期限（信访工作条例第三十四条），先按时限规则审查",
    rule="时限规则键，如 petition.conclude",
    days="申请延长天数",
    reason="延期理由",
    extended_days="此前已延长的天数",
)
def petition_extension_request(params: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """``{"allowed", "message"}``: whether the request goes to the unit head (the rule
    allows a 领导批准 extension of this many days), or why not."""
    step = current_step()
    case = case_of(data)
    rule = rule_of(step.session, required(params, "rule"))
    days, extended = _int(params, "days", 1), _int(params, "extended_days", 0)
    reason = str(required(params, "reason")).strip()
    refusal = _extension_refusal(rule, extended, days)
    message = f"延期申请未提交审批：{refusal}。" if refusal else "延期申请已提交本单位负责人审批。"
    step.record(
        "petition_extension_requested",
        {
            "case_id": case.id,
            "days": days,
            "reason": reason,
            "allowed": refusal is None,
            "message": message,
            "by": step.actor.user,
        },
    )
    return {"allowed": refusal is None, "message": message}


@actions(
    "handoff.petition_extend",
    "访调：本单位负责人审批信访事项延期办结；批准的延长办结期限",
    rule="时限规则键，如 petition.conclude",
    decision="批准/不批准",
    days="批准延长的天数",
    due="延长后的办结期限（ISO 时间，用 extend_due 计算）",
    extended_days="此前已延长的天数",
    note="审批意见",
)
def petition_extend(params: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """``{"granted", "due", "warn_hours", "extended_days", "message"}``: the conclusion
    limit after the unit head's decision (unchanged unless granted), the rule's warning
    lead (for ``before(due, warn_hours)``) and what to tell the center."""
    step = current_step()
    case = case_of(data)
    row = current_step().session.query(Mediation).filter_by(case_id=case.id).one()
    rule = rule_of(step.session, required(params, "rule"))
    extended, note = _int(params, "extended_days", 0), str(params.get("note") or "").strip()
    current = parse_time(row.petition_conclude_due_at)
    assert current is not None
    refusal = _approval_refusal(params, rule, extended)
    if refusal is not None:
        message = f"延期未获批准：{refusal}。办结期限仍为 {_shown(current)}。"
        step.record(
            "petition_extension_refused",
            {"case_id": case.id, "message": message, "note": note, "by": step.actor.user},
        )
        return _extension_result(current, rule, extended, granted=False, message=message)
    days = _int(params, "days", 1)
    due = parse_time(required(params, "due"))
    assert due is not None
    row.petition_conclude_due_at = due
    step.record(
        "petition_conclusion_extended",
        {
            "case_id": case.id,
            "days": days,
            "extended_days": extended + days,
            "due": due.isoformat(),
            "note": note,
            "approved_by": step.actor.user,
            "by": step.actor.user,
        },
    )
    message = (
        f"经本单位负责人批准延长 {days} 日，办结期限延至 {_shown(due)}，请告知信访人延期理由。"
    )
    return _extension_result(due, rule, extended + days, granted=True, message=message)


def _approval_refusal(params: dict[str, Any], rule: DeadlineRule, extended: int) -> str | None:
    if required(params, "decision") != APPROVED:
        return "本单位负责人不同意延期" + (f"（{params['note']}）" if params.get("note") else "")
    return _extension_refusal(rule, extended, _int(params, "days", 1))


def _extension_result(
    due: datetime, rule: DeadlineRule, extended: int, *, granted: bool, message: str
) -> dict[str, Any]:
    return {
        "granted": granted,
        "due": local(due).isoformat(),
        "warn_hours": rule.warn_hours,
        "extended_days": extended,
        "message": message,
    }


@actions(
    "handoff.warning_issued",
    "是否已就这一期限开具过临期预警（期限未变时不重复预警）",
    due="期限（ISO 时间）",
)
def warning_issued(params: dict[str, Any], data: dict[str, Any]) -> bool:
    step = current_step()
    case = case_of(data)
    due = parse_time(required(params, "due"))
    query = select(SupervisionRecord.id).where(
        SupervisionRecord.case_id == case.id,
        SupervisionRecord.reason == SupervisionReason.NEAR_DUE,
        SupervisionRecord.due_at == due,
    )
    return step.session.execute(query.limit(1)).first() is not None


# -- trial runs ---------------------------------------------------------------------------


@actions.simulation("mediation.petition_clocks")
def _petition_result(params: dict[str, Any], data: dict[str, Any]) -> dict[str, str | None]:
    return {
        "notice_due": _iso(parse_time(required(params, "notice_due"))),
        "conclude_due": _iso(parse_time(required(params, "conclude_due"))),
    }


@actions.simulation("handoff.petition_extension_request")
def _request_result(params: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    rule = rule_of(current_step().session, required(params, "rule"))
    refusal = _extension_refusal(rule, _int(params, "extended_days", 0), _int(params, "days", 1))
    return {"allowed": refusal is None, "message": refusal or ""}


@actions.simulation("handoff.petition_extend")
def _extend_result(params: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    rule = rule_of(current_step().session, required(params, "rule"))
    extended = _int(params, "extended_days", 0)
    refusal = _approval_refusal(params, rule, extended)
    due = parse_time(required(params, "due"))
    assert due is not None
    granted = refusal is None
    days = _int(params, "days", 1) if granted else 0
    return _extension_result(due, rule, extended + days, granted=granted, message=refusal or "")


@actions.simulation("handoff.warning_issued")
def _warned_result(params: dict[str, Any], data: dict[str, Any]) -> bool:
    return False
