"""A case whose diagram names its people (``tests/web/fixtures/assigned_case.bpmn``): each
summoned department's 报到 goes to that department (candidateUnits), then 包调处 to the
named mediator (assignee)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from engine import Actor, Engine, TaskView
from processes.models import Case
from tests.processes.conftest import GRID

from .tasks_support import ready

DIAGRAM = Path(__file__).parent / "fixtures" / "assigned_case.bpmn"
UNITS = {"人社局": "labour", "住建局": "housing"}


@dataclass(frozen=True)
class Started:
    case_id: int
    instance_id: int


def start_assigned_case(
    engine: Engine, *, departments=("人社局", "住建局"), mediator: str = "med1"
) -> Started:
    """Deploy the diagram (once) and start a case in the test grid on it."""
    if engine.latest_version_id() is None or not _deployed(engine):
        engine.deploy([DIAGRAM], actor="tester", note="指定办理人")
    created: dict[str, int] = {}

    def create_case(session, instance_id: int) -> dict:
        case = Case(
            code=f"TEST-{instance_id:04d}",
            channel="窗口",
            dispute_type="02",
            summary="两户因院墙漏水发生争执",
            region_code=GRID,
            risk_colour="黄",
            instance_id=instance_id,
            received_at=engine.clock.now(),
            received_by="window.clerk",
        )
        session.add(case)
        session.flush()
        created["case_id"] = case.id
        return {"case_id": case.id}

    instance_id = engine.start(
        "assigned_case",
        actor=Actor.of("window.clerk", ["镇综治中心"]),
        data={
            "departments": list(departments),
            "department_units": UNITS,
            "mediator": mediator,
        },
        before_run=create_case,
    )
    return Started(created["case_id"], instance_id)


def _deployed(engine: Engine) -> bool:
    return any("assigned_case" in v.process_ids for v in engine.versions())


def acknowledgements(engine: Engine, instance_id: int) -> dict[str, TaskView]:
    """The ready 部门报到 tasks by department."""
    return {t.item: t for t in ready(engine, instance_id, "acknowledge")}
