"""Units: every department is one, centers serve a region of their level, the nearest
unit above a case's region handles it, every change is logged."""

from __future__ import annotations

import pytest

from processes.demo_directory import DEMO_UNITS, ensure_demo_units
from processes.enums import UnitKind
from processes.models import Region, Unit
from processes.reference import ReferenceInvalid, ensure_demo_regions, save_row
from processes.units import UnitInvalid, nearest_unit, save_unit
from tests.processes.conftest import COUNTY, GRID, TOWNSHIP, VILLAGE, operation_log


@pytest.fixture
def session(case_engine, regions):
    with case_engine.session_factory() as session:
        yield session


@pytest.fixture
def audit(case_engine) -> dict:
    return {"actor": "admin", "record": case_engine.record_operation}


def _unit(session, code, *, name, kind, region=None, parent=None, audit):
    values = {"name": name, "kind": kind, "region_code": region, "parent_code": parent}
    return save_unit(session, code=code, values=values, create=True, **audit)


def _changes(session) -> list[dict]:
    return [e.data for e in operation_log(session, "unit_changed")]


def test_every_seeded_department_is_a_unit_with_its_code(session):
    court = session.get(Unit, "court")
    assert (court.name, court.kind, court.region_code, court.active) == (
        "人民法院",
        UnitKind.DEPARTMENT,
        None,
        True,
    )


def test_a_department_brings_its_unit_along(session, audit):
    save_row(
        session, "department", code="tax", values={"name": "税务局", "station": "轮驻"}, **audit
    )
    assert (session.get(Unit, "tax").name, session.get(Unit, "tax").kind) == ("税务局", "部门")
    save_row(
        session, "department", code="tax", values={"name": "税务分局", "active": False}, **audit
    )
    session.commit()

    unit = session.get(Unit, "tax")
    assert (unit.name, unit.active) == ("税务分局", False)
    created, renamed = _changes(session)
    assert created["before"] is None and created["after"]["unit_name"] == "税务局"
    assert (renamed["before"]["active"], renamed["after"]["active"]) == (True, False)


def test_a_department_cannot_take_the_code_of_another_kind_of_unit(session, audit):
    _unit(
        session, "tj1", name="大满镇人民调解委员会", kind="调解组织", region=TOWNSHIP, audit=audit
    )
    with pytest.raises(ReferenceInvalid, match="已是单位「大满镇人民调解委员会」"):
        save_row(
            session, "department", code="tj1", values={"name": "某局", "station": "常驻"}, **audit
        )


def test_a_department_unit_takes_its_name_and_status_from_the_department(session, audit):
    with pytest.raises(UnitInvalid, match="随「部门」设置") as refused:
        save_unit(session, code="court", values={"name": "法院"}, **audit)
    assert refused.value.field == "name"
    with pytest.raises(UnitInvalid, match="只能是「部门」") as refused:
        save_unit(session, code="court", values={"kind": "调解组织"}, **audit)
    assert refused.value.field == "kind"
    with pytest.raises(UnitInvalid, match="代码已存在") as refused:
        _unit(session, "court", name="法院", kind="部门", audit=audit)
    assert refused.value.field == "code"

    save_unit(session, code="court", values={"region_code": COUNTY}, **audit)
    assert session.get(Unit, "court").region_code == COUNTY


@pytest.mark.parametrize(
    ("kind", "region", "field", "message"),
    [
        ("乡镇综治中心", None, "region_code", "必须选择所在区划（镇级）"),
        ("乡镇综治中心", COUNTY, "region_code", "区划必须是镇级（甘州区是县级）"),
        ("县综治中心", TOWNSHIP, "region_code", "区划必须是市或县级"),
        ("村（社区）", GRID, "region_code", "区划必须是村级"),
        ("调解组织", "999", "region_code", "区划代码不存在：999"),
        ("村委会", VILLAGE, "kind", "单位类型必须是"),
    ],
)
def test_a_unit_serves_a_region_of_its_level(session, audit, kind, region, field, message):
    with pytest.raises(UnitInvalid, match=message) as refused:
        _unit(session, "u1", name="某单位", kind=kind, region=region, audit=audit)
    assert refused.value.field == field
    assert _changes(session) == []


def test_parents_never_loop_and_names_are_required(session, audit):
    _unit(session, "a", name="县中心", kind="县综治中心", region=COUNTY, audit=audit)
    _unit(
        session, "b", name="镇中心", kind="乡镇综治中心", region=TOWNSHIP, parent="a", audit=audit
    )
    with pytest.raises(UnitInvalid, match="不能是它自己或它的下级") as refused:
        save_unit(session, code="a", values={"parent_code": "b"}, **audit)
    assert refused.value.field == "parent_code"
    with pytest.raises(UnitInvalid, match="上级单位代码不存在"):
        save_unit(session, code="b", values={"parent_code": "nowhere"}, **audit)
    with pytest.raises(UnitInvalid, match="名称不能为空") as refused:
        _unit(session, "c", name=" ", kind="调解组织", audit=audit)
    assert refused.value.field == "name"
    with pytest.raises(UnitInvalid, match="不能含空格") as refused:
        _unit(session, "c d", name="某", kind="调解组织", audit=audit)
    assert refused.value.field == "code"


def test_the_nearest_center_above_a_region_handles_it(session, audit):
    kinds = [UnitKind.TOWNSHIP_CENTER, UnitKind.COUNTY_CENTER]
    assert nearest_unit(session, region_code=GRID, kinds=kinds) is None
    _unit(session, "xian", name="甘州区综治中心", kind="县综治中心", region=COUNTY, audit=audit)
    assert nearest_unit(session, region_code=GRID, kinds=kinds).code == "xian"
    _unit(session, "zhen", name="大满镇综治中心", kind="乡镇综治中心", region=TOWNSHIP, audit=audit)
    assert nearest_unit(session, region_code=GRID, kinds=kinds).code == "zhen"
    assert nearest_unit(session, region_code=COUNTY, kinds=kinds).code == "xian"
    save_unit(session, code="zhen", values={"active": False}, **audit)
    assert nearest_unit(session, region_code=VILLAGE, kinds=kinds).code == "xian"


def test_the_demo_units_sit_on_the_demo_regions(case_engine, audit):
    with case_engine.session_factory() as session:
        ensure_demo_regions(session, **audit)
        assert ensure_demo_units(session, **audit) == len(DEMO_UNITS)
        assert ensure_demo_units(session, **audit) == 0
        session.commit()
        center = session.get(Unit, "620702101ZZ")
        assert (center.name, center.kind, center.region_code) == (
            "大满镇综治中心",
            "乡镇综治中心",
            "620702101",
        )
        assert session.get(Region, "620702101202") is not None
        assert session.get(Unit, "620702101202CW").name == "新华村村民委员会"
