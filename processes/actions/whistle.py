"""中心吹哨、部门报到: the departments a whistle summons, their 报到 and how they were chased;
the 办结时限 rule a whistle runs under, and the extensions its 牵头领导 grants or refuses."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from engine import current_step

from ..models import Case, Department, ProgressReport, Summons
from ..stations import liaison_on_duty
from ..whistle_deadline import HandleRule, extension_problem, handle_rule
from .base import ActionSet, case_of, parse_time, required

actions = ActionSet()


def _summons_of(case_id: int, department: str) -> Summons:
    row = (
        current_step()
        .session.query(Summons)
        .filter_by(case_id=case_id, department=department)
        .one_or_none()
    )
    if row is None:
        raise ValueError(f"部门 {department} 未被本案件吹哨召集")
    return row


@actions(
    "summons.create",
    "吹哨召集部门：为每个部门登记报到记录与报到时限",
    departments="被召集的部门名称列表",
    due="报到时限（ISO 时间）",
)
def create(params: dict[str, Any], data: dict[str, Any]) -> str:
    step = current_step()
    case = case_of(data)
    departments = required(params, "departments")
    if isinstance(departments, str):
        departments = [departments]
    due_text = required(params, "due")
    due = parse_time(due_text)
    existing = {row.department for row in step.session.query(Summons).filter_by(case_id=case.id)}
    added = [name for name in dict.fromkeys(departments) if name not in existing]
    step.session.add_all(
        Summons(case_id=case.id, department=name, summoned_at=step.now, due_at=due, chased=0)
        for name in added
    )
    step.session.flush()
    step.record(
        "departments_summoned",
        {"case_id": case.id, "departments": added, "due": due.isoformat()},
    )
    return due_text


@actions(
    "summons.on_duty",
    "查找被召集部门当天的值班联络员：部门名称 → 联络员用户名（liaison，无人值班为空）"
    "和部门的单位代码（unit）",
    departments="被召集的部门名称列表",
)
def on_duty(params: dict[str, Any], data: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Who gets each department's 报到: the liaison on duty today at the center serving
    the case (``processes.stations``), else the department's unit as a whole."""
    step = current_step()
    case = case_of(data)
    names = _names(required(params, "departments"))
    query = select(Department.name, Department.code).where(Department.name.in_(names))
    codes = dict(step.session.execute(query).all())
    found = {}
    for name in names:
        code = codes.get(name, "")
        liaison = (
            liaison_on_duty(
                step.session, department_code=code, region_code=case.region_code, day=step.now
            )
            if code
            else None
        )
        found[name] = {"liaison": liaison or "", "unit": code}
    return found


def _names(departments: Any) -> list[str]:
    if isinstance(departments, str):
        departments = [departments]
    return list(dict.fromkeys(str(name) for name in departments))


