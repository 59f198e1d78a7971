"""司法确认提醒 (``bpmn/confirmation.bpmn``) on its own, as any diagram with an agreement
calls it (``calledElement="confirmation"``, ``case_id`` in the data): the parties may jointly
apply to a court within 30 days of the agreement taking effect (人民调解法 Art.33, 民事诉讼法
Art.205, D2); whoever the caller names reminds them before the window closes.

The case here is a walk-in (窗口) case with no hand-off record, as a 四级七天 or 中心吹哨
agreement would be.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from engine import InstanceStatus
from processes.models import Mediation, ProgressReport, SupervisionRecord
from tests.conftest import CST
from tests.processes.conftest import Scenario, deploy
from tests.processes.handoff_support import end_of, instructions

AGREEMENT = datetime(2026, 9, 1, 10, 0, tzinfo=CST)
DUE = end_of(2026, 10, 8)  # 9/1 + 30 = 10/1, inside 国庆 (10/1–10/7): Thursday 10/8
LANES = [
    ("调解员", "remind_mediator"),
    ("镇综治中心", "remind_township"),
    ("县综治中心", "remind_county"),
]


@pytest.fixture
def engine(case_engine, regions):
    deploy(case_engine, "confirmation.bpmn")
    return case_engine


def remind(engine, clock, **data) -> Scenario:
    return Scenario(engine, clock, "confirmation", data=data)


def test_the_window_counts_from_the_agreement_and_the_mediator_reminds_by_default(engine, clock):
    clock.set(AGREEMENT + timedelta(days=4))
    s = remind(engine, clock, agreement_at=AGREEMENT.isoformat(), mediator="王调解员")
    assert s.open_tasks() == {"调解员": ["remind_mediator"]}
    task = s.task("调解员", "remind_mediator")
    assert task.due_at == DUE
    assert "2026-10-08 前" in instructions(s, "调解员", "remind_mediator")
    (notice,) = s.rows(SupervisionRecord)
    assert (notice.kind, notice.reason, notice.target, notice.due_at) == (
        "督办提示单",
        "交办",
        "王调解员",
        DUE,
    )
    assert s.rows(Mediation) == []  # no hand-off: the window is on the case's history
    (opened,) = s.events(["confirmation_due_set"])
    assert opened.data["due"] == DUE.isoformat()

    s.complete(
        "调解员",
        "remind_mediator",
        {"confirmation_status": "当事人已申请司法确认", "remind_note": "9月10日双方共同申请"},
    )
    instance = s.instance()
    assert instance.status == InstanceStatus.COMPLETED
    assert instance.data["confirmation_status"] == "当事人已申请司法确认"
    (recorded,) = s.events(["confirmation_recorded"])
    assert recorded.data["status"] == "当事人已申请司法确认"
    (report,) = s.rows(ProgressReport, kind="进展")
    assert report.text == "司法确认提醒：当事人已申请司法确认（9月10日双方共同申请）"


@pytest.mark.parametrize(("role", "task"), LANES)
def test_the_caller_names_who_reminds(engine, clock, role, task):
    clock.set(AGREEMENT)
    s = remind(engine, clock, confirmation_reminder=role)
    assert s.open_tasks() == {role: [task]}
    (notice,) = s.rows(SupervisionRecord)
    assert notice.target == role
    s.complete(
        role, task, {"confirmation_status": "当事人决定不申请", "remind_note": "当事人表示自愿履行"}
    )
    assert s.instance().data["confirmation_status"] == "当事人决定不申请"


@pytest.mark.parametrize(("role", "task"), LANES)
def test_a_window_nobody_recorded_lapses(engine, clock, role, task):
    clock.set(AGREEMENT)
    s = remind(engine, clock, confirmation_reminder=role)
    s.advance_to(DUE)
    assert s.ready_ids(role) == [task]
    s.advance_to(DUE + timedelta(seconds=1))
    instance = s.instance()
    assert instance.status == InstanceStatus.COMPLETED
    assert instance.data["confirmation_status"] == "申请期限届满"
    (lapsed,) = s.rows(ProgressReport, kind="进展")
    assert lapsed.text == "申请司法确认的期限已届满，未登记提醒结果"
