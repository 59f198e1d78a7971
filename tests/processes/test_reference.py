"""Reference data admins edit: consistent trees, clear refusals, every change logged."""

from __future__ import annotations

import pytest

from processes.masking import mask_id_number, mask_name, mask_phone
from processes.models import DisputeType, Region
from processes.reference import ReferenceInvalid, ensure_demo_regions, list_rows, save_row
from tests.processes.conftest import operation_log


@pytest.fixture
def session(case_engine):
    with case_engine.session_factory() as session:
        yield session


def _save(engine, session, kind, code, **values):
    return save_row(
        session, kind, code=code, values=values, actor="admin", record=engine.record_operation
    )


def _changes(session) -> list[dict]:
    return [e.data for e in operation_log(session, "reference_changed")]


def test_a_region_tree_is_built_and_every_change_logged(case_engine, session):
    assert ensure_demo_regions(session, actor="init", record=case_engine.record_operation) == 6
    session.commit()
    _save(case_engine, session, "region", "620702101201", name="大满村（更名）")
    session.commit()

    assert session.get(Region, "620702101201").name == "大满村（更名）"
    last = _changes(session)[-1]
    assert (last["before"]["name"], last["after"]["name"]) == ("大满村", "大满村（更名）")
    assert len(_changes(session)) == 7
    _save(case_engine, session, "region", "620702101201", name="大满村（更名）")
    assert len(_changes(session)) == 7, "an unchanged save is not a change"


def test_a_city_sits_above_its_counties(case_engine, session):
    ensure_demo_regions(session, actor="init", record=case_engine.record_operation)
    _save(case_engine, session, "region", "6207", name="张掖市", level="市")
    _save(case_engine, session, "region", "620702", parent_code="6207")
    session.commit()
    assert session.get(Region, "620702").parent_code == "6207"

    with pytest.raises(ReferenceInvalid, match="镇级区划的上级必须是县级"):
        _save(case_engine, session, "region", "X3", name="某镇", level="镇", parent_code="6207")
    with pytest.raises(ReferenceInvalid, match="下有县级区划"):
        _save(case_engine, session, "region", "6207", level="县")


@pytest.mark.parametrize(
    ("kind", "code", "values", "message"),
    [
        (
            "region",
            "X1",
            {"name": "某村", "level": "村", "parent_code": "nope"},
            "上级代码 nope 不存在",
        ),
        ("region", "X2", {"name": "某县", "level": "省"}, "区划层级必须是"),
        ("dispute_type", "0101a", {"name": "三级", "parent_code": "0101"}, "只有两级"),
        ("department", "d1", {"name": "某局", "station": "偶尔"}, "驻点方式必须是"),
        ("department", "d2", {"name": " ", "station": "常驻"}, "名称不能为空"),
        ("department", "d3", {"colour": "红"}, "没有字段：colour"),
    ],
)
def test_inconsistent_edits_are_refused_with_the_reason(
    case_engine, session, kind, code, values, message
):
    with pytest.raises(ReferenceInvalid, match=message):
        _save(case_engine, session, kind, code, **values)


def test_deactivated_types_leave_the_active_list_but_stay_for_old_cases(case_engine, session):
    _save(case_engine, session, "dispute_type", "1401", active=False)
    session.commit()
    active = [row.code for row in list_rows(session, "dispute_type", active_only=True)]
    assert "1401" not in active and "14" in active
    assert session.get(DisputeType, "1401").name == "物业费"


def test_personal_data_is_masked_for_lists():
    assert mask_name("张三丰") == "张**"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("0936123") == "*****23"
    assert mask_id_number("620702199001011234") == "6207**********1234"
    assert (mask_name(None), mask_phone(""), mask_id_number(None)) == ("", "", "")
