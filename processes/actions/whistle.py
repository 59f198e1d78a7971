"""中心吹哨、部门报到: the departments a whistle summons, their 报到 and how they were chased."""

from __future__ import annotations

from typing import Any

from engine import current_step

from ..models import Summons
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


# -- trial runs: answers as the actions would give for a department summoned just now ---------


@actions.simulation("summons.create")
def _summoned_result(params: dict[str, Any], data: dict[str, Any]) -> str:
    required(params, "departments")
    due_text = required(params, "due")
    parse_time(due_text)
    return due_text


@actions.simulation("summons.acknowledge")
def _acknowledged_result(params: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    return {"department": required(params, "department"), "on_time": True, "chased": 0}


@actions.simulation("summons.chase")
def _chased_result(params: dict[str, Any], data: dict[str, Any]) -> int:
    required(params, "department")
    return 1
