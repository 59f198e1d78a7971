"""Receiving a matter: one code per case (一案一码), validation that names the field and
stores nothing, parties stored once."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from engine import Actor, FormInvalid
from engine.models import Instance
from processes.codes import next_case_code
from processes.intake import receive_case
from processes.models import Case, Party
from tests.conftest import CST
from tests.processes.conftest import GRID, deploy

CLERK = Actor.of("window.clerk", ["镇综治中心"])
MATTER = {
    "channel": "窗口",
    "dispute_type": "02",
    "summary": "两户因院墙漏水发生争执",
    "region_code": GRID,
    "risk_colour": "黄",
    "parties": [
        {
            "role": "申请人",
            "name": "张三",
            "phone": "13812345678",
            "id_number": "620702199001011234",
        },
        {"role": "被申请人", "name": "李四"},
    ],
}


@pytest.fixture
def library(case_engine, regions):
    deploy(case_engine)
    return case_engine


def _counts(engine) -> tuple[int, int, int]:
    with engine.session_factory() as session:
        return tuple(
            session.execute(select(func.count()).select_from(model)).scalar()
            for model in (Case, Party, Instance)
        )


def test_a_matter_is_registered_with_its_code_parties_and_process(library, clock):
    first = receive_case(library, MATTER, actor=CLERK)
    second = receive_case(library, MATTER, actor=CLERK)

    assert (first.code, second.code) == (f"{GRID}-20260302-0001", f"{GRID}-20260302-0002")
    with library.session_factory() as session:
        case = session.get(Case, first.case_id)
        assert (case.instance_id, case.received_by, case.status) == (
            first.instance_id,
            "window.clerk",
            "已受理",
        )
        assert [(p.role, p.name, p.phone) for p in case.parties] == [
            ("申请人", "张三", "13812345678"),
            ("被申请人", "李四", None),
        ]
    data = library.instance(first.instance_id, with_data=True).data
    assert "parties" not in data and "张三" not in str(data)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"channel": "微信"}, "channel"),
        ({"risk_colour": "蓝"}, "risk_colour"),
        ({"parties": []}, "parties"),
        ({"parties": [{"role": "申请人", "name": "张三", "phone": "电话"}]}, "parties/0/phone"),
        ({"summary": ""}, "summary"),
        ({"region_code": "999"}, "region_code"),
        ({"dispute_type": "99"}, "dispute_type"),
        ({"dispute_subtype": "0101"}, "dispute_subtype"),  # 离婚 is not under 邻里纠纷
    ],
)
def test_a_bad_field_is_named_and_nothing_is_stored(library, change, field):
    before = _counts(library)
    with pytest.raises(FormInvalid) as failure:
        receive_case(library, {**MATTER, **change}, actor=CLERK)
    assert field in failure.value.errors
    assert _counts(library) == before


def test_codes_restart_each_day_and_per_region(case_engine, regions):
    monday = datetime(2026, 3, 2, 23, 59, tzinfo=CST)
    with case_engine.session_factory() as session:
        codes = [
            next_case_code(session, region_code="620702", at=monday),
            next_case_code(session, region_code="620702", at=monday + timedelta(minutes=2)),
            next_case_code(session, region_code="620702101", at=monday),
        ]
    assert codes == ["620702-20260302-0001", "620702-20260303-0001", "620702101-20260302-0001"]


def test_concurrent_intakes_never_share_a_code(case_engine, is_postgres):
    if not is_postgres:
        pytest.skip("SQLite has a single writer; the race needs PostgreSQL")
    at, codes, errors = datetime(2026, 3, 2, 10, tzinfo=CST), [], []
    barrier = threading.Barrier(8)

    def intake() -> None:
        try:
            with case_engine.session_factory() as session:
                barrier.wait()
                codes.append(next_case_code(session, region_code="620702", at=at))
                session.commit()
        except Exception as error:
            errors.append(error)

    threads = [threading.Thread(target=intake) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(codes) == [f"620702-20260302-{n:04d}" for n in range(1, 9)]
