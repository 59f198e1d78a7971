"""三调对接的调解记录：签收、指派（及调解员拒绝后另行指派）、调解期限（起算、延期、鉴定暂停）和结果.

One ``Mediation`` row per hand-off case. The diagrams (``handoff``, ``mediation``) compute
every due time with the script helpers (``deadline``, ``extend_due``, ``shift``) and pass
it in; these actions store it on the row and on the case (``Case.due_at`` is the deadline
now running) and write a history event for each change of the mediation clock.

Whether a clock may be extended or paused is the deadline rule's (``extendable_by``,
``max_extension``, ``pausable``): a request the rule does not allow is not an error but a
refusal the diagram shows the mediator (``message``), and the mediation goes on.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from engine import current_step

from ..deadlines import local, rule_of
from ..enums import Extension
from ..models import Case, DeadlineRule, DisputeType, Mediation
from ..roster import assignable
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


def _days(params: dict[str, Any]) -> int:
    days = int(required(params, "days"))
    if days < 1:
        raise ValueError(f"延长天数必须为正整数，实为 {days}")
    return days


def _rule_label(rule: DeadlineRule) -> str:
    return f"时限规则 {rule.key}（{rule.name}）"


def _shown(moment: datetime | None) -> str:
    """A due time as people read it: ``2026-04-13 23:59``."""
    return f"{local(moment):%Y-%m-%d %H:%M}" if moment is not None else "未设定"


# -- 签收、指派、调解员确认 ---------------------------------------------------------------


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


@actions(
    "mediation.step_due",
    "调解开始前一步的办理时限（如指派调解员），记为案件当前时限",
    step="步骤名称，如 指派调解员",
    due="办理时限（ISO 时间）",
)
def step_due(params: dict[str, Any], data: dict[str, Any]) -> str:
    step = current_step()
    case = case_of(data)
    case.due_at = _due(params)
    step.record(
        "mediation_step_due",
        {"case_id": case.id, "step": required(params, "step"), "due": _iso(case.due_at)},
    )
    return _iso(case.due_at) or ""


@actions(
    "mediation.assign",
    "指派调解员（名册中的人员）；调解员应在确认时限内接受或拒绝。返回调解员的姓名（name）、"
    "账号（username，无账号为空）、所在单位代码（unit）和名称（unit_name）、名册编号（entry）",
    entry="调解员在名册中的编号",
    mediator="调解员姓名（旧版流程填写的文本；新流程用 entry）",
    due="调解员确认时限（ISO 时间，可空）",
)
def assign(params: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """Designate the mediator: a roster entry (``entry``), whose account then gets the
    mediation's tasks, or else their organisation's mediators (the diagram says so). An
    older diagram passes a typed name (``mediator``): only the name is known then."""
    step = current_step()
    case = case_of(data)
    row = _mediation_of(case)
    picked = _picked(params)
    row.mediator = picked["name"]
    due = parse_time(params.get("due"))
    if due is not None:
        case.due_at = due
    step.record(
        "mediation_assigned",
        {
            "case_id": case.id,
            "mediator": row.mediator,
            **({"roster_id": picked["entry"]} if picked["entry"] else {}),
            **({"mediator_account": picked["username"]} if picked["username"] else {}),
            **({"mediator_unit": picked["unit"]} if picked["unit"] else {}),
            "due": _iso(due),
            "by": step.actor.user,
        },
    )
    return picked


def _picked(params: dict[str, Any]) -> dict[str, Any]:
    if params.get("entry") in (None, ""):
        name = str(required(params, "mediator")).strip()
        return {"entry": None, "name": name, "username": "", "unit": "", "unit_name": ""}
    return assignable(current_step().session, params["entry"])


@actions(
    "mediation.decline",
    "调解员拒绝委派或逾期未确认（在线调解规则第十二条），待另行指派",
    reason="拒绝理由",
    silent="是否逾期未确认（true/false）",
)
def decline(params: dict[str, Any], data: dict[str, Any]) -> str:
    step = current_step()
    case = case_of(data)
    row = _mediation_of(case)
    silent = bool(params.get("silent"))
    reason = "逾期未确认接受委派" if silent else str(required(params, "reason")).strip()
    step.record(
        "mediation_declined",
        {
            "case_id": case.id,
            "mediator": row.mediator,
            "reason": reason,
            "silent": silent,
            "by": step.actor.user,
        },
    )
    row.mediator = None
    return reason


@actions("mediation.dispute_type", "读取案件当前的纠纷类型（选定调解时限规则用）")
def dispute_type(params: dict[str, Any], data: dict[str, Any]) -> dict[str, str]:
    """``{"code", "name", "subtype"}``: the case's 司法行政 class (e.g. "10" 劳动争议纠纷)."""
    step = current_step()
    case = case_of(data)
    kind = step.session.get(DisputeType, case.dispute_type)
    return {
        "code": case.dispute_type,
        "name": kind.name if kind is not None else "",
        "subtype": case.dispute_subtype or "",
    }


# -- the mediation clock ------------------------------------------------------------------


def _clock_flags(rule: DeadlineRule) -> dict[str, Any]:
    return {
        "rule": rule.key,
        "extendable": rule.extendable_by == Extension.CONSENT,
        "pausable": bool(rule.pausable),
        "max_extension": rule.max_extension,
    }


