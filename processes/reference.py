"""Reference data admins edit without a release: regions, dispute types, departments.

Rows are never deleted (cases point at them); an admin deactivates one instead. Every
change is an operation-log entry with the row before and after. A department is also a
unit (``processes.units``): saving one creates or updates its unit in the same step.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .calendar import OperationRecorder
from .models import Department, DisputeType, Region
from .units import UnitInvalid, sync_department

REFERENCE_CHANGED = "reference_changed"
REGION_LEVELS = ("市", "县", "镇", "村", "网格")
"""From the top down; a region's parent is one level above it (a top region has none)."""
STATIONS = ("常驻", "轮驻", "随叫随驻")


class ReferenceInvalid(ValueError):
    """An edit that would leave the reference data inconsistent; the message says why."""


@dataclass(frozen=True)
class Kind:
    model: type
    label: str
    fields: tuple[str, ...]


KINDS: dict[str, Kind] = {
    "region": Kind(Region, "区划", ("name", "level", "parent_code", "active")),
    "dispute_type": Kind(DisputeType, "纠纷类型", ("name", "parent_code", "active")),
    "department": Kind(Department, "部门", ("name", "station", "active")),
}


def list_rows(session: Session, kind: str, *, active_only: bool = False) -> list[Any]:
    spec = _kind(kind)
    query = select(spec.model).order_by(spec.model.code)
    if active_only:
        query = query.where(spec.model.active.is_(True))
    return list(session.execute(query).scalars())


def save_row(
    session: Session,
    kind: str,
    *,
    code: str,
    values: Mapping[str, Any],
    actor: str,
    record: OperationRecorder,
) -> Any:
    """Create or update the ``kind`` row ``code``; unknown fields and bad values are refused."""
    spec = _kind(kind)
    code = (code or "").strip()
    if not code or len(code) > 20:
        raise ReferenceInvalid(f"{spec.label}代码不能为空，且不超过 20 个字符")
    unknown = sorted(set(values) - set(spec.fields))
    if unknown:
        raise ReferenceInvalid(f"{spec.label}没有字段：{'、'.join(unknown)}")
    row = session.get(spec.model, code)
    before = _state(row, spec) if row is not None else None
    if row is None:
        row = spec.model(code=code, active=True)
        session.add(row)
    with session.no_autoflush:  # check before the row is written
        for field, value in values.items():
            setattr(row, field, value)
        _check(session, kind, row)
        _check_children(session, kind, row)
    session.flush()
    after = _state(row, spec)
    if after != before:
        record(
            session,
            event_type=REFERENCE_CHANGED,
            actor=actor,
            data={"kind": kind, "code": code, "before": before, "after": after},
        )
    if kind == "department":
        try:
            sync_department(session, row, actor=actor, record=record)
        except UnitInvalid as exc:
            raise ReferenceInvalid(str(exc)) from exc
    return row


def _kind(kind: str) -> Kind:
    if kind not in KINDS:
        raise ReferenceInvalid(f"未知的参考数据类别 {kind}；可选：{'、'.join(KINDS)}")
    return KINDS[kind]


def _state(row: Any, spec: Kind) -> dict[str, Any]:
    return {field: getattr(row, field) for field in spec.fields}


def _check(session: Session, kind: str, row: Any) -> None:
    if not (row.name or "").strip():
        raise ReferenceInvalid("名称不能为空")
    if kind == "region" and row.level not in REGION_LEVELS:
        raise ReferenceInvalid(f"区划层级必须是：{'、'.join(REGION_LEVELS)}")
    if kind == "department" and row.station not in STATIONS:
        raise ReferenceInvalid(f"驻点方式必须是：{'、'.join(STATIONS)}")
    parent_code = getattr(row, "parent_code", None)
    if parent_code is None:
        return
    if parent_code == row.code:
        raise ReferenceInvalid("上级不能是自己")
    parent = session.get(type(row), parent_code)
    if parent is None:
        raise ReferenceInvalid(f"上级代码 {parent_code} 不存在")
    if kind == "dispute_type" and parent.parent_code is not None:
        raise ReferenceInvalid("纠纷类型只有两级：上级必须是一级分类")
    if kind == "region" and REGION_LEVELS.index(row.level) != REGION_LEVELS.index(parent.level) + 1:
        raise ReferenceInvalid(
            f"{row.level}级区划的上级必须是{REGION_LEVELS[REGION_LEVELS.index(row.level) - 1]}级"
        )


def _check_children(session: Session, kind: str, row: Any) -> None:
    """A row with children keeps them consistent: a dispute type with subtypes stays
    first-level; a region's children stay one level below it."""
    if kind not in ("region", "dispute_type"):
        return
    model = type(row)
    children = session.execute(select(model).where(model.parent_code == row.code)).scalars()
    for child in children:
        if kind == "dispute_type" and row.parent_code is not None:
            raise ReferenceInvalid(f"{row.name}下有二级分类（如 {child.name}），不能再设上级")
        if (
            kind == "region"
            and REGION_LEVELS.index(child.level) != REGION_LEVELS.index(row.level) + 1
        ):
            raise ReferenceInvalid(
                f"{row.name}下有{child.level}级区划（如 {child.name}），层级不能改为{row.level}"
            )


DEMO_REGIONS = [
    ("620702", "甘州区", "县", None),
    ("620702101", "大满镇", "镇", "620702"),
    ("620702101201", "大满村", "村", "620702101"),
    ("62070210120101", "大满村第一网格", "网格", "620702101201"),
    ("620702101202", "新华村", "村", "620702101"),
    ("62070210120201", "新华村第一网格", "网格", "620702101202"),
]


def ensure_demo_regions(session: Session, *, actor: str, record: OperationRecorder) -> int:
    """Create the demo region tree where missing; returns how many rows were added."""
    added = 0
    for code, name, level, parent in DEMO_REGIONS:
        if session.get(Region, code) is None:
            save_row(
                session,
                "region",
                code=code,
                values={"name": name, "level": level, "parent_code": parent},
                actor=actor,
                record=record,
            )
            added += 1
    return added
