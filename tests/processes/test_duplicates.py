"""The intake's duplicate warning: open cases sharing a party's phone or ID number, in any
region, finished cases left out, personal data masked."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine import Actor
from processes.duplicates import TERMINAL_STATUSES, open_cases_sharing_parties
from processes.enums import CaseStatus
from processes.intake import receive_case
from processes.models import Case, Region
from tests.processes.conftest import COUNTY, GRID, deploy

CLERK = Actor.of("window.clerk", ["镇综治中心"])
ELSEWHERE = "620702102"


@pytest.fixture
def library(case_engine, regions):
    deploy(case_engine)
    with case_engine.session_factory() as session:
        session.add(Region(code=ELSEWHERE, name="沙井镇", level="镇", parent_code=COUNTY))
        session.commit()
    return case_engine


def _receive(engine, *parties: dict, region: str = GRID) -> int:
    matter = {
        "channel": "窗口",
        "dispute_type": "02",
        "summary": "邻里之间因排水沟堵塞发生争执",
        "region_code": region,
        "risk_colour": "黄",
        "parties": list(parties),
    }
    return receive_case(engine, matter, actor=CLERK).case_id


def _find(engine, *parties: dict):
    with engine.session_factory() as session:
        return open_cases_sharing_parties(session, parties)


def test_a_same_phone_finds_the_open_case_masked(library):
    case_id = _receive(
        library,
        {"role": "申请人", "name": "张三丰", "phone": "13812345678"},
        {"role": "被申请人", "name": "李四"},
    )

    (found,) = _find(library, {"role": "申请人", "name": "王五", "phone": "13812345678"})

    assert found.case_id == case_id and found.code.endswith("-0001")
    assert (found.dispute_type, found.status) == ("邻里纠纷", CaseStatus.RECEIVED)
    assert [(p.role, p.name, p.phone) for p in found.parties] == [
        ("申请人", "张**", "138****5678"),
        ("被申请人", "李*", ""),
    ]
    assert found.matched_on == ("电话 138****5678",)


def test_an_id_number_matches_whatever_the_case_of_its_check_letter_in_any_region(library):
    case_id = _receive(
        library,
        {"role": "被申请人", "name": "赵六", "id_number": "62070219900101123x"},
        region=ELSEWHERE,
    )

    (found,) = _find(library, {"role": "申请人", "name": "赵六", "id_number": "62070219900101123X"})

    assert (found.case_id, found.region_code) == (case_id, ELSEWHERE)
    assert found.matched_on == ("身份证号 6207**********123x",)


def test_other_people_and_blank_keys_find_nothing(library):
    _receive(library, {"role": "申请人", "name": "张三", "phone": "13812345678"})

    assert _find(library, {"role": "申请人", "name": "张三", "phone": "13900000000"}) == []
    assert _find(library, {"role": "申请人", "name": "张三"}) == []
    assert _find(library, {"role": "申请人", "name": "张三", "phone": "", "id_number": " "}) == []


@pytest.mark.parametrize("status", sorted(TERMINAL_STATUSES))
def test_finished_cases_are_left_out(library, status):
    case_id = _receive(library, {"role": "申请人", "name": "张三", "phone": "13812345678"})
    with library.session_factory() as session:
        session.get(Case, case_id).status = status
        session.commit()

    assert _find(library, {"role": "申请人", "name": "张三", "phone": "13812345678"}) == []


@pytest.mark.parametrize("status", [CaseStatus.HANDLING, CaseStatus.RESOLVED])
def test_cases_still_in_hand_are_found(library, status):
    case_id = _receive(library, {"role": "申请人", "name": "张三", "phone": "13812345678"})
    with library.session_factory() as session:
        session.get(Case, case_id).status = status
        session.commit()

    (found,) = _find(library, {"role": "申请人", "name": "张三", "phone": "13812345678"})
    assert found.status == status


def test_newest_first_each_case_once(library, clock):
    first = _receive(
        library,
        {"role": "申请人", "name": "张三", "phone": "13812345678"},
        {"role": "第三人", "name": "张三", "id_number": "620702199001011234"},
    )
    clock.advance(timedelta(hours=1))
    second = _receive(library, {"role": "申请人", "name": "张三", "phone": "13812345678"})

    found = _find(
        library,
        {
            "role": "申请人",
            "name": "张三",
            "phone": "13812345678",
            "id_number": "620702199001011234",
        },
    )

    assert [f.case_id for f in found] == [second, first]
    assert found[1].matched_on == ("电话 138****5678", "身份证号 6207**********1234")
