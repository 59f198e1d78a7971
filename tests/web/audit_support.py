"""What the auditor's tests share: cases with personal data in their history, an auditor."""

from __future__ import annotations

from sqlalchemy import select, update

from engine import Actor, Engine
from engine.models import HistoryEvent
from processes.intake import Received, receive_case
from tests.processes.conftest import GRID

CLERK = Actor.of("window.clerk", ["镇综治中心"])
ASSESSOR = Actor.of("li", ["镇综治中心"])
NAME, PHONE, ID_NUMBER = "张三丰", "13812345678", "620702199001011234"
MATTER = {
    "channel": "窗口",
    "dispute_type": "02",
    "summary": "两户因院墙漏水发生争执",
    "region_code": GRID,
    "risk_colour": "黄",
    "parties": [{"role": "申请人", "name": NAME, "phone": PHONE, "id_number": ID_NUMBER}],
}
RISK_REASON = f"{NAME}情绪激动，电话{PHONE}"


def receive(engine: Engine, **changes) -> Received:
    return receive_case(engine, {**MATTER, **changes}, actor=CLERK)


def assess(engine: Engine, received: Received, *, reason: str = RISK_REASON) -> None:
    """分流研判 as 李 (li): an ordinary dispute, so the case climbs the 四级七天 ladder."""
    [task] = [
        t
        for t in engine.tasks_of(received.instance_id)
        if t.spec_id == "assess" and t.status == "ready"
    ]
    data = {
        "matter_nature": "一般纠纷",
        "cross_department": False,
        "risk_colour": "黄",
        "risk_reason": reason,
    }
    engine.complete(task.id, data, actor=ASSESSOR)


def assessed_case(engine: Engine, **changes) -> Received:
    received = receive(engine, **changes)
    assess(engine, received)
    return received


def login_auditor(login_as, username: str = "shen"):
    return login_as(username, "审计")


def tamper(engine: Engine, seq: int, **data) -> None:
    """Change a stored row's data behind the chain's back (a raw UPDATE)."""
    with engine.session_factory() as session:
        row = session.get(HistoryEvent, seq)
        session.execute(
            update(HistoryEvent)
            .where(HistoryEvent.seq == seq)
            .values(data={**(row.data or {}), **data})
        )
        session.commit()


def event_seq(engine: Engine, instance_id: int, event_type: str, spec_id: str | None = None) -> int:
    with engine.session_factory() as session:
        query = select(HistoryEvent.seq).where(
            HistoryEvent.instance_id == instance_id, HistoryEvent.event_type == event_type
        )
        if spec_id is not None:
            query = query.where(HistoryEvent.spec_id == spec_id)
        return session.scalars(query.order_by(HistoryEvent.seq)).first()
