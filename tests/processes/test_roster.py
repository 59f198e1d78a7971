"""The roster: who can mediate a case in a region (the region, above and below it, nearest
first, the skilled before the generalists), refusals naming the field, every change logged."""

from __future__ import annotations

import pytest

from processes.models import Region
from processes.roster import RosterInvalid, candidates, list_entries, save_entry
from processes.units import save_unit
from tests.processes.conftest import COUNTY, GRID, TOWNSHIP, VILLAGE, operation_log

OTHER_VILLAGE = "620702101202"


@pytest.fixture
def session(case_engine, regions):
    with case_engine.session_factory() as session:
        session.add(Region(code=OTHER_VILLAGE, name="新华村", level="村", parent_code=TOWNSHIP))
        session.flush()
        audit = {"actor": "admin", "record": case_engine.record_operation}
        for code, name, kind, region in [
            ("xtw", "大满镇人民调解委员会", "调解组织", TOWNSHIP),
            ("cw", "大满村村民委员会", "村（社区）", VILLAGE),
            ("xw", "新华村村民委员会", "村（社区）", OTHER_VILLAGE),
            ("ty", "甘州区人民法院特邀调解组织", "法院特邀调解", COUNTY),
        ]:
            values = {"name": name, "kind": kind, "region_code": region}
            save_unit(session, code=code, values=values, create=True, **audit)
        session.commit()
        yield session


@pytest.fixture
def audit(case_engine) -> dict:
    return {"actor": "admin", "record": case_engine.record_operation}


def _add(session, audit, name, kind, unit, region, skills=(), username=None) -> int:
    values = {
        "name": name,
        "kind": kind,
        "unit_code": unit,
        "region_code": region,
        "skills": list(skills),
        "username": username,
    }
    return save_entry(session, entry_id=None, values=values, **audit).id


@pytest.fixture
def people(session, audit) -> dict[str, int]:
    ids = {
        "village": _add(session, audit, "村调解员", "人民调解员", "cw", VILLAGE),
        "other_village": _add(session, audit, "新华调解员", "人民调解员", "xw", OTHER_VILLAGE),
        "township": _add(session, audit, "镇调解员", "人民调解员", "xtw", TOWNSHIP, [], "zhen.tj"),
        "neighbours": _add(session, audit, "邻里专家", "人民调解员", "xtw", TOWNSHIP, ["02"]),
        "labour": _add(session, audit, "劳动专家", "特邀调解员", "ty", COUNTY, ["10"]),
        "lawyer": _add(session, audit, "县律师", "律师", "ty", COUNTY),
        "grid": _add(session, audit, "网格调解员", "三官一师", "cw", GRID),
    }
    session.commit()
    return ids


def _names(views) -> list[str]:
    return [view.name for view in views]


def test_a_grid_case_uses_its_village_township_and_county_nearest_first(session, people):
    found = candidates(session, region_code=GRID)
    assert _names(found) == ["网格调解员", "村调解员", "邻里专家", "镇调解员", "劳动专家", "县律师"]
    township = next(view for view in found if view.name == "镇调解员")
    assert township.username == "zhen.tj"
    assert township.label == "镇调解员（人民调解员，大满镇人民调解委员会）"
    assert township.region_name == "大满镇"


def test_a_township_case_also_uses_its_villages_before_the_county(session, people):
    found = _names(candidates(session, region_code=TOWNSHIP))
    assert found[:2] == ["邻里专家", "镇调解员"]  # the township itself
    assert set(found[2:4]) == {"村调解员", "新华调解员"}  # one below
    assert found[4:] == ["劳动专家", "县律师", "网格调解员"]  # one above, then two below


def test_a_skill_puts_its_specialists_first_and_leaves_out_other_specialists(session, people):
    # 0202 漏水噪音 is a subtype of 02 邻里纠纷
    found = _names(candidates(session, region_code=GRID, skill="0202"))
    assert found == ["邻里专家", "网格调解员", "村调解员", "镇调解员", "县律师"]
    labour = _names(candidates(session, region_code=VILLAGE, skill="1001"))
    assert labour[0] == "劳动专家" and "邻里专家" not in labour


def test_inactive_people_and_people_of_inactive_units_are_not_candidates(session, audit, people):
    save_entry(session, entry_id=people["village"], values={"active": False}, **audit)
    save_unit(session, code="ty", values={"active": False}, **audit)
    session.commit()
    assert _names(candidates(session, region_code=GRID)) == ["网格调解员", "邻里专家", "镇调解员"]
    listed = list_entries(session, include_inactive=True, region_code=VILLAGE)
    assert _names(listed) == ["村调解员", "网格调解员"]


def test_the_admin_list_filters(session, people):
    assert _names(list_entries(session, kind="特邀调解员")) == ["劳动专家"]
    assert _names(list_entries(session, unit_code="cw")) == ["村调解员", "网格调解员"]
    marriage = _names(list_entries(session, skill="0101"))  # no specialist: the generalists
    assert set(marriage) == {"县律师", "镇调解员", "村调解员", "新华调解员", "网格调解员"}
    assert marriage[0] == "县律师", "by region code (the county first), then name"
    assert _names(list_entries(session, region_code=VILLAGE)) == ["村调解员", "网格调解员"]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": " "}, "name", "姓名不能为空"),
        ({"kind": "法官"}, "kind", "人员类别必须是"),
        ({"unit_code": "nowhere"}, "unit_code", "单位代码不存在"),
        ({"region_code": None}, "region_code", "请选择区划"),
        ({"skills": ["99"]}, "skills", "纠纷类型代码不存在：99"),
        ({"skills": ["02", "02"]}, "skills", "擅长类型有重复"),
        ({"username": "two words"}, "username", "不能含空格"),
    ],
)
def test_a_refused_entry_names_its_field_and_stores_nothing(
    session, audit, changes, field, message
):
    values = {
        "name": "某人",
        "kind": "人民调解员",
        "unit_code": "cw",
        "region_code": VILLAGE,
        "skills": [],
    } | changes
    with pytest.raises(RosterInvalid, match=message) as refused:
        save_entry(session, entry_id=None, values=values, **audit)
    assert refused.value.field == field
    assert list_entries(session, include_inactive=True) == []
    assert operation_log(session, "roster_changed") == []


def test_an_entry_keeps_a_unit_deactivated_after_it_was_chosen(session, audit, people):
    save_unit(session, code="cw", values={"active": False}, **audit)
    save_entry(session, entry_id=people["village"], values={"name": "村调解员甲"}, **audit)
    with pytest.raises(RosterInvalid, match="单位已停用") as refused:
        _add(session, audit, "新人", "人民调解员", "cw", VILLAGE)
    assert refused.value.field == "unit_code"


def test_every_change_is_logged_with_before_and_after(session, audit, people):
    save_entry(session, entry_id=people["lawyer"], values={"skills": ["04"]}, **audit)
    save_entry(session, entry_id=people["lawyer"], values={"skills": ["04"]}, **audit)
    session.commit()
    changes = [event.data for event in operation_log(session, "roster_changed")]
    assert len(changes) == len(people) + 1, "an unchanged save is not a change"
    last = changes[-1]
    assert last["entry_id"] == people["lawyer"]
    assert (last["before"]["skills"], last["after"]["skills"]) == ([], ["04"])
    assert last["after"]["person"] == "县律师"