@actions(
    "mediation.accept",
    "调解员接受委派，调解期限自接受之日起算（特邀调解规定第二十七条）",
    rule="调解时限规则键，如 court.mediation",
    due="调解期限（ISO 时间）",
)
def accept(params: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """Starts the clock; returns ``{"due", "rule", "extendable", "pausable",
    "max_extension"}`` for the diagram's gateways and the mediator's instructions."""
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
    return {"due": _iso(row.due_at), **_clock_flags(rule)}


def _extension_refusal(rule: DeadlineRule, extended: int, days: int) -> str | None:
    """Why the rule does not allow ``days`` more on top of ``extended``, or None."""
    if rule.extendable_by != Extension.CONSENT:
        return f"{_rule_label(rule)}不允许经当事人同意延长"
    if rule.max_extension is not None and extended + days > rule.max_extension:
        left = max(rule.max_extension - extended, 0)
        return (
            f"{_rule_label(rule)}累计最多延长 {rule.max_extension} 天，已延长 {extended} 天，"
            f"还可延长 {left} 天，本次申请 {days} 天超出"
        )
    return None


@actions(
    "mediation.extension",
    "经全体当事人同意延长调解期限（特邀调解规定第二十七条：当事人同意延长的不受限制）",
    rule="调解时限规则键",
    days="延长天数",
    due="延长后的调解期限（ISO 时间）",
    requested_by="提出延期的一方",
    agreed_by="同意延期的当事人",
)
def extension(params: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """Extends the clock if the rule allows it; returns ``{"granted", "due",
    "extended_days", "message"}`` (a refusal keeps the due and says why)."""
    who = {
        "requested_by": str(required(params, "requested_by")),
        "agreed_by": str(required(params, "agreed_by")),
    }
    return _extend(params, data, who)


@actions(
    "mediation.extend",
    "经当事人同意延长调解期限（0011 之前的流程版本使用；新版本用 mediation.extension）",
    rule="调解时限规则键",
    days="延长天数",
    due="延长后的调解期限（ISO 时间）",
)
def extend(params: dict[str, Any], data: dict[str, Any]) -> str:
    """The extension as cases still running on older diagram versions call it: the new
    due (ISO), or an error when the rule refuses."""
    result = _extend(params, data, {})
    if not result["granted"]:
        raise ValueError(result["message"])
    return result["due"] or ""


def _extend(params: dict[str, Any], data: dict[str, Any], who: dict[str, str]) -> dict[str, Any]:
    step = current_step()
    case = case_of(data)
    row = _mediation_of(case)
    days = _days(params)
    rule = rule_of(step.session, required(params, "rule"))
    refusal = _extension_refusal(rule, row.extended_days, days)
    if refusal is not None:
        message = f"延期申请未获准许：{refusal}。调解期限仍为 {_shown(row.due_at)}。"
        step.record(
            "mediation_extension_refused",
            {"case_id": case.id, "days": days, **who, "message": message, "by": step.actor.user},
        )
        return _extension_result(row, granted=False, message=message)
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
            **who,
            "by": step.actor.user,
        },
    )
    message = f"已经当事人同意延长 {days} 天，调解期限延至 {_shown(row.due_at)}。"
    return _extension_result(row, granted=True, message=message)


def _extension_result(row: Mediation, *, granted: bool, message: str) -> dict[str, Any]:
    return {
        "granted": granted,
        "due": _iso(row.due_at),
        "extended_days": row.extended_days,
        "message": message,
    }


@actions(
    "mediation.refuse_pause",
    "本类调解不允许因鉴定、评估暂停计时：记录并告知调解员，调解期限照常计算",
    rule="调解时限规则键",
)
def refuse_pause(params: dict[str, Any], data: dict[str, Any]) -> str:
    step = current_step()
    case = case_of(data)
    row = _mediation_of(case)
    rule = rule_of(step.session, required(params, "rule"))
    message = (
        f"暂停计时未获准许：{_rule_label(rule)}不因鉴定、评估暂停，"
        f"调解期限仍为 {_shown(row.due_at)}。"
    )
    step.record(
        "mediation_pause_refused", {"case_id": case.id, "message": message, "by": step.actor.user}
    )
    return message


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
    "记录调解结果：达成协议或调解不成（附理由；拒绝调解、期满未达成协议均为调解不成）",
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


# -- trial runs: the clock's answers, computed as the actions would, nothing written ---------


def _rule_flags(key: str) -> dict[str, Any]:
    return _clock_flags(rule_of(current_step().session, key))


@actions.simulation("mediation.assign")
def _assign_result(params: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    if params.get("entry") in (None, ""):
        name = str(required(params, "mediator")).strip()
    else:
        name = f"名册第 {params['entry']} 号调解员"
    return {"entry": None, "name": name, "username": "", "unit": "", "unit_name": ""}


@actions.simulation("mediation.decline")
def _decline_result(params: dict[str, Any], data: dict[str, Any]) -> str:
    return "逾期未确认接受委派" if params.get("silent") else str(required(params, "reason"))


@actions.simulation("mediation.dispute_type")
def _dispute_result(params: dict[str, Any], data: dict[str, Any]) -> dict[str, str]:
    return {"code": str(data.get("dispute_type") or ""), "name": "", "subtype": ""}


@actions.simulation("mediation.accept")
def _accept_result(params: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    return {"due": _iso(_due(params)), **_rule_flags(required(params, "rule"))}


@actions.simulation("mediation.extension")
def _extension_result_simulated(params: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    rule = rule_of(current_step().session, required(params, "rule"))
    refusal = _extension_refusal(rule, 0, _days(params))
    due = _iso(_due(params))
    return {"granted": refusal is None, "due": due, "extended_days": 0, "message": refusal or ""}


@actions.simulation("mediation.refuse_pause")
def _refuse_pause_result(params: dict[str, Any], data: dict[str, Any]) -> str:
    return f"暂停计时未获准许：{_rule_label(rule_of(current_step().session, params['rule']))}"


@actions.simulation("mediation.step_due")
@actions.simulation("mediation.extend")
@actions.simulation("mediation.resume")
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
