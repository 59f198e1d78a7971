"""Scenario-test harness for the shipped diagrams.

``case_engine`` is the application's engine (every action and helper registered) on the
manual clock. ``regions`` seeds a county → township → village → grid tree. ``Scenario``
plays the people of each lane through the engine's public verbs and moves the clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from engine import Actor, Engine, TaskView
from engine.models import HistoryEvent
from processes.codes import next_case_code
from processes.engine_factory import build_engine
from processes.intake import start_data
from processes.models import Case, Party, Region
from tests.conftest import BPMN_DIR, FORMS_DIR

COUNTY, TOWNSHIP, VILLAGE, GRID = "620702", "620702101", "620702101201", "62070210120101"
REGIONS = [
    (COUNTY, "甘州区", "县", None),
    (TOWNSHIP, "大满镇", "镇", COUNTY),
    (VILLAGE, "大满村", "村", TOWNSHIP),
    (GRID, "大满村第一网格", "网格", VILLAGE),
]


@pytest.fixture
def case_engine(sa_engine, clock) -> Engine:
    return build_engine(sessionmaker(bind=sa_engine, expire_on_commit=False), clock=clock)


@pytest.fixture
def regions(case_engine) -> None:
    with case_engine.session_factory() as session:
        session.add_all(
            Region(code=c, name=n, level=lv, parent_code=p, active=True) for c, n, lv, p in REGIONS
        )
        session.commit()


def deploy(engine: Engine, *bpmn_files: str) -> None:
    """Deploy some diagrams of ``bpmn/`` (a caller's callees must be among them)."""
    paths = [BPMN_DIR / name for name in bpmn_files] if bpmn_files else [BPMN_DIR]
    engine.deploy(paths, actor="tester", note="scenario", forms_dirs=[FORMS_DIR])


def operation_log(session, event_type: str) -> list[HistoryEvent]:
    """The history events of one type (e.g. ``reference_changed``), in chain order."""
    query = select(HistoryEvent).where(HistoryEvent.event_type == event_type)
    return list(session.scalars(query.order_by(HistoryEvent.seq)))


CASE_DEFAULTS: dict[str, Any] = {
    "channel": "窗口",
    "dispute_type": "02",
    "summary": "邻里之间因排水沟堵塞发生争执",
    "region_code": GRID,
    "risk_colour": "黄",
}


class Scenario:
    """One case run through one process, played by the people in its lanes."""

    def __init__(
        self, engine: Engine, clock, process_id: str, data: Mapping[str, Any] = (), **case
    ):
        self.engine, self.clock = engine, clock
        self.people: dict[str, str] = {}
        """Who acts for a role when a call names nobody (default: someone.<role>)."""
        self.units: dict[str, Iterable[str]] = {}
        """The units of whoever acts for a role when a call names nobody (default: none)."""
        fields = {**CASE_DEFAULTS, **case}
        starter = Actor.of("intake.clerk", ["镇综治中心"])

        def create_case(session, instance_id: int) -> dict[str, Any]:
            row = Case(
                **fields,
                instance_id=instance_id,
                received_at=clock.now(),
                received_by=starter.user,
                parties=[Party(role="申请人", name="张三", phone="13812345678")],
            )
            row.code = next_case_code(session, region_code=row.region_code, at=clock.now())
            session.add(row)
            session.flush()
            self.case_id = row.id
            return {**start_data(row), **dict(data)}

        self.instance_id = engine.start(process_id, actor=starter, before_run=create_case)

    # -- who sees what ------------------------------------------------------------------
    def ready(self, role: str, user: str = "", units: Iterable[str] = ()) -> list[TaskView]:
        """The case's tasks offered to ``user`` (default: someone.<role>, of no unit)."""
        actor = Actor.of(self.who(role, user), [role], self.units_of(role, user, units))
        return [t for t in self.engine.ready_tasks(actor) if t.instance_id == self.instance_id]

    def who(self, role: str, user: str = "") -> str:
        return user or self.people.get(role) or f"someone.{role}"

    def units_of(self, role: str, user: str, units: Iterable[str]) -> Iterable[str]:
        return units or (() if user else self.units.get(role, ()))

    def ready_ids(self, role: str, user: str = "", units: Iterable[str] = ()) -> list[str]:
        return sorted(t.spec_id for t in self.ready(role, user, units))

    def open_tasks(self) -> dict[str, list[str]]:
        """Every ready human task of the case, by lane: {lane: [element ids]}."""
        result: dict[str, list[str]] = {}
        for task in self.engine.tasks_of(self.instance_id):
            if task.status == "ready":
                result.setdefault(task.lane or "", []).append(task.spec_id)
        return {lane: sorted(ids) for lane, ids in result.items()}

    def task(self, role: str, spec_id: str, user: str = "", units: Iterable[str] = ()) -> TaskView:
        matching = [t for t in self.ready(role, user, units) if t.spec_id == spec_id]
        who = user or role
        assert len(matching) == 1, f"{who} should see one {spec_id}; open: {self.open_tasks()}"
        return matching[0]

    def complete(
        self,
        role: str,
        spec_id: str,
        data: Mapping[str, Any] = (),
        user: str = "",
        units: Iterable[str] = (),
    ) -> TaskView:
        task = self.task(role, spec_id, user, units)
        actor = Actor.of(self.who(role, user), [role], self.units_of(role, user, units))
        self.engine.complete(task.id, dict(data), actor=actor)
        return task

    # -- time -----------------------------------------------------------------------------
    def advance_to(self, when: datetime) -> int:
        """Move the clock to ``when`` and fire what fell due; returns instances advanced."""
        self.clock.set(when)
        return self.engine.fire_due_timers()

    def advance(self, **delta: float) -> int:
        return self.advance_to(self.clock.now() + timedelta(**delta))

    # -- the case as stored ----------------------------------------------------------------
    def case(self) -> Case:
        with self.engine.session_factory() as session:
            return session.get(Case, self.case_id)

    def rows(self, model, **filters) -> list:
        with self.engine.session_factory() as session:
            query = session.query(model).filter_by(case_id=self.case_id, **filters)
            return list(query.order_by(model.id))

    def instance(self):
        return self.engine.instance(self.instance_id, with_data=True)

    def events(self, types: Iterable[str] | None = None) -> list:
        with self.engine.session_factory() as session:
            query = session.query(HistoryEvent).filter_by(instance_id=self.instance_id)
            rows = list(query.order_by(HistoryEvent.seq))
        wanted = set(types) if types is not None else None
        return [r for r in rows if wanted is None or r.event_type in wanted]
