"""Seeded figures for the reports pages: a second township beside the fixture's tree, a
few cases registered straight into the case table (the reports read projections only),
one of them open and overdue, one with a party whose name and phone must never appear."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from processes.models import Case, Party, Region
from tests.conftest import CST
from tests.processes.conftest import COUNTY, GRID, TOWNSHIP, VILLAGE

OTHER_TOWNSHIP, OTHER_VILLAGE = "620702102", "620702102201"
NOW = datetime(2026, 3, 20, 10, 0, tzinfo=CST)
"""The clock of the reports tests: a Friday in March 2026 (this month = 2026年3月)."""
PARTY_NAME, PARTY_PHONE, PARTY_ID = "欧阳明远", "13900001111", "620702199001011234"


@dataclass(frozen=True)
class Seeded:
    overdue_code: str
    """The one open case past its deadline (大满镇, 红, 诉调)."""
    party_code: str
    """The case whose party is 欧阳明远."""


def at(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=CST)


def add_other_township(session: Session) -> None:
    session.add_all(
        [
            Region(code=OTHER_TOWNSHIP, name="党寨镇", level="镇", parent_code=COUNTY),
            Region(code=OTHER_VILLAGE, name="党寨村", level="村", parent_code=OTHER_TOWNSHIP),
        ]
    )
    session.flush()


def add_case(session: Session, code: str, received: datetime, **fields) -> Case:
    values = {
        "channel": "窗口",
        "dispute_type": "02",
        "summary": "邻里之间因排水沟堵塞发生争执",
        "region_code": GRID,
        "risk_colour": "黄",
        "status": "办理中",
        "received_by": "window.clerk",
        **fields,
    }
    case = Case(code=code, received_at=received, **values)
    session.add(case)
    return case


def seed_cases(session: Session) -> Seeded:
    """March 2026 in 甘州区: 4 received (3 in 大满镇, 1 in 党寨镇), 2 resolved, 1 guided,
    1 open and overdue; February: 2 received (one 诉调), 1 resolved."""
    add_other_township(session)
    party = add_case(
        session,
        "GZ-0301",
        at(3, 3),
        status="已化解",
        level="村调委会",
        resolved_at=at(3, 5, 15),
    )
    party.parties = [Party(role="申请人", name=PARTY_NAME, phone=PARTY_PHONE, id_number=PARTY_ID)]
    add_case(
        session,
        "GZ-0302",
        at(3, 4),
        dispute_type="01",
        channel="网格上报",
        region_code=VILLAGE,
        risk_colour="绿",
        status="已化解",
        level="镇综治中心",
        resolved_at=at(3, 10, 16),
    )
    add_case(
        session,
        "GZ-0303",
        at(3, 5),
        dispute_type="04",
        channel="诉调",
        region_code=TOWNSHIP,
        risk_colour="红",
        status="办理中",
        level="调解员",
        owner_unit="大满镇人民调解委员会",
        due_at=at(3, 12, 18),
        overdue=True,
    )
    add_case(
        session,
        "GZ-0304",
        at(3, 6),
        region_code=OTHER_VILLAGE,
        channel="12345",
        status="已引导",
        level="镇综治中心",
        closed_at=at(3, 9, 11),
    )
    add_case(
        session,
        "GZ-0210",
        at(2, 10),
        status="已化解",
        level="网格员",
        resolved_at=at(2, 12),
    )
    add_case(
        session,
        "GZ-0211",
        at(2, 11),
        dispute_type="04",
        channel="诉调",
        status="已化解",
        level="调解员",
        resolved_at=at(2, 20),
    )
    session.commit()
    return Seeded(overdue_code="GZ-0303", party_code="GZ-0301")
