"""``processes.current_deadline``: the deadline running on a case and on a task, for each
state, and the batch a list asks (one query, whatever the number of cases)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from sqlalchemy import event, select, update

from engine import Actor
from engine.enums import TaskStatus
from processes.current_deadline import (
    DeadlineState,
    case_deadline,
    case_deadlines,
    deadline_before,
    task_deadline,
)
from processes.enums import CaseStatus
from processes.intake import receive_case
from processes.models import Case
from tests.conftest import CST
from tests.processes.conftest import GRID, deploy

DUE = datetime(2026, 3, 4, 23, 59, 59, tzinfo=CST)
EARLIER = DUE - timedelta(days=1)


@dataclass
class Row:
    status: str
    due_at: datetime | None = None


@pytest.mark.parametrize("status", [CaseStatus.RECEIVED, CaseStatus.HANDLING])
def test_an_open_case_runs_its_own_deadline_before_its_tasks(status):
    found = case_deadline(Row(status, DUE), task_dues=[EARLIER])
    assert (found.state, found.at, found.note) == (DeadlineState.RUNNING, DUE, "")


def test_an_open_case_keeping_none_runs_its_waiting_tasks_earliest():
    found = case_deadline(Row(CaseStatus.HANDLING), task_dues=[None, DUE, EARLIER])
    assert (found.state, found.at) == (DeadlineState.RUNNING, EARLIER)


def test_an_open_case_with_nothing_timed_says_so():
    found = case_deadline(Row(CaseStatus.RECEIVED), task_dues=[None])
    assert (found.state, found.at, found.note) == (DeadlineState.UNTIMED, None, "无时限")


def test_a_resolved_case_runs_no_deadline_whatever_it_still_holds():
    found = case_deadline(Row(CaseStatus.RESOLVED, DUE), task_dues=[EARLIER])
    assert (found.state, found.at, found.note) == (DeadlineState.RESOLVED, None, "已化解")


@pytest.mark.parametrize(
    "status", [CaseStatus.CLOSED, CaseStatus.GUIDED, CaseStatus.RETURNED, CaseStatus.CANCELLED]
)
def test_an_ended_case_runs_no_deadline(status):
    found = case_deadline(Row(status, DUE), task_dues=[EARLIER])
    assert (found.state, found.at, found.note) == (DeadlineState.ENDED, None, "已办结")


def test_a_waiting_task_runs_its_due_time():
    assert task_deadline(Row(TaskStatus.READY, DUE)).at == DUE
    assert task_deadline(Row(TaskStatus.READY)).note == "无时限"


@pytest.mark.parametrize(
    ("status", "note"), [(TaskStatus.COMPLETED, "已办理"), (TaskStatus.CANCELLED, "已撤销")]
)
def test_a_finished_task_runs_no_deadline(status, note):
    found = task_deadline(Row(status, DUE))
    assert (found.running, found.at, found.note) == (False, None, note)


# -- on the database ---------------------------------------------------------------------


@pytest.fixture
def library(case_engine, regions):
    deploy(case_engine)
    return case_engine


CLERK = Actor.of("window.clerk", ["镇综治中心"])


def _on_the_ladder(engine) -> int:
    matter = {
        "channel": "窗口",
        "dispute_type": "02",
        "summary": "邻里之间因排水沟堵塞发生争执",
        "region_code": GRID,
        "risk_colour": "黄",
        "parties": [{"role": "申请人", "name": "张三", "phone": "13812345678"}],
    }
    received = receive_case(engine, matter, actor=CLERK)
    [assess] = [t for t in engine.tasks_of(received.instance_id) if t.spec_id == "assess"]
    data = {"matter_nature": "一般纠纷", "cross_department": False, "risk_colour": "黄"}
    engine.complete(assess.id, data, actor=CLERK)
    return received.case_id


@contextmanager
def _statements(session) -> Iterator[list[str]]:
    """The SQL statements run inside the block."""
    seen: list[str] = []

    def note(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    bind = session.get_bind()
    event.listen(bind, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(bind, "before_cursor_execute", note)


def test_a_page_of_cases_is_answered_with_one_query(library):
    ids = [_on_the_ladder(library) for _ in range(4)]
    with library.session_factory() as session:
        session.execute(update(Case).where(Case.id.in_(ids[:2])).values(due_at=None))
        session.execute(update(Case).where(Case.id == ids[3]).values(status=CaseStatus.RESOLVED))
        session.commit()
        cases = list(session.scalars(select(Case).where(Case.id.in_(ids))))
        task_due = max(c.due_at for c in cases if c.due_at is not None)
        with _statements(session) as seen:
            found = case_deadlines(session, cases)
    assert len(seen) == 1, "the tasks of every case without its own deadline, at once"
    assert [found[i].state for i in ids] == [DeadlineState.RUNNING] * 3 + [DeadlineState.RESOLVED]
    assert found[ids[0]].at == found[ids[1]].at == task_due, "its village task's due time"


def test_the_late_filter_agrees_with_the_deadline(library):
    own, by_task, resolved = (_on_the_ladder(library) for _ in range(3))
    with library.session_factory() as session:
        session.execute(update(Case).where(Case.id == by_task).values(due_at=None))
        session.execute(update(Case).where(Case.id == resolved).values(status=CaseStatus.RESOLVED))
        session.commit()
        due = session.get(Case, own).due_at

        def late_at(moment: datetime) -> set[int]:
            return set(session.scalars(select(Case.id).where(deadline_before(moment))))

        assert late_at(due) == set()
        assert late_at(due + timedelta(seconds=1)) == {own, by_task}
