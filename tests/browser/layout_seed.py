"""Long, realistic values in every column the list pages show: long summaries, party and
unit names, deadlines 12 working days overdue and 暂定 ones years ahead, long titles of the
people holding cases. Cases go through the engine (tasks and history are real); their
projection rows are then given the long values a busy county center really has."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update

from engine import Actor, Engine
from engine.models import TaskRecord
from processes.intake import Received, receive_case
from processes.models import Case, Department, Region, RosterEntry, Station, Unit
from processes.reports.periods import Period
from processes.reports.snapshots import issue_snapshot
from tests.conftest import CST
from tests.processes.conftest import COUNTY, GRID, TOWNSHIP, VILLAGE

NOW = datetime(2026, 3, 20, 10, 0, tzinfo=CST)
"""A Friday: 12 working days earlier is 2026-03-04."""
TWELVE_WORKING_DAYS_AGO = datetime(2026, 3, 3, 17, 30, tzinfo=CST)
PROVISIONAL_DUE = datetime(2031, 6, 30, 17, 30, tzinfo=CST)
"""In a year no official schedule covers yet: the deadline reads 暂定."""
NEXT_WORKDAY_DUE = datetime(2026, 3, 23, 17, 30, tzinfo=CST)
"""Near: 剩余 1 个工作日（03-23 17:30 到期）, the longest label a board shows."""

LONG_UNIT = "甘州区大满镇人民调解委员会第三调解工作室（东湾片区）"
LONG_PERSON = "欧阳慕容雪晴（大满镇综治中心副主任）"
LONG_LEADER = "司马长风（大满镇党委副书记、政法委员）"
SUMMARIES = (
    "两户因宅基地院墙渗水、排水沟堵塞及房屋裂缝赔偿问题多次发生争执，"
    "申请人要求被申请人限期修缮院墙并赔偿屋内墙体、家具受损共计约三万二千元，"
    "双方曾经村委会两次调解未果，近期矛盾有激化趋势",
    "十二户村民与养殖场因粪污排放、夜间噪声和道路占用发生纠纷，"
    "要求养殖场整改并公开环评手续，已多次到镇政府反映",
    "承包地流转合同到期后双方对地上附着物补偿标准存在分歧，涉及农机具和温室大棚",
)
PARTIES = (
    [
        {"role": "申请人", "name": "欧阳慕容雪晴", "phone": "13812345678"},
        {"role": "被申请人", "name": "司马长风", "phone": "13912345670"},
        {"role": "被申请人", "name": "诸葛明月", "phone": "13712345671"},
    ],
    [{"role": "申请人", "name": "上官婉儿", "phone": "13612345672"}],
    [{"role": "申请人", "name": "张三", "phone": "13512345673"}],
)
CLERK = Actor.of("window.clerk", ["镇综治中心"])
ASSESSOR = Actor.of("li", ["镇综治中心"])


def seed_long_values(engine: Engine, session, clock, *, holder: str) -> list[str]:
    """Three open cases with long values everywhere; returns their codes. ``holder``
    is given one of the tasks (the 办理人 column)."""
    clock.set(NOW)
    _long_region_names(session)
    received = [_receive(engine, index) for index in range(len(SUMMARIES))]
    _assess(engine, received[0])
    _assess(engine, received[1])
    dues = (TWELVE_WORKING_DAYS_AGO, PROVISIONAL_DUE, NEXT_WORKDAY_DUE)
    for one, due in zip(received, dues, strict=True):
        _lengthen_case(session, one, due)
    late_task = session.scalars(
        select(TaskRecord).where(
            TaskRecord.instance_id == received[0].instance_id, TaskRecord.status == "ready"
        )
    ).first()
    late_task.assignee = holder
    for one in received:  # all three on the holder's 我包案的案件 too
        session.get(Case, one.case_id).lead_leader = holder
    _long_admin_rows(session)
    _issue_report(session, engine)
    session.commit()
    return [one.code for one in received]


def _long_region_names(session) -> None:
    names = {
        GRID: "大满村第一网格（东湾、西湾、南湾自然村片区）",
        VILLAGE: "大满镇大满村村民委员会",
        TOWNSHIP: "大满镇",
    }
    for code, name in names.items():
        session.execute(update(Region).where(Region.code == code).values(name=name))
    session.commit()


def _receive(engine: Engine, index: int) -> Received:
    matter = {
        "channel": ("窗口", "12345", "网格上报")[index],
        "dispute_type": "02",
        "summary": SUMMARIES[index],
        "region_code": GRID,
        "risk_colour": ("红", "黄", "绿")[index],
        "parties": PARTIES[index],
    }
    return receive_case(engine, matter, actor=CLERK)


def _assess(engine: Engine, received: Received) -> None:
    [task] = [t for t in engine.tasks_of(received.instance_id) if t.spec_id == "assess"]
    data = {"matter_nature": "一般纠纷", "cross_department": False, "risk_colour": "黄"}
    engine.complete(task.id, data, actor=ASSESSOR)


def _lengthen_case(session, received: Received, due: datetime) -> None:
    case = session.get(Case, received.case_id)
    case.owner_unit = LONG_UNIT
    case.responsible_person = LONG_PERSON
    case.case_leader = LONG_LEADER
    case.due_at = due
    case.overdue = due < NOW
    session.execute(
        update(TaskRecord)
        .where(TaskRecord.instance_id == received.instance_id, TaskRecord.status == "ready")
        .values(due_at=due - timedelta(hours=2))
    )


def _long_admin_rows(session) -> None:
    session.add(Unit(code="U-LAYOUT", name=LONG_UNIT, kind="调解组织", region_code=TOWNSHIP))
    session.flush()
    session.add(
        RosterEntry(
            name="欧阳慕容雪晴",
            kind="人民调解员",
            unit_code="U-LAYOUT",
            region_code=TOWNSHIP,
            skills=["01", "02", "03", "04"],
        )
    )
    department = session.scalars(select(Department.code)).first()
    session.add(Station(department_code=department, unit_code="U-LAYOUT", mode="常驻"))


def _issue_report(session, engine: Engine) -> None:
    period = Period.parse("月总结", "2026-03")
    issue_snapshot(
        session,
        kind=period.kind,
        region_code=COUNTY,
        period=period,
        as_of=NOW,
        issued_by="layout",
        scheduled=False,
    )
