"""Helpers of the work-list and task-form tests: cases received through the app's engine,
a second township outside the first one's scope, deadlines set on the projection."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update

from engine import Actor, Engine, TaskStatus, TaskView
from engine.models import TaskRecord
from processes.intake import Received, receive_case
from processes.models import Case, Region
from processes.task_rank import rank_tasks
from tests.processes.conftest import COUNTY, GRID, TOWNSHIP
from tests.web.conftest import PASSWORD, add_test_user

CENTER = "镇综治中心"
COUNTY_CENTER = "县综治中心"
CLERK = Actor.of("window.clerk", [CENTER])
OTHER_TOWNSHIP, OTHER_VILLAGE = "620702102", "620702102201"

__all__ = ["COUNTY", "GRID", "TOWNSHIP"]


def add_other_township(engine: Engine) -> None:
    """沙井镇 and a village of it: a second township beside 大满镇, under the same county."""
    with engine.session_factory() as session:
        session.add_all(
            [
                Region(code=OTHER_TOWNSHIP, name="沙井镇", level="镇", parent_code=COUNTY),
                Region(code=OTHER_VILLAGE, name="沙井村", level="村", parent_code=OTHER_TOWNSHIP),
            ]
        )
        session.commit()


def matter(
    *,
    region: str = GRID,
    name: str = "张三丰",
    phone: str = "13812345678",
    risk: str = "黄",
    **changes: Any,
) -> dict[str, Any]:
    return {
        "channel": "窗口",
        "dispute_type": "02",
        "summary": "两户因院墙漏水发生争执",
        "region_code": region,
        "risk_colour": risk,
        "parties": [
            {"role": "申请人", "name": name, "phone": phone},
            {"role": "被申请人", "name": "李四"},
        ],
        **changes,
    }


def receive(engine: Engine, **options: Any) -> Received:
    return receive_case(engine, matter(**options), actor=CLERK)


def ready(engine: Engine, instance_id: int, spec_id: str | None = None) -> list[TaskView]:
    return [
        t
        for t in engine.tasks_of(instance_id)
        if t.status == TaskStatus.READY and spec_id in (None, t.spec_id)
    ]


def only_ready(engine: Engine, instance_id: int, spec_id: str | None = None) -> TaskView:
    [task] = ready(engine, instance_id, spec_id)
    return task


def set_due(engine: Engine, task_id: str, due_at: datetime | None) -> None:
    with engine.session_factory() as session:
        session.execute(update(TaskRecord).where(TaskRecord.id == task_id).values(due_at=due_at))
        session.commit()


def set_case(engine: Engine, case_id: int, **values: Any) -> None:
    with engine.session_factory() as session:
        session.execute(update(Case).where(Case.id == case_id).values(**values))
        if "risk_colour" in values:  # as every change of colour does (record_colour)
            instance_id = session.get(Case, case_id).instance_id
            rank_tasks(session, instance_id, values["risk_colour"])
        session.commit()


def assess_data(nature: str = "一般纠纷", colour: str = "黄", cross: str = "false") -> dict:
    """The 分流研判 form as a browser posts it."""
    return {"matter_nature": nature, "cross_department": cross, "risk_colour": colour}


def client_for(
    app: Flask, username: str, *roles: str, region: str | None = None, department: str | None = None
) -> FlaskClient:
    """A second browser: its own client, logged in as a new user."""
    add_test_user(app, username, *roles, region=region, department=department)
    client = app.test_client()
    response = client.post("/login", data={"username": username, "password": PASSWORD})
    assert response.status_code == 302, "login failed"
    return client
