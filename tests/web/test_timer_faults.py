"""故障定时器 as people meet them: the admin page and ``zongzhi timers`` list a parked timer
with its element and error and retry it or cancel its case; the 督办台 flags the case."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine import Actor, RetryPolicy
from engine.db import db
from engine.models import HistoryEvent, TimerRecord
from processes.enums import CaseStatus
from processes.models import Case
from tests.engine.diagrams import write
from tests.engine.test_timer_quarantine import FAILURE, HOSTILE
from tests.processes.conftest import COUNTY, GRID
from webapp.cli import cli
from webapp.engine_binding import current_engine

CENTER = Actor.of("li", ["镇综治中心"])


@pytest.fixture
def parked(app, web_engine, clock, tmp_path) -> dict:
    """A case whose boundary timer runs an endless script: fired once and parked."""
    web_engine.deploy([write(tmp_path, "hostile.bpmn", HOSTILE)], actor="designer")
    instance = web_engine.start("hostile", actor=CENTER)
    with app.app_context():
        case = Case(
            code="GZ-2026-TIMER1",
            channel="窗口",
            dispute_type="邻里",
            summary="测试故障定时器",
            region_code=GRID,
            risk_colour="绿",
            status=CaseStatus.HANDLING,
            instance_id=instance,
            received_at=clock.now(),
            received_by="li",
        )
        db.session.add(case)
        db.session.commit()
        case_id = case.id
    web_engine.timer_retry = RetryPolicy(max_attempts=1)
    clock.advance(hours=2)
    web_engine.fire_due_timers()
    [timer] = web_engine.troubled_timers(parked_only=True)
    return {"instance": instance, "case_id": case_id, "timer_id": timer.timer_id}


def _timer(app, timer_id: int) -> TimerRecord | None:
    with app.app_context():
        return db.session.get(TimerRecord, timer_id)


def test_admin_sees_the_parked_timer_and_retries_it(app, login_as, parked):
    client = login_as("guanli", "管理员")
    page = client.get("/admin/timers").get_data(as_text=True)
    assert "GZ-2026-TIMER1" in page and "临期提醒" in page and "remind" in page
    assert FAILURE in page and "故障" in page
    response = client.post("/admin/timers/retry", data={"timer_id": parked["timer_id"]})
    assert response.status_code == 302
    row = _timer(app, parked["timer_id"])
    assert (row.attempts, row.parked_at) == (0, None)
    page = client.get("/admin/timers").get_data(as_text=True)
    assert "将在下一次检查时重新触发" in page and "没有故障定时器" in page
    with app.app_context():
        event = db.session.execute(
            select(HistoryEvent).where(HistoryEvent.event_type == "timer_retried")
        ).scalar_one()
    assert event.actor == "guanli" and event.instance_id == parked["instance"]
    timeline = client.get(f"/cases/{parked['case_id']}").get_data(as_text=True)
    assert "定时器故障，已暂停" in timeline and "故障定时器重新触发" in timeline
    assert FAILURE in timeline and "临期提醒" in timeline


def test_admin_cancels_the_case_of_a_parked_timer(app, login_as, parked):
    client = login_as("guanli", "管理员")
    refused = client.post(
        "/admin/timers/cancel", data={"timer_id": parked["timer_id"], "reason": " "}
    )
    assert refused.status_code == 302 and _timer(app, parked["timer_id"]) is not None
    client.post(
        "/admin/timers/cancel", data={"timer_id": parked["timer_id"], "reason": "流程图无法修正"}
    )
    assert _timer(app, parked["timer_id"]) is None
    with app.app_context():
        assert db.session.get(Case, parked["case_id"]).status == CaseStatus.CANCELLED
    page = client.get("/admin/timers").get_data(as_text=True)
    assert "已取消 GZ-2026-TIMER1 的流程" in page


def test_supervision_board_flags_the_case_with_a_faulty_timer(login_as, parked):
    client = login_as("duban", "督办员", region=COUNTY)
    page = client.get("/supervision").get_data(as_text=True)
    assert "故障定时器" in page and "GZ-2026-TIMER1" in page and FAILURE in page


def test_cli_lists_retries_and_cancels_parked_timers(app, parked, clock):
    runner = app.test_cli_runner()
    listed = runner.invoke(cli, ["timers", "parked"])
    assert listed.exit_code == 0, listed.output
    assert "GZ-2026-TIMER1" in listed.output and FAILURE in listed.output
    timer_id = str(parked["timer_id"])
    assert runner.invoke(cli, ["timers", "retry", timer_id]).exit_code == 0
    assert "没有故障定时器" in runner.invoke(cli, ["timers", "parked"]).output
    missing = runner.invoke(cli, ["timers", "cancel", timer_id, "--reason", "无法修正"])
    assert missing.exit_code == 1 and "不存在或没有故障" in missing.output
    clock.advance(minutes=1)
    with app.app_context():
        current_engine().fire_due_timers()  # still broken: parked again
    cancelled = runner.invoke(cli, ["timers", "cancel", timer_id, "--reason", "无法修正"])
    assert cancelled.exit_code == 0, cancelled.output
    assert "已取消 GZ-2026-TIMER1 的流程" in cancelled.output
    assert _timer(app, parked["timer_id"]) is None
