"""Units (单位): the bodies people work for and tasks can be offered to.

Every account belongs to a unit; every department is also a unit with the same code
(kind 部门), created and renamed with it (``sync_department``). A center, a township's
government and a village committee serve one region of the matching level; the nearest
such unit above a case's region is the one that handles it at that level
(``nearest_unit``). Rows are never deleted (accounts and stations point at them): an
admin deactivates one. Every change is a ``unit_changed`` entry in the operation log.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .calendar import OperationRecorder
from .enums import UnitKind
from .models import Department, Region, Unit
from .refusals import FieldRefused
from .region_tree import RegionLinks

UNIT_CHANGED = "unit_changed"
FIELDS = ("name", "kind", "region_code", "parent_code", "active")
CODE_MAX = 20
NAME_MAX = 120

REGION_LEVELS: dict[str, tuple[str, ...]] = {
    UnitKind.COUNTY_CENTER: ("市", "县"),
    UnitKind.TOWNSHIP_CENTER: ("镇",),
    UnitKind.TOWNSHIP_GOVERNMENT: ("镇",),
    UnitKind.VILLAGE: ("村",),
}
"""Kinds that serve one region, and the levels that region may be."""
CENTER_KINDS = (UnitKind.TOWNSHIP_CENTER, UnitKind.COUNTY_CENTER)
"""The kinds of unit departments are stationed at."""


class UnitInvalid(FieldRefused):
    """A unit edit that would leave the units inconsistent."""


def list_units(session: Session, *, active_only: bool = False) -> list[Unit]:
    query = select(Unit).order_by(Unit.code)
    if active_only:
        query = query.where(Unit.active.is_(True))
    return list(session.scalars(query))


def unit_state(unit: Unit) -> dict[str, Any]:
    """What the operation log keeps of a unit."""
    return {
        "unit_name": unit.name,
        "kind": unit.kind,
        "region_code": unit.region_code,
        "parent_code": unit.parent_code,
        "active": unit.active,
    }


def save_unit(
    session: Session,
    *,
    code: str,
    values: Mapping[str, Any],
    actor: str,
    record: OperationRecorder,
    create: bool = False,
) -> Unit:
    """Create or update the unit ``code`` from ``values`` (``FIELDS``); ``create`` refuses
    a code already in use. A department's unit takes its name and status from the
    department (``sync_department``): changing them here is refused."""
    code = (code or "").strip()
    _check_code(code)
    unknown = sorted(set(values) - set(FIELDS))
    if unknown:
        raise UnitInvalid(f"单位没有字段：{'、'.join(unknown)}")
    unit = session.get(Unit, code)
    if unit is not None and create:
        raise UnitInvalid(f"代码已存在：{code}（{unit.name}）", field="code")
    department = session.get(Department, code)
    if department is not None:
        _check_department_fields(unit, department, values)
    return _write(session, code, unit, values, actor=actor, record=record)


def sync_department(
    session: Session, department: Department, *, actor: str, record: OperationRecorder
) -> Unit:
    """Create or update the unit of ``department``: same code, kind 部门, its name and
    status. A unit of another kind already holding the code is refused."""
    unit = session.get(Unit, department.code)
    if unit is not None and unit.kind != UnitKind.DEPARTMENT:
        raise UnitInvalid(
            f"代码 {department.code} 已是单位「{unit.name}」（{unit.kind}），部门请换一个代码",
            field="code",
        )
    values = {"name": department.name, "active": department.active}
    if unit is None:
        values["kind"] = UnitKind.DEPARTMENT
    return _write(session, department.code, unit, values, actor=actor, record=record)


def nearest_unit(session: Session, *, region_code: str, kinds: Iterable[str]) -> Unit | None:
    """The active unit of one of ``kinds`` serving ``region_code`` or its nearest ancestor:
    the township center of a grid's township, else the county center."""
    chain = RegionLinks.load(session).chain(region_code)
    units = session.scalars(
        select(Unit).where(
            Unit.active.is_(True),
            Unit.kind.in_([str(kind) for kind in kinds]),
            Unit.region_code.in_(chain),
        )
    )
    return min(units, key=lambda unit: (chain.index(unit.region_code), unit.code), default=None)


# -- writing ------------------------------------------------------------------------------


def _write(
    session: Session,
    code: str,
    unit: Unit | None,
    values: Mapping[str, Any],
    *,
    actor: str,
    record: OperationRecorder,
) -> Unit:
    before = unit_state(unit) if unit is not None else None
    if unit is None:
        unit = Unit(code=code, active=True)
    with session.no_autoflush:  # check before the row is written
        for field, value in values.items():
            setattr(unit, field, value)
        try:
            _check(session, unit)
        except UnitInvalid:
            if before is not None:
                session.expire(unit)  # a refused edit leaves the row as it was
            raise
    session.add(unit)
    session.flush()
    after = unit_state(unit)
    if after != before:
        record(
            session,
            event_type=UNIT_CHANGED,
            actor=actor,
            data={"unit": code, "before": before, "after": after},
        )
    return unit


# -- checks ---------------------------------------------------------------------------


def _check_code(code: str) -> None:
    if not code or len(code) > CODE_MAX or any(ch.isspace() for ch in code):
        raise UnitInvalid(f"单位代码不能为空、不能含空格，且不超过 {CODE_MAX} 个字符", field="code")


def _check_department_fields(
    unit: Unit | None, department: Department, values: Mapping[str, Any]
) -> None:
    if unit is None:
        raise UnitInvalid(
            f"代码 {department.code} 是部门「{department.name}」的代码，请换一个", field="code"
        )
    if values.get("kind", unit.kind) != UnitKind.DEPARTMENT:
        raise UnitInvalid("部门的单位类型只能是「部门」", field="kind")
    for field, label in (("name", "名称"), ("active", "启用状态")):
        if field in values and values[field] != getattr(department, field):
            raise UnitInvalid(
                f"部门单位的{label}随「部门」设置，请在 系统管理 › 部门 中修改", field=field
            )


def _check(session: Session, unit: Unit) -> None:
    unit.name = (unit.name or "").strip()
    if not unit.name or len(unit.name) > NAME_MAX:
        raise UnitInvalid(f"名称不能为空，且不超过 {NAME_MAX} 个字", field="name")
    if unit.kind not in UnitKind._value2member_map_:
        known = "、".join(kind.value for kind in UnitKind)
        raise UnitInvalid(f"单位类型必须是：{known}", field="kind")
    _check_region(session, unit)
    _check_parent(session, unit)


def _check_region(session: Session, unit: Unit) -> None:
    levels = REGION_LEVELS.get(unit.kind)
    if unit.region_code is None:
        if levels:
            raise UnitInvalid(
                f"{unit.kind}必须选择所在区划（{'或'.join(levels)}级）", field="region_code"
            )
        return
    region = session.get(Region, unit.region_code)
    if region is None:
        raise UnitInvalid(f"区划代码不存在：{unit.region_code}", field="region_code")
    if levels and region.level not in levels:
        raise UnitInvalid(
            f"{unit.kind}的区划必须是{'或'.join(levels)}级（{region.name}是{region.level}级）",
            field="region_code",
        )


def _check_parent(session: Session, unit: Unit) -> None:
    seen = {unit.code}
    code = unit.parent_code
    while code is not None:
        if code in seen:
            raise UnitInvalid("上级单位不能是它自己或它的下级", field="parent_code")
        parent = session.get(Unit, code)
        if parent is None:
            raise UnitInvalid(f"上级单位代码不存在：{code}", field="parent_code")
        seen.add(code)
        code = parent.parent_code