@actions("summons.acknowledge", "记录部门报到（时间、报到人）", department="报到的部门")
def acknowledge(params: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    step = current_step()
    case = case_of(data)
    row = _summons_of(case.id, required(params, "department"))
    if row.acknowledged_at is None:
        row.acknowledged_at, row.acknowledged_by = step.now, step.actor.user
        step.record(
            "department_acknowledged",
            {"case_id": case.id, "department": row.department, "by": row.acknowledged_by},
        )
    on_time = row.due_at is None or row.acknowledged_at <= row.due_at
    return {"department": row.department, "on_time": on_time, "chased": row.chased}


@actions("summons.chase", "催促逾期未报到的部门（计催报次数）", department="未报到的部门")
def chase(params: dict[str, Any], data: dict[str, Any]) -> int:
    step = current_step()
    case = case_of(data)
    row = _summons_of(case.id, required(params, "department"))
    if row.acknowledged_at is None:
        row.chased += 1
        step.record(
            "department_chased",
            {"case_id": case.id, "department": row.department, "times": row.chased},
        )
    return row.chased


# -- 定办结时限: the rule, extensions ---------------------------------------------------------


@actions(
    "whistle.handle_rule",
    "读取办结时限规则：本案颜色的默认时限、最长时限、单位、可否延长、预警提前小时数",
    key="时限规则名（如 whistle.handle）",
    risk="风险等级",
)
def read_handle_rule(params: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    session = current_step().session
    return handle_rule(session, required(params, "key"), params.get("risk")).as_data()


def _days(params: dict[str, Any]) -> int:
    days = required(params, "days")
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise ValueError(f"延长天数必须是正整数，实为 {days!r}")
    return days


@actions(
    "whistle.request_extension",
    "登记责任人的延期申请（理由、天数），返回已申请次数",
    days="申请延长的天数（按时限规则的单位）",
    reason="申请理由",
    due="现办结时限（ISO 时间）",
    count="本次是第几次申请",
)
def request_extension(params: dict[str, Any], data: dict[str, Any]) -> int:
    step = current_step()
    case = case_of(data)
    count = int(required(params, "count"))
    step.record(
        "deadline_extension_requested",
        {
            "case_id": case.id,
            "days": _days(params),
            "reason": required(params, "reason"),
            "due": required(params, "due"),
            "request": count,
        },
    )
    return count


@actions(
    "whistle.extend",
    "牵头领导批准延期：办结时限顺延，记录原时限、新时限、批准人和理由",
    due="延长后的办结时限（ISO 时间，由 extend_due 计算）",
    old_due="原办结时限（ISO 时间）",
    days="延长天数",
    reason="申请理由",
    note="牵头领导审批意见",
    latest="最迟办结时限（ISO 时间，可空：不设上限）",
)
def extend(params: dict[str, Any], data: dict[str, Any]) -> str:
    step = current_step()
    case = case_of(data)
    new, old = parse_time(required(params, "due")), parse_time(required(params, "old_due"))
    latest = parse_time(params.get("latest"))
    rule = HandleRule.from_data(data.get("handle_rule"))
    problem = extension_problem(rule, new, latest)
    if problem:
        raise ValueError(problem)
    case.due_at = new
    note = params.get("note") or ""
    step.record(
        "deadline_extended",
        {
            "case_id": case.id,
            "old_due": old.isoformat(),
            "new_due": new.isoformat(),
            "days": _days(params),
            "reason": params.get("reason") or "",
            "approved_by": step.actor.user,
            "note": note,
        },
    )
    _report_extension(
        step, case, f"牵头领导同意延期：办结时限由 {old:%Y-%m-%d} 延至 {new:%Y-%m-%d}。{note}"
    )
    return new.isoformat()


@actions(
    "whistle.refuse_extension",
    "牵头领导不同意延期：办结时限不变，记录审批意见并告知责任人",
    due="现办结时限（ISO 时间）",
    days="申请延长的天数",
    reason="申请理由",
    note="牵头领导审批意见",
)
def refuse_extension(params: dict[str, Any], data: dict[str, Any]) -> bool:
    step = current_step()
    case = case_of(data)
    note = required(params, "note")
    step.record(
        "deadline_extension_refused",
        {
            "case_id": case.id,
            "due": required(params, "due"),
            "days": _days(params),
            "reason": params.get("reason") or "",
            "refused_by": step.actor.user,
            "note": note,
        },
    )
    _report_extension(step, case, f"牵头领导不同意延期（申请 {params['days']} 天）：{note}")
    return True


# -- trial runs: answers as the actions would give for a department summoned just now ---------


@actions.simulation("summons.create")
def _summoned_result(params: dict[str, Any], data: dict[str, Any]) -> str:
    required(params, "departments")
    due_text = required(params, "due")
    parse_time(due_text)
    return due_text


@actions.simulation("summons.on_duty")
def _on_duty_result(params: dict[str, Any], data: dict[str, Any]) -> dict[str, dict[str, str]]:
    return {name: {"liaison": "", "unit": ""} for name in _names(required(params, "departments"))}


@actions.simulation("summons.acknowledge")
def _acknowledged_result(params: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    return {"department": required(params, "department"), "on_time": True, "chased": 0}


@actions.simulation("whistle.handle_rule")
def _rule_result(params: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    return read_handle_rule(params, data)  # reads the rule, writes nothing


@actions.simulation("whistle.request_extension")
def _requested_result(params: dict[str, Any], data: dict[str, Any]) -> int:
    _days(params)
    return int(required(params, "count"))


@actions.simulation("whistle.extend")
def _extended_result(params: dict[str, Any], data: dict[str, Any]) -> str:
    _days(params)
    new = parse_time(required(params, "due"))
    problem = extension_problem(
        HandleRule.from_data(data.get("handle_rule")), new, parse_time(params.get("latest"))
    )
    if problem:
        raise ValueError(problem)
    return new.isoformat()


@actions.simulation("whistle.refuse_extension")
def _refused_result(params: dict[str, Any], data: dict[str, Any]) -> bool:
    _days(params)
    required(params, "note")
    return True


@actions.simulation("summons.chase")
def _chased_result(params: dict[str, Any], data: dict[str, Any]) -> int:
    required(params, "department")
    return 1


def _report_extension(step, case: Case, text: str) -> None:
    """The leader's decision on an extension, in the case's progress reports (延期)."""
    step.session.add(
        ProgressReport(
            case_id=case.id,
            kind="延期",
            at=step.now,
            by=step.actor.user,
            level=case.level,
            text=text,
        )
    )
