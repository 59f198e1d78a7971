"""三调对接的调解记录：签收、指派、调解期限（起算、延期、鉴定暂停）、结果和后续时限.

One ``Mediation`` row per hand-off case. The diagrams (``handoff``, ``mediation``) compute
every due time with the script helpers (``deadline``, ``extend_due``, ``shift``) and pass
it in; these actions store it on the row and on the case (``Case.due_at`` is the deadline
now running) and write a history event for each change of the mediation clock.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from engine import current_step

from ..deadlines import rule_of
from ..enums import Extension
from ..models import Case, Mediation
from .base import ActionSet, case_of, parse_time, required

actions = ActionSet()

AGREED, FAILED = "达成协议", "调解不成"
OUTCOMES = frozenset({AGREED, FAILED})


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _mediation_of(case: Case) -> Mediation:
    row = current_step().session.query(Mediation).filter_by(case_id=case.id).one_or_none()
    if row is None:
        raise ValueError(f"案件 {case.id} 尚未签收，没有调解记录")
    return row


def _due(params: dict[str, Any]) -> datetime:
    due = parse_time(required(params, "due"))
    assert due is not None
    return due


@actions("mediation.receive", "综治中心签收三调对接案件，建立调解记录")
def receive(params: dict[str, Any], data: dict[str, Any]) -> int:
    step = current_step()
    case = case_of(data)
    row = step.session.query(Mediation).filter_by(case_id=case.id).one_or_none()
    if row is None:
        row = Mediation(case_id=case.id, handoff=required(data, "handoff"))
        step.session.add(row)
    row.received_at = step.now
    step.session.flush()
    step.record(
        "mediation_received",
        {"case_id": case.id, "mediation_id": row.id, "handoff": row.handoff, "by": step.actor.user},
    )
    return row.id


@actions("mediation.assign", "指派调解员", mediator="调解员姓名")
def assign(params: dict[str, Any], data: dict[str, Any]) -> str:
    step = current_step()
    case = case_of(data)
    row = _mediation_of(case)
    row.mediator = str(required(params, "mediator")).strip()
    step.record(
        "mediation_assigned",
        {"case_id": case.id, "mediator": row.mediator, "by": step.actor.user},
    )
    return row.mediator


@actions(
    "mediation.accept",
    "调解员签收，调解期限自签收之日起算（特邀调解规定第二十七条）",
    rule="调解时限规则键，如 court.mediation",
    due="调解期限（ISO 时间）",
)
def accept(params: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """Starts the clock; returns ``{"due", "extendable", "pausable"}`` for the diagram's
    gateways (延期 only where the rule allows the parties' consent, 暂停 where pausable)."""
    step = current_step()
    case = case_of(data)
    row = _mediation_of(case)
    rule = rule_of(step.session, required(params, "rule"))
    row.accepted_at, row.due_at = step.now, _due(params)
    case.due_at = row.due_at
    step.record(
        "mediation_accepted",
        {
            "case_id": case.id,
            "mediator": row.mediator,
            "by": step.actor.user,
            "rule": rule.key,
            "due": _iso(row.due_at),
        },
    )
    return {
        "due": _iso(row.due_at),
        "extendable": rule.extendable_by == Extension.CONSENT,
        "pausable": bool(rule.pausable),
    }


@actions(
    "mediation.extend",
    "经当事人同意延长调解期限",
    rule="调解时限规则键",
    days="延长天数",
    due="延长后的调解期限（ISO 时间）",
)
def extend(params: dict[str, Any], data: dict[str, Any]) -> str:
    step = current_step()
    case = case_of(data)
    row = _mediation_of(case)
    days = int(required(params, "days"))
    if days < 1:
        raise ValueError(f"延长天数必须为正整数，实为 {days}")
    rule = rule_of(step.session, required(params, "rule"))
    if rule.extendable_by != Extension.CONSENT:
        raise ValueError(f"时限规则 {rule.key}（{rule.name}）不能经当事人同意延长")
    if rule.max_extension is not None and row.extended_days + days > rule.max_extension:
        raise ValueError(
            f"累计延长 {row.extended_days + days} 天，超过规则 {rule.key} 允许的 "
            f"{rule.max_extension} 天"
        )
    row.extended_days += days
    row.due_at = _due(params)
    case.due_at = row.due_at
    step.record(
        "mediation_extended",
        {
            "case_id": case.id,
            "days": days,
            "extended_days": row.extended_days,
            "due": _iso(row.due_at),
            "by": step.actor.user,
        },
    )
    return _iso(row.due_at) or ""


@actions(
    "mediation.pause",
    "鉴定、评估期间暂停调解期限（在线调解规则第二十六条）",
    reason="鉴定或评估事项",
)
def pause(params: dict[str, Any], data: dict[str, Any]) -> str:
    """Stops the clock; returns the pause time (ISO) for ``shift(due, paused_at)``."""
    step = current_step()
    case = case_of(data)
    row = _mediation_of(case)
    if row.paused_at is not None:
        raise ValueError("调解期限已经暂停")
    row.paused_at = step.now
    case.due_at = None
    step.record(
        "mediation_paused",
        {"case_id": case.id, "reason": params.get("reason") or "", "by": step.actor.user},
    )
    return step.now.isoformat()


@actions("mediation.resume", "鉴定、评估完成，恢复计算调解期限", due="顺延后的调解期限（ISO 时间）")
def resume(params: dict[str, Any], data: dict[str, Any]) -> str:
    step = current_step()
    case = case_of(data)
    row = _mediation_of(case)
    if row.paused_at is None:
        raise ValueError("调解期限没有暂停，无法恢复")
    paused = int((step.now - parse_time(row.paused_at)).total_seconds())  # type: ignore[operator]
    row.paused_seconds += paused
    row.paused_at = None
    row.due_at = _due(params)
    case.due_at = row.due_at
    step.record(
        "mediation_resumed",
        {
            "case_id": case.id,
            "paused_seconds": paused,
            "due": _iso(row.due_at),
            "by": step.actor.user,
        },
    )
    return _iso(row.due_at) or ""


@actions(
    "mediation.conclude",
    "记录调解结果：达成协议或调解不成（附理由）",
    outcome="达成协议/调解不成",
    reason="理由或说明",
)
def conclude(params: dict[str, Any], data: dict[str, Any]) -> str:
    step = current_step()
    case = case_of(data)
    row = _mediation_of(case)
    outcome = required(params, "outcome")
    if outcome not in OUTCOMES:
        raise ValueError(f"调解结果必须是 达成协议 或 调解不成，实为 {outcome!r}")
    row.outcome, row.reason = outcome, params.get("reason") or ""
    row.paused_at = None
    if outcome == AGREED:
        row.agreement_at = step.now
    case.due_at = None
    step.record(
        "mediation_concluded",
        {"case_id": case.id, "outcome": outcome, "reason": row.reason, "by": step.actor.user},
    )
    return outcome


@actions(
    "mediation.confirmation",
    "诉调达成协议：记录申请司法确认的截止时间（人民调解法第三十三条）",
    due="申请司法确认截止时间（ISO 时间）",
)
def confirmation(params: dict[str, Any], data: dict[str, Any]) -> str:
    step = current_step()
    case = case_of(data)
    row = _mediation_of(case)
    row.confirmation_due_at = _due(params)
    step.record(
        "confirmation_due_set",
        {"case_id": case.id, "due": _iso(row.confirmation_due_at)},
    )
    return _iso(row.confirmation_due_at) or ""


@actions(
    "mediation.petition_clocks",
    "访调：记录信访程序时限（书面告知、办结）",
    notice_due="书面告知信访人截止时间（ISO 时间）",
    conclude_due="信访事项办结截止时间（ISO 时间）",
)
def petition_clocks(params: dict[str, Any], data: dict[str, Any]) -> dict[str, str | None]:
    step = current_step()
    case = case_of(data)
    row = _mediation_of(case)
    row.petition_notice_due_at = parse_time(required(params, "notice_due"))
    row.petition_conclude_due_at = parse_time(required(params, "conclude_due"))
    result = {
        "notice_due": _iso(row.petition_notice_due_at),
        "conclude_due": _iso(row.petition_conclude_due_at),
    }
    step.record("petition_clocks_set", {"case_id": case.id, **result})
    return result


# -- trial runs: the clock's answers, computed as the actions would, nothing written ---------


def _rule_flags(key: str) -> dict[str, bool]:
    rule = rule_of(current_step().session, key)
    return {"extendable": rule.extendable_by == Extension.CONSENT, "pausable": bool(rule.pausable)}


@actions.simulation("mediation.assign")
def _assign_result(params: dict[str, Any], data: dict[str, Any]) -> str:
    return str(required(params, "mediator")).strip()


@actions.simulation("mediation.accept")
def _accept_result(params: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    return {"due": _iso(_due(params)), **_rule_flags(required(params, "rule"))}


@actions.simulation("mediation.extend")
@actions.simulation("mediation.resume")
@actions.simulation("mediation.confirmation")
def _due_result(params: dict[str, Any], data: dict[str, Any]) -> str:
    return _iso(_due(params)) or ""


@actions.simulation("mediation.pause")
def _pause_result(params: dict[str, Any], data: dict[str, Any]) -> str:
    return current_step().now.isoformat()


@actions.simulation("mediation.conclude")
def _conclude_result(params: dict[str, Any], data: dict[str, Any]) -> str:
    outcome = required(params, "outcome")
    if outcome not in OUTCOMES:
        raise ValueError(f"调解结果必须是 达成协议 或 调解不成，实为 {outcome!r}")
    return outcome


@actions.simulation("mediation.petition_clocks")
def _petition_result(params: dict[str, Any], data: dict[str, Any]) -> dict[str, str | None]:
    return {
        "notice_due": _iso(parse_time(required(params, "notice_due"))),
        "conclude_due": _iso(parse_time(required(params, "conclude_due"))),
    }
