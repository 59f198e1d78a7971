"""Department stations and the duty rota: a summons reaches the liaison on duty that day at
the nearest center holding the case's region; 随叫随驻 has no rota; another center's
station serves only its own area."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from processes.models import Region
from processes.stations import (
    StationInvalid,
    liaison_on_duty,
    list_stations,
    rota,
    save_station,
    set_duty,
    week_of,
)
from processes.units import save_unit
from tests.processes.conftest import COUNTY, GRID, TOWNSHIP, VILLAGE, operation_log

OTHER_TOWNSHIP, OTHER_GRID = "620702102", "62070210220101"
MONDAY, TUESDAY, WEDNESDAY = date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4)


@pytest.fixture
def audit(case_engine) -> dict:
    return {"actor": "admin", "record": case_engine.record_operation}


@pytest.fixture
def session(case_engine, regions, audit):
    with case_engine.session_factory() as session:
        session.add(Region(code=OTHER_TOWNSHIP, name="甘浚镇", level="镇", parent_code=COUNTY))
        session.add(
            Region(code="620702102201", name="甘浚村", level="村", parent_code=OTHER_TOWNSHIP)
        )
        session.add(
            Region(code=OTHER_GRID, name="甘浚村第一网格", level="网格", parent_code="620702102201")
        )
        session.flush()
        for code, name, kind, region in [
            ("xian", "甘州区综治中心", "县综治中心", COUNTY),
            ("zhen", "大满镇综治中心", "乡镇综治中心", TOWNSHIP),
            ("zhen2", "甘浚镇综治中心", "乡镇综治中心", OTHER_TOWNSHIP),
        ]:
            values = {"name": name, "kind": kind, "region_code": region}
            save_unit(session, code=code, values=values, create=True, **audit)
        session.commit()
        yield session


def _station(session, audit, department, unit, mode, liaison=None) -> int:
    return save_station(
        session,
        station_id=None,
        department_code=department,
        unit_code=unit,
        values={"mode": mode, "liaison": liaison},
        **audit,
    ).id


def _on_duty(session, department, region, day) -> str | None:
    return liaison_on_duty(session, department_code=department, region_code=region, day=day)


def test_a_rotating_department_is_on_duty_on_its_rota_days_only(session, audit):
    labour = _station(session, audit, "labour", "zhen", "轮驻")
    set_duty(session, station_id=labour, day=MONDAY, username="labour.a", **audit)
    set_duty(session, station_id=labour, day=TUESDAY, username="labour.b", **audit)
    session.commit()

    assert _on_duty(session, "labour", GRID, MONDAY) == "labour.a"
    assert _on_duty(session, "labour", VILLAGE, TUESDAY) == "labour.b"
    assert _on_duty(session, "labour", GRID, WEDNESDAY) is None
    # 01:00 Beijing time on Tuesday is still Monday in UTC: the day is Beijing's
    late = datetime(2026, 3, 2, 17, 0, tzinfo=UTC)
    assert _on_duty(session, "labour", GRID, late) == "labour.b"
    assert rota(session, station_id=labour, first=MONDAY, last=week_of(MONDAY)[-1]) == {
        MONDAY: "labour.a",
        TUESDAY: "labour.b",
    }


def test_a_resident_department_has_a_default_liaison_the_rota_overrides(session, audit):
    police = _station(session, audit, "police", "xian", "常驻", liaison="police.duty")
    set_duty(session, station_id=police, day=TUESDAY, username="police.b", **audit)
    session.commit()
    assert _on_duty(session, "police", GRID, MONDAY) == "police.duty"
    assert _on_duty(session, "police", GRID, TUESDAY) == "police.b"
    set_duty(session, station_id=police, day=TUESDAY, username=None, **audit)
    assert _on_duty(session, "police", GRID, TUESDAY) == "police.duty"


def test_an_on_call_department_has_no_rota_and_no_one_on_duty(session, audit):
    civil = _station(session, audit, "civil", "zhen", "随叫随驻")
    with pytest.raises(StationInvalid, match="随叫随驻的部门不排班"):
        set_duty(session, station_id=civil, day=MONDAY, username="civil.a", **audit)
    assert _on_duty(session, "civil", GRID, MONDAY) is None
    assert operation_log(session, "duty_changed") == []


def test_a_station_of_another_center_serves_only_that_center_s_area(session, audit):
    _station(session, audit, "housing", "zhen2", "常驻", liaison="housing.x")
    session.commit()
    assert _on_duty(session, "housing", OTHER_GRID, MONDAY) == "housing.x"
    assert _on_duty(session, "housing", GRID, MONDAY) is None
    assert _on_duty(session, "housing", COUNTY, MONDAY) is None
    assert _on_duty(session, "labour", OTHER_GRID, MONDAY) is None, "not stationed anywhere"


def test_the_township_station_comes_before_the_county_s(session, audit):
    town = _station(session, audit, "justice", "zhen", "常驻", liaison="justice.town")
    _station(session, audit, "justice", "xian", "常驻", liaison="justice.county")
    session.commit()
    assert _on_duty(session, "justice", GRID, MONDAY) == "justice.town"
    assert _on_duty(session, "justice", OTHER_GRID, MONDAY) == "justice.county"
    assert _on_duty(session, "justice", COUNTY, MONDAY) == "justice.county"

    save_station(session, station_id=town, values={"active": False}, **audit)
    assert _on_duty(session, "justice", GRID, MONDAY) == "justice.county"
    save_station(session, station_id=town, values={"active": True}, **audit)
    save_unit(session, code="zhen", values={"active": False}, **audit)
    assert _on_duty(session, "justice", GRID, MONDAY) == "justice.county"


def test_rota_changes_are_logged_once_each(session, audit):
    labour = _station(session, audit, "labour", "zhen", "轮驻")
    assert set_duty(session, station_id=labour, day=MONDAY, username="labour.a", **audit)
    assert not set_duty(session, station_id=labour, day=MONDAY, username="labour.a", **audit)
    assert set_duty(session, station_id=labour, day=MONDAY, username="labour.b", **audit)
    session.commit()
    changes = [event.data for event in operation_log(session, "duty_changed")]
    assert [(c["before"], c["after"]) for c in changes] == [
        (None, "labour.a"),
        ("labour.a", "labour.b"),
    ]
    assert changes[0] | {"before": None, "after": None} == {
        "station_id": labour,
        "department_code": "labour",
        "unit_code": "zhen",
        "day": "2026-03-02",
        "before": None,
        "after": None,
    }
    created = operation_log(session, "station_changed")[0].data
    assert created["before"] is None and created["after"]["mode"] == "轮驻"


@pytest.mark.parametrize(
    ("department", "unit", "values", "field", "message"),
    [
        ("nowhere", "zhen", {}, "department_code", "部门代码不存在：nowhere"),
        ("labour", "court", {}, "unit_code", "只能进驻启用中的综治中心（人民法院是部门）"),
        ("labour", None, {}, "unit_code", "单位代码不存在：（未选择）"),
        ("labour", "zhen", {"mode": "偶尔"}, "mode", "进驻方式必须是"),
        ("labour", "zhen", {"mode": "轮驻", "liaison": "a"}, "liaison", "只有常驻部门设默认值班人"),
        ("labour", "zhen", {"mode": "常驻", "liaison": "a b"}, "liaison", "不能含空格"),
    ],
)
def test_a_refused_station_names_its_field(
    session, audit, department, unit, values, field, message
):
    with pytest.raises(StationInvalid, match=message) as refused:
        save_station(
            session,
            station_id=None,
            department_code=department,
            unit_code=unit,
            values=values,
            **audit,
        )
    assert refused.value.field == field
    assert list_stations(session) == []


def test_a_department_is_stationed_once_at_a_center(session, audit):
    first = _station(session, audit, "labour", "zhen", "轮驻")
    with pytest.raises(StationInvalid, match=f"人社局已进驻大满镇综治中心（驻点 {first}）"):
        _station(session, audit, "labour", "zhen", "常驻")
    with pytest.raises(StationInvalid, match="只有常驻部门设默认值班人"):
        save_station(session, station_id=first, values={"liaison": "labour.a"}, **audit)
    [view] = list_stations(session)
    assert (view.label, view.liaison, view.region_name) == (
        "人社局 @ 大满镇综治中心（轮驻）",
        None,
        "大满镇",
    )
