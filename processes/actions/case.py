"""Actions on the case itself: register, route, hand between levels, resolve, close.

Every change a person would ask about later (who moved the case where, by when, why) is
also a history event of the instance, in the same transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from engine import current_step

from ..calendar import load_calendar
from ..codes import next_case_code
from ..enums import CaseStatus, Remedy, RiskColour, Route
from ..handling import holder_role, record_handling, recorded_handling
from ..models import ProgressReport, Unit
from ..risk_colour import record_colour
from ..risk_raise import RiskEvent, raise_in_step
from ..roles import Role
from ..whistle_deadline import HandleRule, check_fixed, check_longer, fixed_due
from .base import ActionSet, case_of, parse_time, required

actions = ActionSet()


@actions("case.register", "登记赋码：为案件分配一案一码并登记受理")
def register(params: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    step = current_step()
    case = case_of(data)
    if case.code is None:
        case.code = next_case_code(step.session, region_code=case.region_code, at=step.now)
        step.record("case_registered", {"case_id": case.id, "code": case.code})
    return {"code": case.code, "risk_colour": case.risk_colour}


@actions(
    "case.set_route",
    "记录分流结果（来自分流决策表）",
    route="分流去向",
    reason="分流理由",
)
def set_route(params: dict[str, Any], data: dict[str, Any]) -> str:
    route = Route(required(params, "route"))
    case = case_of(data)
    case.route, case.route_reason = route, params.get("reason") or ""
    case.status = CaseStatus.HANDLING
    current_step().record(
        "case_routed", {"case_id": case.id, "route": route, "reason": case.route_reason}
    )
    return route


@actions(
    "case.set_level",
    "案件交由某一层级或单位办理，并设定该层级的办理时限",
    level="承办层级或角色",
    unit="承办单位（可空）",
    due="办理时限（ISO 时间，可空）",
    note="交接说明",
)
def set_level(params: dict[str, Any], data: dict[str, Any]) -> str:
    step = current_step()
    case = case_of(data)
    level, previous = required(params, "level"), case.level
    case.level, case.due_at = level, parse_time(params.get("due"))
    if params.get("unit"):
        case.owner_unit = params["unit"]
    note = params.get("note") or ""
    step.session.add(
        ProgressReport(
            case_id=case.id, kind="交接", at=step.now, by=step.actor.user, level=level, text=note
        )
    )
    step.record(
        "case_level_changed",
        {
            "case_id": case.id,
            "from": previous,
            "to": level,
            "due": case.due_at.isoformat() if case.due_at else None,
            "by": step.actor.user,
            "note": note,
        },
    )
    return level


@actions(
    "case.mark_overdue",
    "标记超期（红色标识，启动督办），并按风险等级自动上调规则（risk_raise.dmn）上调风险等级",
    reason="超期说明",
)
def mark_overdue(params: dict[str, Any], data: dict[str, Any]) -> bool:
    case = case_of(data)
    if not case.overdue:
        case.overdue = True
        current_step().record(
            "case_overdue", {"case_id": case.id, "reason": params.get("reason") or ""}
        )
    raise_in_step(case, RiskEvent.OVERDUE)
    return True


@actions("case.resolve", "案件化解（待回访）", result="化解结果", note="办理情况")
def resolve(params: dict[str, Any], data: dict[str, Any]) -> str:
    step = current_step()
    case = case_of(data)
    case.status, case.resolved_at = CaseStatus.RESOLVED, step.now
    case.result, case.result_note = required(params, "result"), params.get("note") or ""
    handled = record_handling(step.session, case, step.actor)
    step.record(
        "case_resolved",
        {
            "case_id": case.id,
            "result": case.result,
            "handled_lane": handled.lane,
            "handled_unit": handled.unit,
        },
    )
    return case.result


@actions(
    "case.guide",
    "不宜调解：引导当事人通过其他途径解决，并记录理由",
    remedy="引导途径：仲裁/行政裁决/行政复议/诉讼/信访",
    reason="理由",
)
def guide(params: dict[str, Any], data: dict[str, Any]) -> str:
    step = current_step()
    case = case_of(data)
    remedy, reason = Remedy(required(params, "remedy")), required(params, "reason")
    case.status, case.remedy, case.result_note = CaseStatus.GUIDED, remedy, reason
    case.result, case.closed_at = "引导至其他途径", step.now
    step.record("case_guided", {"case_id": case.id, "remedy": remedy, "reason": reason})
    return remedy


@actions("case.return_to_source", "退回来源单位（进得来、回得去）", reason="退回理由")
def return_to_source(params: dict[str, Any], data: dict[str, Any]) -> str:
    step = current_step()
    case = case_of(data)
    reason = required(params, "reason")
    case.status, case.result, case.result_note = CaseStatus.RETURNED, "退回", reason
    case.closed_at = step.now
    step.record("case_returned", {"case_id": case.id, "reason": reason})
    return reason


@actions("case.close", "结案")
def close(params: dict[str, Any], data: dict[str, Any]) -> str:
    step = current_step()
    case = case_of(data)
    case.status, case.closed_at, case.due_at = CaseStatus.CLOSED, step.now, None
    step.record("case_closed", {"case_id": case.id, "evaluation": case.evaluation})
    return case.status


@actions("case.set_risk", "调整风险等级（三色预警）", colour="红/黄/绿", reason="调整理由")
def set_risk(params: dict[str, Any], data: dict[str, Any]) -> str:
    """The diagram passes the colour from its own data, which therefore already holds it."""
    case = case_of(data)
    colour = RiskColour(required(params, "colour"))
    record_colour(case, colour, params.get("reason") or "", record=current_step().record)
    return colour


@actions("case.set_leader", "指定包案领导（红色案件一人一案）", leader="包案领导")
def set_leader(params: dict[str, Any], data: dict[str, Any]) -> str:
    case = case_of(data)
    case.case_leader = required(params, "leader")
    current_step().record("case_leader_set", {"case_id": case.id, "leader": case.case_leader})
    return case.case_leader


@actions(
    "case.fix_four",
    "四定：牵头领导、责任单位、责任人、办结时限（均为必填；办结时限不超过规则允许的最长期限）",
    lead_leader="牵头领导（用户名）",
    responsible_unit="责任单位（单位代码）",
    responsible_person="责任人（用户名）",
    due="办结时限（ISO 时间，按工作日数算出；与 due_date 二选一）",
    due_date="办结日期（年-月-日，须为工作日；与 due 二选一）",
    latest="最迟办结时限（ISO 时间；空：不设上限）",
    longer_reason="长于规则默认时限的理由（长于默认时限时必填）",
)
def fix_four(params: dict[str, Any], data: dict[str, Any]) -> str:
    case = case_of(data)
    _check_four(params)
    case.lead_leader = params["lead_leader"]
    case.responsible_unit = params["responsible_unit"]
    case.responsible_person = params["responsible_person"]
    case.due_at = _four_due(params, data)
    unit = current_step().session.get(Unit, case.responsible_unit)
    case.level, case.owner_unit = "中心吹哨", unit.name if unit else case.responsible_unit
    current_step().record(
        "case_four_fixed",
        {
            "case_id": case.id,
            "lead_leader": case.lead_leader,
            "responsible_unit": case.responsible_unit,
            "responsible_person": case.responsible_person,
            "due": case.due_at.isoformat(),
            **_reason(params.get("longer_reason")),
        },
    )
    return case.due_at.isoformat()


def _reason(text: Any) -> dict[str, str]:
    return {"longer_reason": text.strip()} if isinstance(text, str) and text.strip() else {}


def _four_due(params: dict[str, Any], data: dict[str, Any]) -> datetime:
    """The 办结时限 asked for (a due time, or a working day's end), refused beyond the
    rule's longest limit: never shortened in silence."""
    step = current_step()
    due_text, day = params.get("due") or "", params.get("due_date") or ""
    if due_text and day:
        raise ValueError("办结时限只能按工作日数或办结日期之一确定")
    if due_text:
        field, due = "handle_days", parse_time(due_text)
    else:
        field, due = fixed_due(
            days=None, day=day, now=step.now, calendar=load_calendar(step.session)
        )
    rule = HandleRule.from_data(data.get("handle_rule"))
    check_fixed(rule, field, due, parse_time(params.get("latest")))
    check_longer(rule, due, step.now, load_calendar(step.session), params.get("longer_reason"))
    return due


def _check_four(params: dict[str, Any]) -> None:
    missing = [
        label
        for names, label in (
            (("lead_leader",), "牵头领导"),
            (("responsible_unit",), "责任单位"),
            (("responsible_person",), "责任人"),
            (("due", "due_date"), "办结时限"),
        )
        if not any(str(params.get(name) or "").strip() for name in names)
    ]
    if missing:
        raise ValueError(f"四定未填全，缺少：{'、'.join(missing)}")


@actions("case.report", "记录进展（包跟踪）或反馈（包反馈）", kind="进展/反馈/交接", text="内容")
def report(params: dict[str, Any], data: dict[str, Any]) -> int:
    step = current_step()
    case = case_of(data)
    row = ProgressReport(
        case_id=case.id,
        kind=required(params, "kind"),
        at=step.now,
        by=step.actor.user,
        level=case.level,
        text=params.get("text") or "",
    )
    step.session.add(row)
    step.session.flush()
    return row.id


@actions("case.holder_role", "确定案件的承办层级（退回再办交由原承办层级）")
def handler_role(params: dict[str, Any], data: dict[str, Any]) -> str:
    return holder_role(case_of(data)).value


@actions(
    "case.handling",
    "确定化解本案的层级和单位（二次督办交回原承办单位）："
    "返回 lane（泳道）、unit（单位代码，空为整个泳道）、name（单位名称）",
)
def handling(params: dict[str, Any], data: dict[str, Any]) -> dict[str, str]:
    step = current_step()
    return recorded_handling(step.session, case_of(data)).data()


# -- trial runs: what each action would answer, checked as it would be, nothing written ------


@actions.simulation("case.register")
def _register_result(params: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    return {"code": "试运行", "risk_colour": data.get("risk_colour")}


@actions.simulation("case.set_route")
def _route_result(params: dict[str, Any], data: dict[str, Any]) -> str:
    return Route(required(params, "route"))


@actions.simulation("case.set_level")
def _level_result(params: dict[str, Any], data: dict[str, Any]) -> str:
    parse_time(params.get("due"))
    return required(params, "level")


@actions.simulation("case.mark_overdue")
def _overdue_result(params: dict[str, Any], data: dict[str, Any]) -> bool:
    return True


@actions.simulation("case.resolve")
def _resolve_result(params: dict[str, Any], data: dict[str, Any]) -> str:
    return required(params, "result")


@actions.simulation("case.guide")
def _guide_result(params: dict[str, Any], data: dict[str, Any]) -> str:
    required(params, "reason")
    return Remedy(required(params, "remedy"))


@actions.simulation("case.return_to_source")
def _return_result(params: dict[str, Any], data: dict[str, Any]) -> str:
    return required(params, "reason")


@actions.simulation("case.close")
def _close_result(params: dict[str, Any], data: dict[str, Any]) -> str:
    return CaseStatus.CLOSED


@actions.simulation("case.set_risk")
def _risk_result(params: dict[str, Any], data: dict[str, Any]) -> str:
    return RiskColour(required(params, "colour"))


@actions.simulation("case.set_leader")
def _leader_result(params: dict[str, Any], data: dict[str, Any]) -> str:
    return required(params, "leader")


@actions.simulation("case.fix_four")
def _four_result(params: dict[str, Any], data: dict[str, Any]) -> str:
    _check_four(params)
    return _four_due(params, data).isoformat()


@actions.simulation("case.holder_role")
def _holder_result(params: dict[str, Any], data: dict[str, Any]) -> str:
    return Role.TOWNSHIP_CENTER.value


@actions.simulation("case.handling")
def _handling_result(params: dict[str, Any], data: dict[str, Any]) -> dict[str, str]:
    lane = Role.TOWNSHIP_CENTER.value
    return {"lane": lane, "unit": "", "name": lane}
